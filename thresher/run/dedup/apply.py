"""The end of dedup: documents meet every decision once, and what is kept, removed and indexed is written.

Counting happens here, where the documents are: a document removed by the stage of rank
``r`` passed every earlier stage (``<stage>/in``, ``<stage>/kept``) and was dropped by
``r`` (``<stage>/dropped/<reason>``). Several records with one id (a page read twice) pair
off with that id's decisions, smallest first.

Outputs are records ``(sink, row)``: kept documents, removed ones (with the id each
duplicated) and, when the run writes an index, its rows; :class:`WriteOutputs` streams each
sink into a Parquet part file per worker, and :class:`CommitOutputs` writes the markers
that make them visible (the datasets' manifests, the index's ``index.json``) once every
part file is written.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyarrow as pa

from thresher.stages.dedup import index as dedup_index
from thresher.stages.dedup.keep import mark_duplicate
from thresher.stages.dedup.stages import INDEX_STAGE
from thresher.io import storage
from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row
from thresher.engines.base import Step, StepContext
from thresher.record import Document
from thresher.run.dedup.light import Light
from thresher.run.layout import write_dataset_manifest
from thresher.run.plan import DedupPlan
from thresher.stats import dropped, stage_timer

DOCUMENTS, DUPLICATES = "documents", "duplicates"
REMOVED_FIELDS = ("id", "url", "crawl_date", "duplicate_of")
REMOVED_SCHEMA = pa.schema([DOCUMENT_SCHEMA.field(name) for name in REMOVED_FIELDS])


def index_sink(table: str) -> str:
    return f"index/{table}"


def removed_row(doc: Document) -> dict[str, Any]:
    return {name: getattr(doc, name) for name in REMOVED_FIELDS}


def document_record(doc: Document) -> Iterator[tuple[str, dict[str, Any]]]:
    """A document kept as it is (no dedup stage runs)."""
    yield DOCUMENTS, document_to_row(doc)


def _doc_order(doc: Document) -> tuple[str, int]:
    return doc.source, doc.offset


class ApplyDecisions(Step):
    """``(id, {doc, decision[, light]})`` -> sink records, counting every stage a document went through.

    Applying decisions is timed as the last stage's work; making this run's index rows as the index's.
    """

    def __init__(self, stages: Sequence[str], write_index: bool) -> None:
        self.stages = tuple(stages)
        self.timed_as = self.stages[-1] if self.stages else INDEX_STAGE
        self.write_index = write_index

    def process(self, batch: list[tuple[str, Mapping[str, Iterable[Any]]]], ctx: StepContext) -> Iterator[tuple[str, dict]]:
        stats = ctx.stats
        records: list[tuple[str, dict]] = []
        kept_lights: list[Light] = []
        with stage_timer(stats, self.timed_as):
            for _, groups in batch:
                self._apply(groups, stats, records, kept_lights)
        if kept_lights:
            with stage_timer(stats, INDEX_STAGE):
                for light in kept_lights:
                    keys = dedup_index.DocumentKeys(light.id, light.url_key, light.text_key, list(light.band_keys))
                    records.extend((index_sink(table), row) for table, row in dedup_index.index_rows(keys))
        return records

    def _apply(self, groups: Mapping[str, Iterable[Any]], stats: Any, records: list, kept_lights: list) -> None:
        stages = self.stages
        decisions = sorted(groups["decision"])
        lights: list[Light] = list(groups.get("light", ()))
        for i, doc in enumerate(sorted(groups["doc"], key=_doc_order)):
            decision = decisions[i] if i < len(decisions) else None
            removed_by = decision[0] if decision is not None else len(stages)
            for rank in range(min(removed_by + 1, len(stages))):
                stats.inc(f"{stages[rank]}/in")
                stats.inc(f"{stages[rank]}/kept" if rank < removed_by else dropped(stages[rank], decision[1]))
            if decision is not None:
                records.append((DUPLICATES, removed_row(mark_duplicate(doc, decision[2] or None))))
                continue
            records.append((DOCUMENTS, document_to_row(doc)))
            if self.write_index and lights:
                kept_lights.append(lights[min(i, len(lights) - 1)])


def output_sinks(plan: DedupPlan, documents_dir: str, duplicates_dir: str) -> dict[str, tuple[str, str, pa.Schema]]:
    """``{sink: (directory, file prefix, schema)}`` of what dedup writes."""
    sinks = {
        DOCUMENTS: (documents_dir, "part", DOCUMENT_SCHEMA),
        DUPLICATES: (duplicates_dir, "part", REMOVED_SCHEMA),
    }
    if plan.index_write:
        for table in dedup_index.TABLES:
            sinks[index_sink(table)] = (plan.index_write, table, dedup_index.SCHEMAS[table])
    return sinks


class WriteRecords(Step):
    """``(sink, row)`` records -> one Parquet part file per sink and bundle (or partition); yields
    ``(sink, file name, rows)`` of each file once it is committed, at the bundle's end."""

    def __init__(self, sinks: Mapping[str, tuple[str, str, pa.Schema]]) -> None:
        self.sinks = dict(sinks)
        self.writers: dict[str, storage.ParquetFileWriter] = {}

    def process(self, batch: list[tuple[str, dict[str, Any]]], ctx: StepContext) -> Iterator[Any]:
        writers = self.writers
        for sink, row in batch:
            writer = writers.get(sink)
            if writer is None:
                directory, prefix, schema = self.sinks[sink]
                path = storage.join(directory, f"{prefix}-{ctx.token}.parquet")
                writer = writers[sink] = storage.ParquetFileWriter(path, schema)
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


class CommitOutputs(Step):
    """Once every part file is written (side value ``written``): the markers that make them visible."""

    def __init__(self, plan: DedupPlan, documents_dir: str, duplicates_dir: str) -> None:
        self.plan = plan
        self.documents_dir = documents_dir
        self.duplicates_dir = duplicates_dir

    def process(self, batch: list[Any], ctx: StepContext) -> Iterator[Any]:
        commit_outputs(ctx.sides["written"], self.plan, self.documents_dir, self.duplicates_dir)
        return iter(())


def commit_outputs(
    written: Iterable[tuple[str, str, int]], plan: DedupPlan, documents_dir: str, duplicates_dir: str
) -> None:
    """Make dedup's outputs visible: each dataset's manifest, then the index's ``index.json`` (last)."""
    by_sink: dict[str, list[tuple[str, int]]] = {}
    for sink, name, rows in written:
        by_sink.setdefault(sink, []).append((name, rows))
    write_dataset_manifest(documents_dir, by_sink.get(DOCUMENTS, []), "documents")
    write_dataset_manifest(duplicates_dir, by_sink.get(DUPLICATES, []), "duplicates")
    if plan.index_write:
        files = {table: [name for name, _ in sorted(by_sink.get(index_sink(table), []))] for table in dedup_index.TABLES}
        rows = {table: sum(n for _, n in by_sink.get(index_sink(table), [])) for table in dedup_index.TABLES}
        dedup_index.write_meta(plan.index_write, plan.params, files, plan.index_normalization, rows=rows)
