"""The end of dedup: every decision routed to the file its document is in, and each file written once.

The documents never travel: decisions ``(id, (rank, reason, kept id))`` meet the light records'
positions (file, offset) on id (:class:`RouteDecisions`), which is also where counting happens: a
document removed by the stage of rank ``r`` passed every earlier stage (``<stage>/in``,
``<stage>/kept``) and was dropped by ``r`` (``<stage>/dropped/<reason>``). Several records with one
id (a page read twice) pair off with that id's decisions in file order, smallest decision first.
Then each phase-A document file is read where it is, with its removals (:class:`ApplyToFile`).

Outputs are records ``(sink, row)``: kept documents, removed ones (with the id each duplicated)
and, when the run writes an index, its rows; :class:`WriteRecords` streams each sink into a Parquet
part file per worker, and :class:`CommitOutputs` writes the markers that make them visible (the
datasets' manifests, the index's ``index.json``) once every part file is written.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyarrow as pa

from thresher.stages.dedup import index as dedup_index
from thresher.stages.dedup.stages import INDEX_STAGE
from thresher.io import storage
from thresher.io.documents import DOCUMENT_SCHEMA, document_schema
from thresher.io.dropped import dedup_row, dropped_schema
from thresher.io.shards import CLUSTER_SIZE
from thresher.engines.base import Step, StepContext, Tagged
from thresher.run.memory import parquet_batches
from thresher.run.dedup.light import READ_ROWS, Light, band_keys, location
from thresher.run.dedup.ids import ID_STAGE, pair_with_records
from thresher.run.layout import write_dataset_manifest
from thresher.run.results import KEPT_DROPPED, read_result
from thresher.run.plan import DedupPlan
from thresher.stats import dropped, stage_timer

DOCUMENTS, DUPLICATES, DROPPED = "documents", "duplicates", "dropped"
REMOVED_FIELDS = ("id", "url", "crawl_date", "duplicate_of")
REMOVED_SCHEMA = pa.schema([DOCUMENT_SCHEMA.field(name) for name in REMOVED_FIELDS])


def index_sink(table: str) -> str:
    return f"index/{table}"


#: The extra output of :class:`RouteDecisions`: this run's index rows, ``(sink, row)``.
INDEX_ROWS = "index_rows"


def position(light: Light, keep_keys: bool) -> Iterator[tuple[str, Any]]:
    """``(id, where it is)``: the whole light record when its keys go into this run's index, else ``(file, offset)``."""
    yield light.id, light if keep_keys else (light.file, light.offset)


class RouteDecisions(Step):
    """``(id, {where, decision})`` -> ``(file, (id, offset, duplicate_of, None, "stage/reason"))`` for each
    removed document (and ``(file, (id, offset, None, cluster size, None))`` for a kept one's cluster size).

    Counts every stage each document went through. Applying decisions is timed as the last stage's
    work; making this run's index rows (extra output ``index_rows``) as the index's.
    """

    outputs = (INDEX_ROWS,)

    def __init__(self, stages: Sequence[str], write_index: bool) -> None:
        self.stages = tuple(stages)
        # Timed as the last stage (or the index's, when the run only writes an index).
        self.timed_as = self.stages[-1] if self.stages else INDEX_STAGE
        self.write_index = write_index
        self.id_rank = self.stages.index(ID_STAGE) if ID_STAGE in self.stages else None

    def process(self, batch: list[tuple[str, Mapping[str, Iterable[Any]]]], ctx: StepContext) -> list[Any]:
        stats, stages = ctx.stats, self.stages
        out: list[Any] = []
        kept: list[Light] = []
        with stage_timer(stats, self.timed_as):
            for doc_id, groups in batch:
                wheres = sorted(groups["where"], key=location)
                decisions = pair_with_records(list(groups["decision"]), len(wheres), self.id_rank)
                for i, where in enumerate(wheres):
                    decision = decisions[i] if i < len(decisions) else None
                    removed_by = decision[0] if decision is not None else len(stages)
                    for rank in range(min(removed_by + 1, len(stages))):
                        stats.inc(f"{stages[rank]}/in")
                        stats.inc(f"{stages[rank]}/kept" if rank < removed_by else dropped(stages[rank], decision[1]))
                    file, offset = location(where)
                    if decision is not None:
                        out.append((file, (doc_id, offset, decision[2] or None, None, f"{stages[decision[0]]}/{decision[1]}")))
                        continue
                    if self.write_index:
                        kept.append(where)
                    for size in groups.get("cluster", ()):
                        out.append((file, (doc_id, offset, None, size, None)))
        if kept:
            with stage_timer(stats, INDEX_STAGE):
                for light in kept:
                    keys = dedup_index.DocumentKeys(light.id, light.url_key, light.text_key, band_keys(light))
                    out.extend(Tagged(INDEX_ROWS, (index_sink(table), row)) for table, row in dedup_index.index_rows(keys))
        return out


def removed_row(row: Mapping[str, Any], duplicate_of: str | None) -> dict[str, Any]:
    return {"id": row["id"], "url": row["url"], "crawl_date": row["crawl_date"], "duplicate_of": duplicate_of}


def output_sinks(plan: DedupPlan, documents_dir: str, duplicates_dir: str) -> dict[str, tuple[str, str, pa.Schema]]:
    """``{sink: (directory, file prefix, schema)}`` of what dedup writes."""
    documents = document_schema(plan.kept_fields)
    if plan.keep_cluster_size:
        documents = documents.append(pa.field(CLUSTER_SIZE, pa.int32()))
    sinks = {
        DOCUMENTS: (documents_dir, "part", documents),
        DUPLICATES: (duplicates_dir, "part", REMOVED_SCHEMA),
    }
    if plan.keep_dropped:
        sinks[DROPPED] = (plan.dropped_dir, "dedup", dropped_schema(plan.kept_fields))
    if plan.index_write:
        for table in dedup_index.TABLES:
            sinks[index_sink(table)] = (plan.index_write, table, dedup_index.SCHEMAS[table])
    return sinks


#: A part file's buffered rows are written once their text reaches this many characters: a small
#: run's dedup runs in the driver, whose memory must not grow with the corpus (issue 19).
WRITE_BATCH_BYTES = 2 * 1024 * 1024


class WriteRecords(Step):
    """``(sink, row)`` records -> one Parquet part file per sink and bundle (or partition); yields
    ``(sink, file name, rows)`` of each file once it is committed, at the bundle's end."""

    def __init__(self, sinks: Mapping[str, tuple[str, str, pa.Schema]]) -> None:
        self.sinks = dict(sinks)
        self.writers: dict[str, storage.ParquetFileWriter] = {}

    def process(self, batch: Iterable[tuple[str, dict[str, Any]]], ctx: StepContext) -> Iterable[Any]:
        writers = self.writers
        for sink, row in batch:
            writer = writers.get(sink)
            if writer is None:
                directory, prefix, schema = self.sinks[sink]
                path = storage.join(directory, f"{prefix}-{ctx.token}.parquet")
                writer = writers[sink] = storage.ParquetFileWriter(path, schema, batch_bytes=WRITE_BATCH_BYTES)
            writer.add(row)
        return ()

    def finish(self, ctx: StepContext) -> Iterator[tuple[str, str, int]]:
        writers, self.writers = self.writers, {}
        for sink, writer in sorted(writers.items()):
            if writer.commit():
                yield sink, writer.path.rsplit("/", 1)[-1], writer.rows

    def teardown(self) -> None:
        for writer in self.writers.values():
            writer.abort()  # a failed bundle leaves no file under a final name


class ApplyToFile(WriteRecords):
    """``(file, {path, removed})`` -> the file's documents written out, kept and removed apart; yields
    ``(sink, file name, rows)`` of each part file once it is committed, as :class:`WriteRecords` does.

    ``removed`` holds ``(id, offset, duplicate_of, cluster size)``: a removal, or (duplicate_of None) a
    kept document's cluster size. The file is read where the step runs; kept rows are written on as
    they are, with ``minhash_cluster_size`` when the run keeps it. The documents are written in this
    step rather than handed to the next one, so none of them becomes an element of a collection: the
    in-process flow holds each collection whole (thresher/engines/inprocess.py), and the corpus must
    not be one (issue 19: the driver's memory must not grow with the input).
    """

    batch_size = 1

    def __init__(self, sinks: Mapping[str, tuple[str, str, pa.Schema]], cluster_size: bool = False,
                 keep_dropped: bool = False, kept_fields: tuple = ()) -> None:
        super().__init__(sinks)
        self.cluster_size = cluster_size
        #: Removed documents also go, whole, to the run's ``dropped/`` dataset.
        self.keep_dropped = keep_dropped
        self.kept_fields = tuple(kept_fields)

    def process(self, batch: list[tuple[int, Mapping[str, Iterable[Any]]]], ctx: StepContext) -> Iterable[Any]:
        return super().process(self.records(batch), ctx)

    def records(self, batch: list[tuple[int, Mapping[str, Iterable[Any]]]]) -> Iterator[tuple[str, dict]]:
        """The files' documents as ``(sink, row)`` records, one read batch at a time."""
        for _, groups in batch:
            removals: dict[tuple[str, int], list[tuple[str | None, str]]] = {}
            sizes: dict[tuple[str, int], int] = {}
            for doc_id, offset, duplicate_of, size, reason in groups["removed"]:
                if size is not None:
                    sizes[(doc_id, offset)] = size
                else:
                    removals.setdefault((doc_id, offset), []).append((duplicate_of, reason))
            for path in groups["path"]:
                for table_batch in parquet_batches(path, READ_ROWS):  # bounded: issue 19
                    for row in table_batch.to_pylist():
                        where = (row["id"], row["offset"])
                        pending = removals.get(where)
                        if pending:
                            duplicate_of, reason = pending.pop()
                            yield DUPLICATES, removed_row(row, duplicate_of)
                            if self.keep_dropped:
                                stage, _, why = reason.partition("/")
                                yield DROPPED, dedup_row(row, stage, why, duplicate_of, self.kept_fields)
                            continue
                        if self.cluster_size:
                            row[CLUSTER_SIZE] = sizes.get(where, 1)
                        yield DOCUMENTS, row


class CommitOutputs(Step):
    """Once every part file is written (side value ``written``): the markers that make them visible."""

    def __init__(self, plan: DedupPlan, documents_dir: str, duplicates_dir: str,
                 document_files: Sequence[str] = ()) -> None:
        self.plan = plan
        self.documents_dir = documents_dir
        self.duplicates_dir = duplicates_dir
        self.document_files = tuple(document_files)

    def process(self, batch: list[Any], ctx: StepContext) -> Iterator[Any]:
        commit_outputs(ctx.sides["written"], self.plan, self.documents_dir, self.duplicates_dir, self.document_files)
        return iter(())


def commit_outputs(
    written: Iterable[tuple[str, str, int]], plan: DedupPlan, documents_dir: str, duplicates_dir: str,
    document_files: Sequence[str] = (),
) -> None:
    """Make dedup's outputs visible: each dataset's manifest, then the index's ``index.json`` (last)."""
    by_sink: dict[str, list[tuple[str, int]]] = {}
    for sink, name, rows in written:
        by_sink.setdefault(sink, []).append((name, rows))
    write_dataset_manifest(documents_dir, by_sink.get(DOCUMENTS, []), "documents")
    write_dataset_manifest(duplicates_dir, by_sink.get(DUPLICATES, []), "duplicates")
    if plan.keep_dropped:
        # Phase A's dropped files (named in each input file's committed result) and dedup's, in one dataset.
        phase_a = phase_a_dropped(document_files)
        write_dataset_manifest(plan.dropped_dir, phase_a + by_sink.get(DROPPED, []), "dropped")
    if plan.index_write:
        files = {table: [name for name, _ in sorted(by_sink.get(index_sink(table), []))] for table in dedup_index.TABLES}
        rows = {table: sum(n for _, n in by_sink.get(index_sink(table), [])) for table in dedup_index.TABLES}
        dedup_index.write_meta(plan.index_write, plan.params, files, plan.index_normalization, rows=rows)


def phase_a_dropped(document_files: Sequence[str]) -> list[tuple[str, int]]:
    """``(file name, rows)`` of the dropped documents phase A wrote, from the results of the files given."""
    directories = sorted({path.rsplit("/", 1)[0] if storage.is_url(path) else os.path.dirname(path)
                          for path in document_files})
    files: list[tuple[str, int]] = []
    for directory in directories:
        result = read_result(directory)
        if result is not None:
            files.extend((name, int(rows)) for name, rows in result.data.get(KEPT_DROPPED, []))
    return files
