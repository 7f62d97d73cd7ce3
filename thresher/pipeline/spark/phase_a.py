"""Phase A on Spark: input files -> pages -> URL filter -> spread -> extraction, language ID, filters.

Records travel tagged, ``(kind, value)``, so one RDD carries what Beam
splits into outputs: pages (``page``), kept documents (``doc``), dropped
pages and documents (``dropped``, for the audit sample) and rejected input
records (``reject``).
"""

from __future__ import annotations

import heapq
from functools import partial
from typing import Any, Iterator

from pyspark import RDD, SparkContext

from thresher.io.documents import REJECT_SCHEMA
from thresher.io.inputs import InputOptions, iter_input
from thresher.io.rejects import ListRejects, Reject
from thresher.pipeline.config import PipelineConfig
from thresher.pipeline.spark.files import partition_writer
from thresher.pipeline.spark.stats import PartitionStats, SparkStats
from thresher.pipeline.stages import PageProcessor, UrlStage
from thresher.record import DroppedDocument

PAGE, DOC, DROPPED, REJECT = "page", "doc", "dropped", "reject"
Tagged = tuple[str, Any]


def read_pages(
    sc: SparkContext,
    stats: SparkStats,
    files: list[str],
    config: PipelineConfig,
    partitions: int,
) -> RDD:
    """Tagged records of phase A: ``doc``, ``dropped`` and ``reject``.

    A file per task for the (sequential, ~1 % of the cost) read and the URL
    filter, then pages spread evenly over ``partitions`` for extraction
    (~95 % of the cost): one large WARC does not hold extraction to one core.
    """
    options = InputOptions.from_config(config.input)
    read = sc.parallelize(files, max(1, len(files))).mapPartitionsWithIndex(
        stats.counted("read", partial(_read_and_url_filter, config=config, options=options))
    )
    return spread(read, partitions).mapPartitionsWithIndex(
        stats.counted("process", partial(_process_pages, config=config))
    )


def _read_and_url_filter(
    index: int, paths: Iterator[str], stats: PartitionStats, *, config: PipelineConfig, options: InputOptions
) -> Iterator[Tagged]:
    url_stage = UrlStage(config)
    for path in paths:
        rejects = ListRejects()
        for page in iter_input(path, stats, options, rejects):
            drop = url_stage.check(page, stats)
            yield (PAGE, page) if drop is None else (DROPPED, drop)
            yield from _drain(rejects)
        yield from _drain(rejects)


def _drain(rejects: ListRejects) -> Iterator[Tagged]:
    for item in rejects.items:
        yield REJECT, item
    rejects.items.clear()


def _process_pages(
    index: int, records: Iterator[Tagged], stats: PartitionStats, *, config: PipelineConfig
) -> Iterator[Tagged]:
    """Pages -> documents or drops; the models load once per partition, at its first page."""
    processor: PageProcessor | None = None
    try:
        for kind, value in records:
            if kind != PAGE:
                yield kind, value
                continue
            if processor is None:
                processor = PageProcessor(config)
                processor.setup()
            result = processor.process(value, stats)
            yield (DROPPED, result) if isinstance(result, DroppedDocument) else (DOC, result)
    finally:
        if processor is not None:
            processor.close()  # stops the extractor's child process


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


def of_kind(tagged: RDD, kind: str) -> RDD:
    return tagged.filter(lambda record: record[0] == kind).values()


# -- rejects and the audit sample ---------------------------------------------------------


def write_rejects(rejects: RDD, prefix: str) -> int:
    """Rejected input records to ``<prefix>-NNNNN.parquet``, one file per partition holding any."""
    return rejects.mapPartitionsWithIndex(partition_writer(prefix, REJECT_SCHEMA, _reject_row)).sum()


def _reject_row(reject: Reject) -> dict[str, Any]:
    return {"url": reject.url, "source": reject.source, "offset": reject.offset, "reason": reject.reason}


def audit_sample(dropped: RDD, per_reason: int) -> list[tuple[str, list[DroppedDocument]]]:
    """Per drop reason, the ``per_reason`` dropped documents of smallest id (as Beam's Top.PerKey).

    Combined on each side of the shuffle, so at most ``per_reason`` documents
    per reason and partition travel, and only those reach the driver.
    """
    smallest = partial(_smallest, n=per_reason)
    return (
        dropped.map(lambda d: (d.reason, [d]))
        .reduceByKey(lambda a, b: smallest(a + b))
        .mapValues(smallest)
        .collect()
    )


def _smallest(docs: list[DroppedDocument], n: int) -> list[DroppedDocument]:
    return heapq.nsmallest(n, docs, key=_audit_order)


def _audit_order(doc: DroppedDocument) -> tuple:
    # Ids are hashes; the rest only orders the same page read twice.
    return doc.id, doc.source, doc.offset
