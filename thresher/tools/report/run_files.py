"""Read what a finished run left on disk, for the HTML report.

Required: ``stats.json`` and ``manifest.json`` (a run writes them last, so their presence
means the run finished) and the shards the manifest names. Optional, each missing one leaving
``None`` and a sentence on the page: ``audit.json`` (off when ``audit_samples_per_reason`` is
0); ``_work/duplicates`` (absent when dedup is off or the work directory was cleaned);
``_work/documents`` (text for lengths and examples when the shards hold none); the phase-A
results under ``_work/phase_a`` (every document before dedup, with its text: duplicate pairs),
their dropped documents (every dropped document: dropped domains, language-ID scores) and
rejects (records skipped or failed before the stages). Where each file is:
:mod:`thresher.tools.report.run_paths`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from thresher.io import storage
from thresher.errors import ThresherError
from thresher.tools.report.domains import DomainCounts
from thresher.tools.report.drop_files import DropSources, audit_language, read_drops
from thresher.tools.report.kept_files import (
    EXAMPLE_CHARS,
    EXAMPLES_PER_LANGUAGE,
    KeptDocuments,
    KeptExample,
    ShardMeasures,
    read_kept_documents,
)
from thresher.tools.report.pairs import DuplicatePairs, duplicate_pairs
from thresher.tools.report.run_paths import BATCH, dataset_parts, scan_phase_a_documents
from thresher.run.layout import RunLayout

__all__ = [
    "EXAMPLE_CHARS", "EXAMPLES_PER_LANGUAGE", "DropSources", "DuplicateClusters", "KeptDocuments", "KeptExample",
    "RemovedDuplicate", "RunFiles", "ShardMeasures", "audit_language", "duplicate_clusters", "read_run",
]

#: Older Spark runs named removed-duplicate files after their stage: ``part-dedup_url-00000.parquet``.
_STAGE_IN_FILE_NAME = re.compile(r"-(dedup_[a-z]+)-\d+\.parquet$")


@dataclass
class DuplicateClusters:
    """Clusters of duplicates: one kept document plus the removed ones that point to it."""

    #: cluster size → number of clusters of that size (size >= 2).
    size_counts: dict[int, int]
    removed_documents: int
    #: Removed rows whose ``duplicate_of`` is empty (counted, not clustered).
    without_target: int


@dataclass(frozen=True)
class RemovedDuplicate:
    id: str
    url: str
    duplicate_of: str | None
    #: The dedup stage that removed it, when the run recorded it (Spark's file names); else None.
    stage: str | None


@dataclass
class RunFiles:
    root: str
    stats: dict[str, Any]
    manifest: dict[str, Any]
    audit: dict[str, list[dict[str, Any]]] | None
    shards: ShardMeasures
    duplicates: DuplicateClusters | None
    kept: KeptDocuments = field(default_factory=KeptDocuments)
    removed: list[RemovedDuplicate] | None = None
    drops: DropSources | None = None
    pairs: DuplicatePairs | None = None

    @property
    def domains(self) -> DomainCounts:
        return self.kept.domains

    @property
    def config(self) -> dict[str, Any]:
        config = self.manifest.get("config")
        return config if isinstance(config, dict) else {}

    def config_value(self, dotted: str, default: Any = None) -> Any:
        """A value of the run's config (manifest.json), e.g. ``"output.keep_text"``; ``default`` when absent."""
        value: Any = self.config
        for key in dotted.split("."):
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value


def _read_json(path: str, required: bool) -> Any:
    if not storage.exists(path):
        if required:
            raise ThresherError(
                f"{path} not found: is {os.path.dirname(path)} the output directory of a finished thresher run?"
            )
        return None
    try:
        return storage.read_json(path)
    except (OSError, ValueError) as exc:
        raise ThresherError(f"cannot read {path}: {exc}") from exc


def _check_shape(stats: Any, manifest: Any, root: str) -> None:
    if not isinstance(stats, dict) or not {"records_read", "stages", "kept_documents", "tokens"} <= stats.keys():
        raise ThresherError(f"{root}/stats.json is not a thresher stats file (no funnel in it)")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("shards"), list):
        raise ThresherError(f"{root}/manifest.json is not a thresher shard manifest (no shard list)")


# --- removed duplicates ------------------------------------------------------------------------


def read_removed_duplicates(root: str) -> list[RemovedDuplicate] | None:
    """Every row of ``_work/duplicates``, with the removing stage where the run recorded it."""

    files = dataset_parts(RunLayout.of(root).duplicates)
    if not files:
        return None
    removed = []
    for path in files:
        parquet = storage.open_parquet(path)
        names = set(parquet.schema_arrow.names)
        from_name = _STAGE_IN_FILE_NAME.search(os.path.basename(path))
        columns = [c for c in ("id", "url", "duplicate_of", "stage") if c in names]
        for batch in parquet.iter_batches(columns=columns, batch_size=BATCH):
            rows = batch.to_pydict()
            n = batch.num_rows
            stages = rows.get("stage") or [from_name.group(1) if from_name else None] * n
            urls = rows.get("url") or [""] * n
            for doc_id, url, target, stage in zip(rows["id"], urls, rows["duplicate_of"], stages):
                removed.append(RemovedDuplicate(doc_id, url or "", target or None, stage))
    return removed


def duplicate_clusters(removed: list[RemovedDuplicate] | None) -> DuplicateClusters | None:
    """Cluster sizes from the removed-duplicates table.

    A removed document can itself be the target of an earlier removal (an exact duplicate of
    a page that a later stage found near-duplicate of a third): targets are followed to the
    document that was finally kept, so such a chain counts as one cluster.
    """
    if removed is None:
        return None
    target_of = {row.id: row.duplicate_of for row in removed}
    without_target = 0
    members: Counter[str] = Counter()
    for doc_id, target in target_of.items():
        if not target:
            without_target += 1
            continue
        seen = {doc_id}
        while target in target_of and target_of[target] and target not in seen:
            seen.add(target)
            target = target_of[target]
        members[target] += 1
    size_counts = Counter(1 + n for n in members.values())
    return DuplicateClusters(
        size_counts=dict(sorted(size_counts.items())),
        removed_documents=len(removed),
        without_target=without_target,
    )


def read_duplicate_clusters(root: str) -> DuplicateClusters | None:
    return duplicate_clusters(read_removed_duplicates(root))


def read_run(root: str) -> RunFiles:
    """Everything the report shows; raises :class:`ThresherError` for a missing or invalid run."""
    if not storage.exists(root):
        raise ThresherError(f"run directory {root} does not exist")
    layout = RunLayout.of(root)
    stats = _read_json(layout.stats, required=True)
    manifest = _read_json(layout.manifest, required=True)
    _check_shape(stats, manifest, root)
    audit = _read_json(layout.audit, required=False)
    if audit is not None and not isinstance(audit, dict):
        raise ThresherError(f"{root}/audit.json: expected samples keyed by drop reason")
    shards, kept = read_kept_documents(root, manifest)
    removed = read_removed_duplicates(root)
    pairs = duplicate_pairs(partial(scan_phase_a_documents, root), removed, manifest.get("config") or {})
    return RunFiles(
        root=root,
        stats=stats,
        manifest=manifest,
        audit=audit,
        shards=shards,
        duplicates=duplicate_clusters(removed),
        kept=kept,
        removed=removed,
        drops=read_drops(root, audit, removed, kept.domains, pairs.stage_of if pairs else {}),
        pairs=pairs,
    )

