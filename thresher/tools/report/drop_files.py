"""Dropped documents for the report: every phase-A drop (or audit.json's samples), duplicates, rejects.

Each is counted by domain as it is read; language-ID drops keep their language and score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thresher.io import storage
from thresher.tools.report.domains import DomainCounts
from thresher.tools.report.pairs import drop_reason
from thresher.tools.report.run_paths import BATCH, phase_a_results, result_files

#: The reason removed duplicates count under when the run did not record their stage (Beam).
DEDUP_STAGE_UNKNOWN = "dedup"


@dataclass
class DropSources:
    """Where the page's dropped documents came from, and what language ID said about its drops."""

    #: "dropped" (every phase-A drop, from the results' dropped files) or "audit" (audit.json's samples
    #: only, when a result has none).
    stage_source: str
    #: Phase-A drops read (all of them, or the audit samples).
    stage_drops: int
    #: Removed duplicates read from ``_work/duplicates`` (every one); None without it.
    duplicates: int | None
    #: Records skipped or failed before the stages, from ``rejects.parquet``; None without any.
    rejects: int | None
    #: ``(reason, language, score)`` of every language-ID drop read (from the same source).
    langid: list[tuple[str, str | None, float | None]] = field(default_factory=list)
    #: Input file → records that failed to read in it (``error/*`` rejects), when rejects name their file.
    error_files: dict[str, int] = field(default_factory=dict)


def read_drops(root: str, audit: dict[str, list[dict[str, Any]]] | None,
               removed: list[Any] | None, domains: DomainCounts,
               stage_of: dict[str, str]) -> DropSources:
    """Count every dropped document's domain into ``domains``; language-ID drops kept with their scores.

    Phase-A drops come from each result's dropped files; when any result has none (a run from
    before they existed), from audit.json's samples instead, and the page says so. Removed
    duplicates count under their stage: recorded, or as ``stage_of`` (worked out) names it.
    """

    results = phase_a_results(root)
    dropped_files = [result_files(d, "dropped") for d in results]
    langid: list[tuple[str, str | None, float | None]] = []

    def count(url: str, reason: str, language: str | None, score: float | None) -> None:
        domains.add_dropped(url, reason)
        if reason.startswith("langid/"):
            langid.append((reason, language, score))

    stage_drops = 0
    if results and all(files is not None for files in dropped_files):
        source = "dropped"
        for path in (path for files in dropped_files for path in files or []):
            parquet = storage.open_parquet(path)
            names = set(parquet.schema_arrow.names)
            columns = [c for c in ("url", "reason", "language", "language_score") if c in names]
            for batch in parquet.iter_batches(columns=columns, batch_size=BATCH):
                rows = batch.to_pydict()
                n = batch.num_rows
                for url, reason, lang, score in zip(rows.get("url", [""] * n), rows["reason"],
                                                    rows.get("language", [None] * n),
                                                    rows.get("language_score", [None] * n)):
                    count(url or "", reason, lang, None if score is None else float(score))
                stage_drops += n
    else:
        source = "audit"
        for reason, samples in (audit or {}).items():
            for sample in samples or []:
                count(str(sample.get("url") or ""), reason, *audit_language(sample))
                stage_drops += 1
    for row in removed or []:
        domains.add_dropped(row.url, drop_reason(row.stage or stage_of.get(row.id) or DEDUP_STAGE_UNKNOWN))
    error_files: dict[str, int] = {}
    rejects = _count_rejects(results, domains, error_files)
    return DropSources(stage_source=source, stage_drops=stage_drops, duplicates=None if removed is None else len(removed),
                       rejects=rejects, langid=langid, error_files=error_files)


def audit_language(sample: dict[str, Any]) -> tuple[str | None, float | None]:
    """An audit sample's language-ID result: its ``language``/``language_score`` keys, else its top signal."""
    language, score = sample.get("language"), sample.get("language_score")
    if language is None and score is None:
        # With output.keep_signals the filter records its top guesses as langid.top1.<lang>.
        for name, value in (sample.get("signals") or {}).items():
            if name.startswith("langid.top1."):
                return name[len("langid.top1."):], float(value)
    return (str(language) if language is not None else None, float(score) if score is not None else None)


def _count_rejects(results: list[str], domains: DomainCounts, error_files: dict[str, int]) -> int | None:
    """Count every rejected record's domain into ``domains`` and each failed record's file into ``error_files``."""

    files = [path for d in results for path in (result_files(d, "rejects") or [])]
    if not files:
        return None
    total = 0
    for path in files:
        columns = [c for c in ("url", "reason", "source") if c in storage.open_parquet(path).schema_arrow.names]
        table = storage.read_parquet(path, columns=columns).to_pydict()
        sources = table.get("source") or [None] * len(table["reason"])
        for url, reason, source in zip(table.get("url") or [""] * len(sources), table["reason"], sources):
            domains.add_rejected(url or "", reason)
            if source and reason.startswith("error/"):
                error_files[source] = error_files.get(source, 0) + 1
        total += len(table["reason"])
    return total


