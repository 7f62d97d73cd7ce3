"""Phase A on Spark: input files -> pages -> URL filter -> spread -> extraction, language ID,
filters -> one complete result per input file (see :mod:`thresher.run.results`).

The same per-file results as the Beam runner (either engine resumes the
other's): a file's kept documents, rejects, audit candidates and counters,
written together by one task and renamed into place.

Records travel tagged, ``(kind, value)``, so one RDD carries what Beam
splits into outputs. Counting is per input file and travels as data
(``counts`` records), not through accumulators: a file's counters must be
written with its result, so that a relaunch that skips finished files still
reports the whole run. Being data, they are exact whatever Spark recomputes:
a shuffle reads one successful attempt of each map task, and a rewritten
result replaces the previous one whole.
"""

from __future__ import annotations

import heapq
from functools import partial
from typing import Any, Iterable, Iterator

from pyspark import RDD, SparkContext

from thresher.io.documents import document_to_row
from thresher.io.inputs import InputOptions, iter_input
from thresher.io.rejects import ListRejects, Reject
from thresher.run.results import write_file_result
from thresher.config import PipelineConfig
from thresher.run.pages import PageProcessor, UrlStage
from thresher.record import DroppedDocument
from thresher.stats import DictStats, merge

PAGE, DOC, REJECT, AUDIT, COUNTS = "page", "doc", "reject", "audit", "counts"
Tagged = tuple[str, Any]


def write_phase_a_results(
    sc: SparkContext,
    files: list[str],
    config: PipelineConfig,
    directory: str,
    fingerprint: str,
    partitions: int,
) -> list[str]:
    """Process ``files`` and write one result per file under ``directory``; the result directories.

    A file per task for the (sequential, ~1 % of the cost) read and the URL
    filter; then pages dealt evenly over ``partitions`` for extraction (~95 %
    of the cost), so one large WARC does not hold extraction to one core;
    then one shuffle by file, each task writing whole results.
    """
    if not files:
        return []
    options = InputOptions.from_config(config.input)
    per_reason = config.output.audit_samples_per_reason
    read = sc.parallelize(files, len(files)).mapPartitions(
        partial(_read_and_url_filter, config=config, options=options, per_reason=per_reason)
    )
    processed = spread(read, partitions).mapPartitions(
        partial(_process_pages, config=config, per_reason=per_reason)
    )
    write = partial(_write_results, directory=directory, fingerprint=fingerprint, per_reason=per_reason)
    return (
        processed.map(_keyed_by_source)
        .groupByKey(min(len(files), partitions))
        .mapPartitions(write)
        .collect()
    )


class _PerSource:
    """Per-partition state of a phase-A step: a stats sink and audit candidates per source file."""

    def __init__(self, per_reason: int) -> None:
        self.per_reason = per_reason
        self.sinks: dict[str, DictStats] = {}
        self.audit: dict[tuple[str, str], list[DroppedDocument]] = {}

    def sink(self, source: str) -> DictStats:
        sink = self.sinks.get(source)
        if sink is None:
            sink = self.sinks[source] = DictStats()
        return sink

    def dropped(self, doc: DroppedDocument) -> None:
        """Keep ``doc`` as an audit candidate if it may be among its file and reason's smallest ids."""
        if not self.per_reason:
            return
        candidates = self.audit.setdefault((doc.source, doc.reason), [])
        candidates.append(doc)
        if len(candidates) >= 4 * self.per_reason:  # trimmed now and then: memory stays bounded
            candidates[:] = _smallest(candidates, self.per_reason)

    def drain(self) -> Iterator[Tagged]:
        for source, sink in self.sinks.items():
            yield COUNTS, (source, dict(sink.counts))
        for (source, _reason), candidates in self.audit.items():
            yield AUDIT, (source, _smallest(candidates, self.per_reason))
        self.sinks, self.audit = {}, {}


def _smallest(docs: list[DroppedDocument], n: int) -> list[DroppedDocument]:
    """The ``n`` smallest ids: of a union of such selections, the same as of the whole."""
    return heapq.nsmallest(n, docs, key=_audit_order)


def _audit_order(doc: DroppedDocument) -> tuple:
    # Ids are hashes; the rest only orders the same page read twice.
    return doc.id, doc.source, doc.offset


def _read_and_url_filter(
    paths: Iterator[str], *, config: PipelineConfig, options: InputOptions, per_reason: int
) -> Iterator[Tagged]:
    url_stage = UrlStage(config)
    state = _PerSource(per_reason)
    for path in paths:
        rejects = ListRejects()
        # Created before reading: even a file that gives no record gets a (maybe empty) result.
        state.sink(path)
        for page in iter_input(path, state.sink(path), options, rejects):
            drop = url_stage.check(page, state.sink(page.source))
            if drop is None:
                yield PAGE, page
            else:
                state.dropped(drop)
            yield from _drain(rejects)
        yield from _drain(rejects)
    yield from state.drain()


def _drain(rejects: ListRejects) -> Iterator[Tagged]:
    for item in rejects.items:
        yield REJECT, item
    rejects.items.clear()


def _process_pages(records: Iterator[Tagged], *, config: PipelineConfig, per_reason: int) -> Iterator[Tagged]:
    """Pages -> documents or drops; the models load once per partition, at its first page."""
    state = _PerSource(per_reason)
    processor: PageProcessor | None = None
    try:
        for kind, value in records:
            if kind != PAGE:
                yield kind, value
                continue
            if processor is None:
                processor = PageProcessor(config)
                processor.setup()
            result = processor.process(value, state.sink(value.source))
            if isinstance(result, DroppedDocument):
                state.dropped(result)
            else:
                yield DOC, result
    finally:
        if processor is not None:
            processor.close()  # stops the extractor's child process
    yield from state.drain()


def spread(rdd: RDD, partitions: int) -> RDD:
    """Records dealt round-robin over ``partitions`` (Beam's Reshuffle).

    Numbered per input partition from a different start each, so many small
    partitions and one large one both end up even.
    """
    return rdd.mapPartitionsWithIndex(_number_records).partitionBy(partitions, _by_number).values()


def _number_records(index: int, records: Iterator[Any]) -> Iterator[tuple[int, Any]]:
    return enumerate(records, start=index)


def _by_number(number: int) -> int:
    return number  # partitionBy takes it modulo the partition count


def _keyed_by_source(record: Tagged) -> tuple[str, Tagged]:
    kind, value = record
    if kind == DOC:
        return value.source, (DOC, document_to_row(value))
    if kind == REJECT:
        return value.source, (REJECT, _reject_row(value))
    source, payload = value  # COUNTS and AUDIT carry their source
    return source, (kind, payload)


def _reject_row(reject: Reject) -> dict[str, Any]:
    return {"url": reject.url, "source": reject.source, "offset": reject.offset, "reason": reject.reason}


def _write_results(
    files: Iterator[tuple[str, Iterable[Tagged]]], *, directory: str, fingerprint: str, per_reason: int
) -> Iterator[str]:
    for source, records in files:
        documents: list[dict[str, Any]] = []
        rejects: list[dict[str, Any]] = []
        counts: list[dict[str, int]] = []
        candidates: dict[str, list[DroppedDocument]] = {}
        for kind, value in records:
            if kind == DOC:
                documents.append(value)
            elif kind == REJECT:
                rejects.append(value)
            elif kind == COUNTS:
                counts.append(value)
            else:
                for doc in value:
                    candidates.setdefault(doc.reason, []).append(doc)
        audit = [doc for docs in candidates.values() for doc in _smallest(docs, per_reason)]
        # merge, not a sum: distribution minima and maxima combine as min and max.
        yield write_file_result(directory, source, fingerprint, documents, merge(counts), audit, rejects)
