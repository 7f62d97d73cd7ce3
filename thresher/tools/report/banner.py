"""The warning banner at the top of the report: what a reader must not miss.

Shown only when something is wrong: nothing was kept, the share of records that failed to read
is above the run's limit (stats.json's ``max_error_share`` when the run recorded one, else
:data:`DEFAULT_MAX_ERROR_SHARE`), or the accounting identity is broken. Each warning is a
``<p class="warning" data-warning="...">`` inside ``<div id="warnings">``.
"""

from __future__ import annotations

from typing import Any, Mapping

from thresher.tools.report.charts import format_number
from thresher.tools.report.markup import data_attrs, e

#: The error share above which the report warns when the run recorded no limit of its own.
DEFAULT_MAX_ERROR_SHARE = 0.05


def error_limit(stats: Mapping[str, Any]) -> tuple[float, str]:
    """(limit, where it came from): the run's ``max_error_share``, else the report's default."""
    limit = stats.get("max_error_share")
    if isinstance(limit, (int, float)) and not isinstance(limit, bool) and 0 <= limit <= 1:
        return float(limit), "the run's max_error_share"
    return DEFAULT_MAX_ERROR_SHARE, "the report's default"


def _largest(counts: Mapping[str, int], n: int = 3) -> str:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return ", ".join(f"{name} ({format_number(count)})" for name, count in ordered)


def _nothing_kept(stats: Mapping[str, Any]) -> str:
    read = stats.get("read") or {}
    records, forwarded = stats.get("records_read", 0), read.get("forwarded", 0)
    if not records:
        why = "No input record was read: is the input empty, or did the glob match nothing readable?"
    elif not forwarded:
        lost = {f"skipped/{k}": v for k, v in (read.get("skipped") or {}).items()}
        lost.update({f"error/{k}": v for k, v in (read.get("errors") or {}).items()})
        why = (f"None of the {format_number(records)} records read was an HTML page or text document to process: "
               f"{_largest(lost)}.")
    else:
        drops = {f"{s['stage']}/{r}": n for s in stats.get("stages", []) for r, n in (s.get("dropped") or {}).items()}
        why = (f"{format_number(forwarded)} pages entered the stages and every one was dropped. "
               f"Largest drops: {_largest(drops) or 'none recorded'}.")
    return (f'<p class="warning" data-warning="nothing-kept"><strong>Nothing was kept:</strong> the shards hold '
            f"0 documents. {e(why)}</p>")


def _error_share(stats: Mapping[str, Any], error_files: Mapping[str, int]) -> str:
    records = stats.get("records_read", 0)
    errors = (stats.get("read") or {}).get("errors") or {}
    total = sum(errors.values())
    limit, source = error_limit(stats)
    if not records or total / records <= limit:
        return ""
    attrs = data_attrs({"warning": "error-share", "errors": total, "records": records, "limit": limit})
    return (f"<p class=\"warning\"{attrs}><strong>{e(f'{100 * total / records:.1f}%')} of the records read were "
            f"errors</strong> ({e(format_number(total))} of {e(format_number(records))}), above "
            f"{e(f'{100 * limit:g}%')} ({e(source)}). Most frequent: {e(_largest(errors))}."
            + (f" Most failed records in: {e(_largest(error_files))}." if error_files else "") + "</p>")


def _identity(stats: Mapping[str, Any]) -> str:
    identity = stats.get("identity") or {}
    if identity.get("holds", True):
        return ""
    return ('<p class="warning" data-warning="identity"><strong>Records are unaccounted for:</strong> records read '
            "is not kept + dropped + skipped + errors (see the Summary).</p>")


def warnings_banner(stats: Mapping[str, Any], error_files: Mapping[str, int] | None = None) -> str:
    """The banner's HTML, or "" when there is nothing to warn about.

    ``error_files``: input file → records that failed in it (from the phase-A rejects), to name the worst.
    """
    warnings = [
        _nothing_kept(stats) if not stats.get("kept_documents") else "",
        _error_share(stats, error_files or {}),
        _identity(stats),
    ]
    shown = "".join(w for w in warnings if w)
    return f'<div id="warnings" class="warnings" role="alert">{shown}</div>' if shown else ""
