"""The report's per-language section: each filter's drops per language, and which library's text was kept."""

from __future__ import annotations

from typing import Any, Mapping

from thresher.tools.report.markup import cell, e, note, table


def filters_by_language(stats: Mapping[str, Any]) -> str:
    """A row per language and filter: documents in, kept, dropped, and the drop reasons (stats.json ``filters_by_language``)."""
    per_language = stats.get("filters_by_language") or {}
    parts = []
    by_extractor = (stats.get("extraction") or {}).get("kept_by_extractor") or {}
    if by_extractor:
        rows = [f"<tr>{cell(name)}{cell(n, numeric=True, extractor=name, kept=n)}</tr>"
                for name, n in sorted(by_extractor.items(), key=lambda kv: -kv[1])]
        parts.append("<h3>Kept pages by the library whose text they carry</h3>"
                     + table("extraction-by-library", ["library", "pages"], rows))
    gated = (stats.get("extraction") or {}).get("language_gated") or {}
    if gated:
        rows = [f"<tr>{cell(language)}{cell(n, numeric=True, gated=language, count=n)}</tr>"
                for language, n in sorted(gated.items(), key=lambda kv: (-kv[1], kv[0]))]
        parts.append("<h3>Pages extracted by resiliparse alone for their language</h3>"
                     + note("Counted among the resiliparse pages above: their resiliparse text was confidently in a "
                            "language this run does not keep, so trafilatura did not run, and language ID "
                            "dropped them (extract.language_gate).")
                     + table("extraction-language-gated", ["language", "pages"], rows))
    if not per_language:
        parts.append(note("This run recorded no per-language filter counts (no filter ran, or an older run)."))
        return "".join(parts)
    rows = []
    for language, filters in per_language.items():
        for name, entry in filters.items():
            dropped = sum(entry["dropped"].values())
            reasons = ", ".join(f"{reason} {n:,}" for reason, n in sorted(entry["dropped"].items(), key=lambda kv: -kv[1]))
            attrs = {"language": language, "filter": name}
            rows.append(
                f"<tr>{cell(language)}{cell(name)}"
                f"{cell(entry['in'], numeric=True, **attrs, role='in', count=entry['in'])}"
                f"{cell(entry['kept'], numeric=True, **attrs, role='kept', count=entry['kept'])}"
                f"{cell(dropped, numeric=True, **attrs, role='dropped', count=dropped)}"
                f"<td>{e(reasons)}</td></tr>"
            )
    parts.append("<h3>Quality filters per language</h3>" + table(
        "filters-by-language", ["language", "filter", "in", "kept", "dropped", "reasons"], rows, numeric_from=2,
        numeric_to=5))
    return "".join(parts)
