"""Read what a finished run left on disk, for the HTML report.

Required: ``stats.json`` and ``manifest.json`` (a run writes them last, so their presence
means the run finished) and the shards the manifest names. Optional: ``audit.json`` (off
when ``audit_samples_per_reason`` is 0), ``_work/duplicates`` (absent when dedup is off or
the work directory was cleaned) and ``_work/documents`` (read only for text lengths when the
shards hold no text). Missing optional inputs leave ``None``; the page says so.
"""

from __future__ import annotations

import glob
import json
import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

from thresher.errors import ThresherError


@dataclass
class ShardMeasures:
    """Per-document measurements over every shard, in manifest order."""

    #: Characters (code points, as ``len(text)`` counts them) per document; None when no text is kept.
    char_lengths: list[int] | None
    token_counts: list[int]
    #: Where the characters were counted: "shards", or "_work/documents" when the shards hold no text.
    chars_source: str | None = None

    @property
    def total_chars(self) -> int | None:
        return None if self.char_lengths is None else sum(self.char_lengths)


@dataclass
class DuplicateClusters:
    """Clusters of duplicates: one kept document plus the removed ones that point to it."""

    #: cluster size → number of clusters of that size (size >= 2).
    size_counts: dict[int, int]
    removed_documents: int
    #: Removed rows whose ``duplicate_of`` is empty (counted, not clustered).
    without_target: int


@dataclass
class RunFiles:
    root: str
    stats: dict[str, Any]
    manifest: dict[str, Any]
    audit: dict[str, list[dict[str, Any]]] | None
    shards: ShardMeasures
    duplicates: DuplicateClusters | None


def _read_json(path: str, required: bool) -> Any:
    if not os.path.exists(path):
        if required:
            raise ThresherError(
                f"{path} not found: is {os.path.dirname(path)} the output directory of a finished thresher run?"
            )
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise ThresherError(f"cannot read {path}: {exc}") from exc


def _check_shape(stats: Any, manifest: Any, root: str) -> None:
    if not isinstance(stats, dict) or not {"records_read", "stages", "kept_documents", "tokens"} <= stats.keys():
        raise ThresherError(f"{root}/stats.json is not a thresher stats file (no funnel in it)")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("shards"), list):
        raise ThresherError(f"{root}/manifest.json is not a thresher shard manifest (no shard list)")


def read_shard_measures(root: str, manifest: dict[str, Any]) -> ShardMeasures:
    """Text lengths and token counts, read column by column (token ids are never loaded)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    char_lengths: list[int] | None = []
    token_counts: list[int] = []
    for shard in manifest["shards"]:
        path = os.path.join(root, str(shard.get("name", "")))
        if not os.path.isfile(path):
            raise ThresherError(f"shard {path} named in manifest.json is missing")
        parquet = pq.ParquetFile(path)
        columns = parquet.schema_arrow.names
        wanted = ["token_count"] + (["text"] if "text" in columns and char_lengths is not None else [])
        if "text" not in columns:
            char_lengths = None  # keep_text: false, lengths are unknowable from the shards
        for batch in parquet.iter_batches(columns=wanted, batch_size=8192):
            token_counts.extend(batch.column("token_count").to_pylist())
            if char_lengths is not None:
                char_lengths.extend(pc.utf8_length(batch.column("text")).to_pylist())
    if char_lengths is not None:
        return ShardMeasures(char_lengths=char_lengths, token_counts=token_counts, chars_source="shards")
    # keep_text: false. The shards phase tokenized exactly the documents table, so its text
    # gives the same lengths, as long as the work directory is still there.
    char_lengths = _document_table_lengths(root)
    source = "_work/documents" if char_lengths is not None else None
    return ShardMeasures(char_lengths=char_lengths, token_counts=token_counts, chars_source=source)


def _document_table_lengths(root: str) -> list[int] | None:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = sorted(glob.glob(os.path.join(root, "_work", "documents", "*.parquet")))
    if not files:
        return None
    lengths: list[int] = []
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(columns=["text"], batch_size=8192):
            lengths.extend(pc.utf8_length(batch.column("text")).to_pylist())
    return lengths


def read_duplicate_clusters(root: str) -> DuplicateClusters | None:
    """Cluster sizes from the removed-duplicates table.

    A removed document can itself be the target of an earlier removal (an exact duplicate of
    a page that a later stage found near-duplicate of a third): targets are followed to the
    document that was finally kept, so such a chain counts as one cluster.
    """
    import pyarrow.parquet as pq

    files = sorted(glob.glob(os.path.join(root, "_work", "duplicates", "*.parquet")))
    if not files:
        return None
    table = pq.read_table(files, columns=["id", "duplicate_of"])
    target_of = dict(zip(table.column("id").to_pylist(), table.column("duplicate_of").to_pylist()))
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
        removed_documents=table.num_rows,
        without_target=without_target,
    )


def read_run(root: str) -> RunFiles:
    """Everything the report shows; raises :class:`ThresherError` for a missing or invalid run."""
    if not os.path.isdir(root):
        raise ThresherError(f"run directory {root} does not exist")
    stats = _read_json(os.path.join(root, "stats.json"), required=True)
    manifest = _read_json(os.path.join(root, "manifest.json"), required=True)
    _check_shape(stats, manifest, root)
    audit = _read_json(os.path.join(root, "audit.json"), required=False)
    if audit is not None and not isinstance(audit, dict):
        raise ThresherError(f"{root}/audit.json: expected samples keyed by drop reason")
    return RunFiles(
        root=root,
        stats=stats,
        manifest=manifest,
        audit=audit,
        shards=read_shard_measures(root, manifest),
        duplicates=read_duplicate_clusters(root),
    )
