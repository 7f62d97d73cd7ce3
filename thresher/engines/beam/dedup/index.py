"""Cross-run dedup index: write one from kept documents, drop what earlier indexes hold.

Format, key functions and the in-memory reference: :mod:`thresher.dedup.index`.
"""

from __future__ import annotations

from typing import Any, Iterable

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput

from thresher.dedup import index as dedup_index
from thresher.dedup.keep import mark_duplicate
from thresher.dedup.normalize import DEFAULT, exact_text_key
from thresher.dedup.params import MinHashParams
from thresher.dedup.urls import url_key
from thresher.engines.beam.dedup.common import KEPT, REMOVED, _first_or_none
from thresher.engines.beam.dedup.signatures import DocumentBatchDoFn, _BandKeysDoFn
from thresher.engines.beam.dedup.timing import TimedDoFn, TimedFlatMap, TimedMap, require_global_window
from thresher.engines.beam.metrics import BeamStats
from thresher.record import Document
from thresher.stats import dropped, stage_timer

INDEX_STAGE = "dedup_index"


class _IndexRowsDoFn(DocumentBatchDoFn):
    """Documents -> ``(table, row)`` index rows, signed in batches like :class:`_BandKeysDoFn`."""

    def __init__(self, params: MinHashParams, exact_normalization: str, batch_size: int, max_batch_chars: int) -> None:
        super().__init__(batch_size, max_batch_chars)
        self._params = params
        self._exact_normalization = exact_normalization

    def setup(self) -> None:
        self._stats = BeamStats()

    def outputs_of(self, docs: list[Document]) -> list[Iterable[Any]]:
        with stage_timer(self._stats, INDEX_STAGE):  # writing an index is the index stage's work too
            keys_of_batch = dedup_index.document_keys(docs, self._params, self._exact_normalization)
            return [list(dedup_index.index_rows(keys)) for keys in keys_of_batch]


def _table_number(record: tuple[str, dict], _partitions: int, tables: tuple[str, ...]) -> int:
    return tables.index(record[0])


def _row_of(record: tuple[str, dict]) -> dict:
    return record[1]


def _write_index_meta(_, directory: str, params: MinHashParams, exact_normalization: str, **files: list[str]) -> str:
    dedup_index.write_meta(directory, params, files, exact_normalization)
    return directory


class WriteDedupIndex(beam.PTransform):
    """Kept documents -> a dedup index at ``path`` (:mod:`thresher.dedup.index`); outputs ``path`` once written.

    Tables are written as Parquet shards in parallel; ``index.json`` is
    written last, by one step that waits for every shard (it sees only file
    names), so the index is complete or absent. An existing ``index.json`` at
    ``path`` is deleted when the pipeline is built.
    """

    def __init__(
        self,
        path: str,
        params: MinHashParams,
        exact_normalization: str = DEFAULT,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
    ) -> None:
        super().__init__()
        exact_text_key("", exact_normalization)  # fail at construction on an unknown name
        self._path = path
        self._params = params
        self._exact_normalization = exact_normalization
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def expand(self, docs):
        require_global_window(docs, "WriteDedupIndex")
        dedup_index.make_dirs(self._path)
        dedup_index.remove_meta(self._path)
        records = docs | "IndexRows" >> beam.ParDo(
            _IndexRowsDoFn(self._params, self._exact_normalization, self._batch_size, self._max_batch_chars)
        )
        parts = records | "ByTable" >> beam.Partition(_table_number, len(dedup_index.TABLES), dedup_index.TABLES)
        files = {}
        for table, part in zip(dedup_index.TABLES, parts):
            files[table] = beam.pvalue.AsList(
                part
                | f"{table}Rows" >> beam.ParDo(TimedMap(INDEX_STAGE, _row_of))
                | f"Write{table}"
                >> beam.io.WriteToParquet(
                    dedup_index.join_path(self._path, table), dedup_index.SCHEMAS[table], file_name_suffix=".parquet"
                )
            )
        return (
            docs.pipeline
            | "Once" >> beam.Create([None])
            | "WriteIndexJson"
            >> beam.Map(_write_index_meta, self._path, self._params, self._exact_normalization, **files)
        )


class _DocIndexKeysDoFn(TimedDoFn):
    """Counts ``dedup_index/in``; emits ``(("u", url key), id)`` and ``(("t", text key), id)``."""

    def __init__(self, matches: tuple[str, ...], exact_normalization: str) -> None:
        super().__init__(INDEX_STAGE)
        self._matches = matches
        self._exact_normalization = exact_normalization

    def work(self, doc: Document):
        self.stats.inc(f"{INDEX_STAGE}/in")
        if dedup_index.URL in self._matches:
            yield ("u", url_key(doc.url)), doc.id
        if dedup_index.TEXT in self._matches:
            yield ("t", exact_text_key(doc.text, self._exact_normalization)), doc.id


def _tag_band_key(record: tuple[tuple[int, bytes], str]) -> tuple[tuple, str]:
    (band, band_hash), doc_id = record
    return ("n", band, band_hash), doc_id


def _url_row_key(row: dict) -> tuple[tuple, str]:
    return ("u", row["url_key"]), row["id"]


def _text_row_key(row: dict) -> tuple[tuple, str]:
    return ("t", row["text_key"]), row["id"]


def _band_row_key(row: dict) -> tuple[tuple, str]:
    # Band rows carry no id (see thresher.dedup.index): "" sorts first and means unknown.
    return ("n", int(row["band_index"]), bytes(row["band_hash"])), ""


# Match kind of a key tag, ranked in the priority order of thresher.dedup.index.MATCHES.
_TAG_RANK = {"u": 0, "t": 1, "n": 2}


def _index_hits(element: tuple[tuple, dict]) -> Iterable[tuple[str, tuple[int, str]]]:
    """``(doc id, (match rank, indexed id))`` for every document sharing a key with the index."""
    key, joined = element
    doc_ids = joined["doc"]
    indexed = None
    # Most keys are index keys no new document has: skip their index rows unread.
    if _first_or_none(doc_ids) is not None:
        for indexed_id in joined["index"]:
            indexed = indexed_id if indexed is None else min(indexed, indexed_id)
    if indexed is not None:
        rank = _TAG_RANK[key[0]]
        for doc_id in doc_ids:
            yield doc_id, (rank, indexed)


def _doc_by_id(doc: Document) -> tuple[str, Document]:
    return doc.id, doc


class _ApplyIndexHits(TimedDoFn):
    def __init__(self, reasons: tuple[str, ...]) -> None:
        super().__init__(INDEX_STAGE)
        self._reasons = reasons  # by rank

    def work(self, element: tuple[str, dict]):
        _, joined = element
        best = None
        for hit in joined["hit"]:
            best = hit if best is None else min(best, hit)
        for doc in joined["doc"]:
            if best is None:
                self.stats.inc(f"{INDEX_STAGE}/kept")
                yield doc
            else:
                rank, indexed_id = best
                self.stats.inc(dropped(INDEX_STAGE, self._reasons[rank]))
                yield TaggedOutput(REMOVED, mark_duplicate(doc, indexed_id or None))


class DropIndexedDuplicates(beam.PTransform):
    """Documents -> ``kept`` / ``removed``: drops those an existing dedup index already holds.

    A document is dropped if its URL key or exact-text key is in the index,
    or any of its band hashes is an indexed band (a near-duplicate of an
    indexed document; ``matches`` selects which of ``url``, ``text``,
    ``near`` apply). ``index_paths``: one index directory or several (e.g.
    one per earlier crawl). Each is checked against ``params`` when the
    pipeline is built: an index made with other settings raises
    :class:`~thresher.errors.ThresherError`.

    Implemented as joins, never a side input, since an index can be larger
    than any worker: document keys and index rows meet in one CoGroupByKey on
    the key; the hits (few) meet the documents in a second on id. Removed
    copies name the indexed document in ``duplicate_of`` for URL and text
    matches (empty for near matches: band rows carry no id).

    Counters: ``dedup_index/in``, ``dedup_index/kept``,
    ``dedup_index/dropped/in_index_url|in_index_text|in_index_near``.
    """

    def __init__(
        self,
        index_paths: str | Iterable[str],
        params: MinHashParams,
        matches: Iterable[str] = ("url", "text", "near"),
        exact_normalization: str = DEFAULT,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
    ) -> None:
        super().__init__()
        self._matches = dedup_index.check_matches(matches)
        paths = [index_paths] if isinstance(index_paths, str) else list(index_paths)
        metas = [dedup_index.open_index(path, params, exact_normalization) for path in paths]
        wanted = {
            dedup_index.URL: dedup_index.URLS,
            dedup_index.TEXT: dedup_index.TEXTS,
            dedup_index.NEAR: dedup_index.BANDS,
        }
        self._files = {m: sorted(f for meta in metas for f in meta.table_files(wanted[m])) for m in self._matches}
        self._reasons = tuple(dedup_index.REASONS[m] for m in dedup_index.MATCHES)
        self._params = params
        self._exact_normalization = exact_normalization
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def expand(self, docs):
        require_global_window(docs, "DropIndexedDuplicates")
        pipeline = docs.pipeline
        doc_keys = [docs | "DocKeys" >> beam.ParDo(_DocIndexKeysDoFn(self._matches, self._exact_normalization))]
        index_keys = []
        row_key = {dedup_index.URL: _url_row_key, dedup_index.TEXT: _text_row_key, dedup_index.NEAR: _band_row_key}
        for match, files in self._files.items():
            index_keys.append(
                pipeline
                | f"{match}IndexFiles" >> beam.Create(files)
                | f"Read{match}Index" >> beam.io.ReadAllFromParquet()
                | f"{match}IndexKeys" >> beam.ParDo(TimedMap(INDEX_STAGE, row_key[match]))
            )
        if dedup_index.NEAR in self._matches:
            doc_keys.append(
                docs
                | "BandKeys"
                >> beam.ParDo(_BandKeysDoFn(self._params, self._batch_size, self._max_batch_chars, INDEX_STAGE))
                | "TagBandKeys" >> beam.ParDo(TimedMap(INDEX_STAGE, _tag_band_key))
            )
        hits = (
            {
                "doc": doc_keys | "AllDocKeys" >> beam.Flatten(),
                "index": index_keys | "AllIndexKeys" >> beam.Flatten(pipeline=pipeline),
            }
            | "JoinKeys" >> beam.CoGroupByKey()
            | "Hits" >> beam.ParDo(TimedFlatMap(INDEX_STAGE, _index_hits))
        )
        return (
            {"doc": docs | "ById" >> beam.ParDo(TimedMap(INDEX_STAGE, _doc_by_id)), "hit": hits}
            | "JoinHits" >> beam.CoGroupByKey()
            | "Apply" >> beam.ParDo(_ApplyIndexHits(self._reasons)).with_outputs(REMOVED, main=KEPT)
        )
