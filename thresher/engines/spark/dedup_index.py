"""Cross-run dedup on Spark: drop what earlier runs' indexes hold, and index this run's kept documents.

The same files, rules and counters as Beam's ``DropIndexedDuplicates`` and
``WriteDedupIndex`` (format: :mod:`thresher.dedup.index`; the join rule:
:mod:`thresher.dedup.index_join`), so either engine reads the other's index.

Reading is two cogroups, never a broadcast (an index can outgrow any
executor): document keys with index rows on the key, then the hits (few)
with the documents on id. Writing tees the kept documents on their way to
the documents writer: each partition writes its rows of every table as they
pass (``bands-00003-of-00008.parquet``: one file per table and partition,
empty ones included, so the driver knows every name without listing), and
the driver writes ``index.json`` last, once that job is done.

Counters: ``dedup_index/in``, ``/kept``, ``/dropped/in_index_url|in_index_text|in_index_near``;
time (reading and writing) under ``dedup_index``.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any, Iterable, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark import RDD

from thresher.dedup import index as dedup_index
from thresher.dedup.index_join import (
    TABLE_OF,
    batch_match_keys,
    best_hit,
    hit_outcome,
    index_row_key,
    iter_index_rows,
    key_hits,
)
from thresher.dedup.keep import mark_duplicate
from thresher.dedup.normalize import DEFAULT, exact_text_key
from thresher.dedup.params import MinHashParams
from thresher.engines.spark.dedup import REMOVED_SCHEMA, Deduplicator, removed_row
from thresher.engines.spark.files import RowFile, partition_file
from thresher.engines.spark.stats import PartitionStats
from thresher.engines.spark.timing import per_record
from thresher.record import Document
from thresher.stats import dropped

INDEX_STAGE = "dedup_index"
_BATCH_SIZE, _MAX_BATCH_CHARS = 512, 8_000_000  # as Beam: batches change no key, only numpy's work


# -- reading: drop documents an index holds ----------------------------------------------


def drop_indexed(
    dedup: Deduplicator,
    docs: RDD,
    index_paths: str | Iterable[str],
    params: MinHashParams,
    matches: Iterable[str] = dedup_index.MATCHES,
    exact_normalization: str = DEFAULT,
) -> RDD:
    """The documents no index at ``index_paths`` holds; the others written as removed.

    Each index is opened and checked against ``params`` here, on the driver
    (only its ``index.json``): one made with other settings raises
    :class:`~thresher.errors.ThresherError` before any job runs.
    """
    matches = dedup_index.check_matches(matches)
    paths = [index_paths] if isinstance(index_paths, str) else list(index_paths)
    metas = [dedup_index.open_index(path, params, exact_normalization) for path in paths]
    sc, parts = docs.context, dedup.partitions
    docs = dedup.persist(docs)  # read twice: for keys, and by id
    doc_keys = partial(_doc_keys, params=params, matches=matches, exact_normalization=exact_normalization)
    keyed = docs.mapPartitionsWithIndex(dedup.step(INDEX_STAGE, "keys", doc_keys))
    index_keys = []
    for match in matches:
        files = sorted(f for meta in metas for f in meta.table_files(TABLE_OF[match]))
        if files:  # one partition per index data file
            read = per_record(partial(_index_keys, match=match))
            index_keys.append(
                sc.parallelize(files, len(files)).mapPartitionsWithIndex(dedup.step(INDEX_STAGE, f"read_{match}", read))
            )
    indexed = sc.union(index_keys) if index_keys else sc.emptyRDD()
    hits = keyed.cogroup(indexed, parts).mapPartitionsWithIndex(dedup.step(INDEX_STAGE, "hits", per_record(_key_hits)))
    by_id = docs.mapPartitionsWithIndex(dedup.step(INDEX_STAGE, "by_id", per_record(_by_id)))
    apply = partial(_apply_hits, removed_prefix=dedup.removed_prefix_of(INDEX_STAGE))
    return by_id.cogroup(hits, parts).mapPartitionsWithIndex(dedup.step(INDEX_STAGE, "apply", apply))


def _doc_keys(
    index: int,
    docs: Iterator[Document],
    stats: PartitionStats,
    *,
    params: MinHashParams,
    matches: Sequence[str],
    exact_normalization: str,
) -> Iterator[tuple[tuple, str]]:
    for batch in _batches(docs):
        stats.inc(f"{INDEX_STAGE}/in", len(batch))
        yield from batch_match_keys(batch, params, matches, exact_normalization)


def _index_keys(path: str, match: str) -> Iterator[tuple[tuple, str]]:
    for row in iter_index_rows(path):
        yield index_row_key(match, row)


def _key_hits(joined: tuple[tuple, tuple[Iterable[str], Iterable[str]]]) -> Iterator[tuple[str, tuple]]:
    key, (doc_ids, indexed_ids) = joined
    return key_hits(key, doc_ids, indexed_ids)


def _by_id(doc: Document) -> Iterator[tuple[str, Document]]:
    yield doc.id, doc


def _apply_hits(
    index: int,
    joined: Iterator[tuple[str, tuple[Iterable[Document], Iterable[tuple]]]],
    stats: PartitionStats,
    *,
    removed_prefix: str,
) -> Iterator[Document]:
    with RowFile(partition_file(removed_prefix, index), REMOVED_SCHEMA, always=index == 0) as removed:
        for _, (docs, hits) in joined:
            hit = best_hit(hits)
            for doc in docs:
                if hit is None:
                    stats.inc(f"{INDEX_STAGE}/kept")
                    yield doc
                else:
                    reason, duplicate_of = hit_outcome(hit)
                    stats.inc(dropped(INDEX_STAGE, reason))
                    removed.add(removed_row(mark_duplicate(doc, duplicate_of)))


# -- writing: index this run's kept documents ---------------------------------------------


class IndexWriter:
    """Writes an index of the documents that pass through :meth:`tee`; :meth:`commit` completes it.

    Made before the run's jobs: an ``index.json`` already at ``path`` is
    deleted then (as Beam does when it builds the pipeline), so an index
    rewritten by a run that fails is never taken as complete.
    """

    def __init__(self, dedup: Deduplicator, path: str, params: MinHashParams, exact_normalization: str = DEFAULT) -> None:
        exact_text_key("", exact_normalization)  # an unknown name fails here, on the driver
        self.dedup = dedup
        self.path = path
        self.params = params
        self.exact_normalization = exact_normalization
        self.partitions: int | None = None
        dedup_index.make_dirs(path)
        dedup_index.remove_meta(path)

    def tee(self, docs: RDD) -> RDD:
        """``docs`` unchanged; each partition's index rows written on the way. Read it to the end once."""
        if self.partitions is not None:
            raise RuntimeError("IndexWriter.tee: one pass per index")
        self.partitions = docs.getNumPartitions()
        write = partial(
            _write_index_rows,
            path=self.path,
            partitions=self.partitions,
            params=self.params,
            exact_normalization=self.exact_normalization,
        )
        return docs.mapPartitionsWithIndex(self.dedup.step(INDEX_STAGE, "write", write))

    def commit(self) -> dedup_index.IndexMeta:
        """Write ``index.json`` (after the job that read :meth:`tee`'s output has finished)."""
        if self.partitions is None:
            raise RuntimeError("IndexWriter.commit before tee")
        files = {
            table: [shard_name(table, i, self.partitions) for i in range(self.partitions)]
            for table in dedup_index.TABLES
        }
        return dedup_index.write_meta(self.path, self.params, files, self.exact_normalization)


def shard_name(table: str, index: int, count: int) -> str:
    """``bands-00003-of-00008.parquet``: Beam's ``WriteToParquet`` naming, so both engines' indexes look alike."""
    return f"{table}-{index:05d}-of-{count:05d}.parquet"


def _write_index_rows(
    index: int,
    docs: Iterator[Document],
    stats: PartitionStats,
    *,
    path: str,
    partitions: int,
    params: MinHashParams,
    exact_normalization: str,
) -> Iterator[Document]:
    tables = {
        table: _TableShard(dedup_index.join_path(path, shard_name(table, index, partitions)), dedup_index.SCHEMAS[table])
        for table in dedup_index.TABLES
    }
    try:
        for batch in _batches(docs):
            for keys in dedup_index.document_keys(batch, params, exact_normalization):
                for table, row in dedup_index.index_rows(keys):
                    tables[table].add(row)
            yield from batch
        for shard in tables.values():
            shard.finish()
    finally:
        for shard in tables.values():
            shard.discard()


class _TableShard:
    """One index data file, local or remote (fsspec), in place only once complete.

    Written under a name unique to this attempt and moved into place at the
    end: a retried or speculative task never mixes its rows with another's.
    An empty shard is still a file (with the schema): every name is listed.
    """

    _BATCH_ROWS = 10_000

    def __init__(self, path: str, schema: pa.Schema) -> None:
        from fsspec.core import url_to_fs

        self.fs, self.path = url_to_fs(path)
        self.schema = schema
        directory, name = self.path.rsplit("/", 1)
        self._tmp = f"{directory}/.{name}.{uuid.uuid4().hex}.tmp"
        self._file = self.fs.open(self._tmp, "wb")
        self._writer = pq.ParquetWriter(self._file, schema)
        self._rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self._BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def finish(self) -> None:
        self._flush()
        self._close()
        self.fs.mv(self._tmp, self.path)

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._file.close()
            self._writer = None

    def discard(self) -> None:
        """After :meth:`finish`, nothing; otherwise the partial file is removed."""
        self._close()
        if self.fs.exists(self._tmp):
            self.fs.rm(self._tmp)


def _batches(docs: Iterator[Document]) -> Iterator[list[Document]]:
    """Documents in batches of at most ``_BATCH_SIZE`` documents or about ``_MAX_BATCH_CHARS`` characters."""
    batch: list[Document] = []
    chars = 0
    for doc in docs:
        batch.append(doc)
        chars += len(doc.text)
        if len(batch) >= _BATCH_SIZE or chars >= _MAX_BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch
