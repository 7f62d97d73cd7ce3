"""Read what a finished run left on disk, for the HTML report.

Where each file is comes from :class:`thresher.run.layout.RunLayout` (the one module that
knows a run's layout) and the phase-A results' ``result.json`` (:mod:`thresher.run.results`),
which name their data files. Runs from before either existed are read from the fixed names
they used (``documents.parquet``, ``part-*.parquet``): see :func:`_result_files` and
:func:`_dataset_files`.

Required: ``stats.json`` and ``manifest.json`` (a run writes them last, so their presence
means the run finished) and the shards the manifest names. Optional, each missing one leaving
``None`` and a sentence on the page: ``audit.json`` (off when ``audit_samples_per_reason`` is
0); ``_work/duplicates`` (absent when dedup is off or the work directory was cleaned);
``_work/documents`` (text for lengths and examples when the shards hold none); the phase-A
results under ``_work/phase_a`` (every document before dedup, with its text: duplicate pairs),
their dropped documents (every dropped document: dropped domains, language-ID scores) and
rejects (records skipped or failed before the stages).
"""

from __future__ import annotations

import bisect
import glob
import json
import os
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterable

from thresher.errors import ThresherError
from thresher.report.domains import DomainCounts
from thresher.report.pairs import DuplicatePairs, drop_reason, duplicate_pairs
from thresher.run.layout import RunLayout, dataset_files
from thresher.run.results import read_result

#: How the page names the files it read (the places themselves come from RunLayout and result.json).
NAMES = {
    "audit": "audit.json",
    "dropped": "dropped documents (phase-A results)",
    "rejects": "rejects (phase-A results)",
}
#: Older Spark runs named removed-duplicate files after their stage: ``part-dedup_url-00000.parquet``.
_STAGE_IN_FILE_NAME = re.compile(r"-(dedup_[a-z]+)-\d+\.parquet$")

#: The reason removed duplicates count under when the run did not record their stage (Beam).
DEDUP_STAGE_UNKNOWN = "dedup"

#: Kept documents shown per language, and the characters of each one's text kept for the page.
EXAMPLES_PER_LANGUAGE = 3
EXAMPLE_CHARS = 1200
_BATCH = 8192


def _dataset_files(directory: str) -> list[str]:
    """The part files of a dataset directory: those its ``_manifest.json`` names, else (older runs) all."""
    files = dataset_files(directory)
    return files if files else sorted(glob.glob(os.path.join(directory, "*.parquet")))


def _result_files(directory: str, kind: str) -> list[str] | None:
    """A phase-A result's ``kind`` files ("documents", "rejects", "dropped"); None when it has none of them.

    result.json names them (``<kind>_files``); a result from before that names none, and its
    data sits in ``<kind>.parquet`` beside it.
    """
    try:
        result = read_result(directory)
    except (KeyError, TypeError):  # a result.json of another shape: read the fixed names
        result = None
    if result is not None and isinstance(result.data.get(f"{kind}_files"), list):
        return result.files(kind)
    legacy = os.path.join(directory, f"{kind}.parquet")
    return [legacy] if os.path.isfile(legacy) else None


def phase_a_results(root: str) -> list[str]:
    """The directories of the run's committed phase-A results (``result.json`` is written last)."""
    return [d for d in RunLayout.of(root).file_results() if ".tmp-" not in os.path.basename(d)]


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


@dataclass(frozen=True)
class KeptExample:
    id: str
    url: str
    language: str
    token_count: int | None
    #: The first :data:`EXAMPLE_CHARS` characters; ``None`` when no text is left anywhere.
    text: str | None
    chars: int | None


@dataclass
class KeptDocuments:
    """What the shards hold besides lengths: example documents per language and the domains kept."""

    #: language → the documents with the smallest ids (a deterministic, hash-random sample).
    examples: dict[str, list[KeptExample]] = field(default_factory=dict)
    domains: DomainCounts = field(default_factory=DomainCounts)
    #: Where the examples' text came from: "shards", "_work/documents" or None (nowhere).
    text_source: str | None = None


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


# --- kept documents: the shards ------------------------------------------------------------------


class _ExamplePicker:
    """The ``count`` smallest ids per language, streamed: a short sorted list per language."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._picked: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def wants(self, language: str, doc_id: str) -> bool:
        picked = self._picked.get(language)
        return picked is None or len(picked) < self.count or doc_id < picked[-1][0]

    def add(self, language: str, doc_id: str, row: dict[str, Any]) -> None:
        picked = self._picked.setdefault(language, [])
        bisect.insort(picked, (doc_id, row), key=lambda item: item[0])
        del picked[self.count:]

    def picked(self) -> dict[str, list[dict[str, Any]]]:
        return {lang: [row for _, row in picked] for lang, picked in self._picked.items()}


def read_kept_documents(root: str, manifest: dict[str, Any]) -> tuple[ShardMeasures, KeptDocuments]:
    """One pass over the shards: lengths, token counts, domains kept and example documents.

    Columns are read batch by batch (token ids are never loaded); text is read only when the
    shards keep it, otherwise lengths and example texts come from ``_work/documents``.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    char_lengths: list[int] | None = []
    token_counts: list[int] = []
    kept = KeptDocuments()
    picker = _ExamplePicker(EXAMPLES_PER_LANGUAGE)
    for shard in manifest["shards"]:
        path = os.path.join(root, str(shard.get("name", "")))
        if not os.path.isfile(path):
            raise ThresherError(f"shard {path} named in manifest.json is missing")
        parquet = pq.ParquetFile(path)
        present = set(parquet.schema_arrow.names)
        if "text" not in present:
            char_lengths = None  # keep_text: false, lengths are unknowable from the shards
        wanted = [c for c in ("id", "url", "language", "token_count", "text") if c in present]
        if "text" in wanted and char_lengths is None:
            wanted.remove("text")
        for batch in parquet.iter_batches(columns=wanted, batch_size=_BATCH):
            columns = dict(zip(batch.schema.names, batch.columns))
            tokens = columns["token_count"].to_pylist()
            token_counts.extend(tokens)
            lengths = pc.utf8_length(columns["text"]).to_pylist() if "text" in columns else None
            if char_lengths is not None and lengths is not None:
                char_lengths.extend(lengths)
            urls = columns["url"].to_pylist() if "url" in columns else [""] * len(tokens)
            kept.domains.add_kept(urls, tokens)
            if "id" in columns:
                _pick_examples(picker, columns, tokens, lengths, urls)
    kept.examples = _examples(picker.picked())
    if char_lengths is not None:
        kept.text_source = "shards" if kept.examples else None
        return ShardMeasures(char_lengths=char_lengths, token_counts=token_counts, chars_source="shards"), kept
    # keep_text: false. The shards phase tokenized exactly the documents table, so its text
    # gives the same lengths and texts, as long as the work directory is still there.
    wanted_ids = {ex.id for examples in kept.examples.values() for ex in examples}
    char_lengths, texts = _document_table_text(root, wanted_ids)
    if texts:
        kept.examples = {
            lang: [_with_text(ex, texts.get(ex.id)) for ex in examples] for lang, examples in kept.examples.items()
        }
        kept.text_source = "_work/documents"
    source = "_work/documents" if char_lengths is not None else None
    return ShardMeasures(char_lengths=char_lengths, token_counts=token_counts, chars_source=source), kept


def _pick_examples(picker: _ExamplePicker, columns: dict, tokens: list, lengths: list | None, urls: list) -> None:
    ids = columns["id"].to_pylist()
    languages = columns["language"].to_pylist() if "language" in columns else [None] * len(ids)
    text = columns.get("text")
    for i, (doc_id, language) in enumerate(zip(ids, languages)):
        lang = language or "unknown"  # the manifest's name for documents without a language
        if picker.wants(lang, doc_id):
            picker.add(lang, doc_id, {
                "id": doc_id, "url": urls[i] or "", "language": lang, "token_count": tokens[i],
                "text": text[i].as_py()[:EXAMPLE_CHARS] if text is not None else None,
                "chars": lengths[i] if lengths is not None else None,
            })


def _examples(picked: dict[str, list[dict[str, Any]]]) -> dict[str, list[KeptExample]]:
    return {lang: [KeptExample(**row) for row in rows] for lang, rows in picked.items()}


def _with_text(example: KeptExample, text: str | None) -> KeptExample:
    if text is None:
        return example
    return KeptExample(example.id, example.url, example.language, example.token_count,
                       text[:EXAMPLE_CHARS], len(text))


def _document_table_text(root: str, ids: set[str]) -> tuple[list[int] | None, dict[str, str]]:
    """Every text length of ``_work/documents``, and the whole texts of ``ids``."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = _dataset_files(RunLayout.of(root).documents)
    if not files:
        return None, {}
    lengths: list[int] = []
    texts: dict[str, str] = {}
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(columns=["id", "text"], batch_size=_BATCH):
            lengths.extend(pc.utf8_length(batch.column("text")).to_pylist())
            if ids:
                for row in batch.filter(pc.is_in(batch.column("id"), _value_set(ids))).to_pylist():
                    texts[row["id"]] = row["text"]
    return lengths, texts


def _value_set(ids: Iterable[str]):
    import pyarrow as pa

    return pa.array(sorted(ids), pa.string())


# --- removed duplicates ------------------------------------------------------------------------


def read_removed_duplicates(root: str) -> list[RemovedDuplicate] | None:
    """Every row of ``_work/duplicates``, with the removing stage where the run recorded it."""
    import pyarrow.parquet as pq

    files = _dataset_files(RunLayout.of(root).duplicates)
    if not files:
        return None
    removed = []
    for path in files:
        parquet = pq.ParquetFile(path)
        names = set(parquet.schema_arrow.names)
        from_name = _STAGE_IN_FILE_NAME.search(os.path.basename(path))
        columns = [c for c in ("id", "url", "duplicate_of", "stage") if c in names]
        for batch in parquet.iter_batches(columns=columns, batch_size=_BATCH):
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
    from collections import Counter

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


# --- phase-A results: every document before dedup, dropped documents, rejects ------------------


def scan_phase_a_documents(
    root: str, ids: set[str], columns: Iterable[str], visit: Callable[[dict[str, Any]], None]
) -> bool:
    """Call ``visit(row)`` for every phase-A document whose id is in ``ids``; False when there are none on disk.

    Streams batch by batch, so a run's whole text is never in memory at once.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    files = [path for d in phase_a_results(root) for path in (_result_files(d, "documents") or [])]
    if not files:
        return False
    if not ids:
        return True
    wanted = _value_set(ids)
    columns = ["id", *(c for c in columns if c != "id")]
    for path in files:
        for batch in pq.ParquetFile(path).iter_batches(columns=columns, batch_size=_BATCH):
            for row in batch.filter(pc.is_in(batch.column("id"), wanted)).to_pylist():
                visit(row)
    return True


def read_drops(root: str, audit: dict[str, list[dict[str, Any]]] | None,
               removed: list[RemovedDuplicate] | None, domains: DomainCounts,
               stage_of: dict[str, str]) -> DropSources:
    """Count every dropped document's domain into ``domains``; language-ID drops kept with their scores.

    Phase-A drops come from each result's dropped files; when any result has none (a run from
    before they existed), from audit.json's samples instead, and the page says so. Removed
    duplicates count under their stage: recorded, or as ``stage_of`` (worked out) names it.
    """
    import pyarrow.parquet as pq

    results = phase_a_results(root)
    dropped_files = [_result_files(d, "dropped") for d in results]
    langid: list[tuple[str, str | None, float | None]] = []

    def count(url: str, reason: str, language: str | None, score: float | None) -> None:
        domains.add_dropped(url, reason)
        if reason.startswith("langid/"):
            langid.append((reason, language, score))

    stage_drops = 0
    if results and all(files is not None for files in dropped_files):
        source = "dropped"
        for path in (path for files in dropped_files for path in files or []):
            parquet = pq.ParquetFile(path)
            names = set(parquet.schema_arrow.names)
            columns = [c for c in ("url", "reason", "language", "language_score") if c in names]
            for batch in parquet.iter_batches(columns=columns, batch_size=_BATCH):
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
    import pyarrow.parquet as pq

    files = [path for d in results for path in (_result_files(d, "rejects") or [])]
    if not files:
        return None
    total = 0
    for path in files:
        columns = [c for c in ("url", "reason", "source") if c in pq.ParquetFile(path).schema_arrow.names]
        table = pq.read_table(path, columns=columns).to_pydict()
        sources = table.get("source") or [None] * len(table["reason"])
        for url, reason, source in zip(table.get("url") or [""] * len(sources), table["reason"], sources):
            domains.add_rejected(url or "", reason)
            if source and reason.startswith("error/"):
                error_files[source] = error_files.get(source, 0) + 1
        total += len(table["reason"])
    return total


def read_run(root: str) -> RunFiles:
    """Everything the report shows; raises :class:`ThresherError` for a missing or invalid run."""
    if not os.path.isdir(root):
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

