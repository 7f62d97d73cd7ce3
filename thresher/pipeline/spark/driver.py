"""Run the two phases of a run as Spark jobs, and collect their counters.

1. documents: read -> URL filter -> spread -> extract/langid/filters -> URL,
   exact and MinHash dedup -> ``_work/documents/part-NNNNN.parquet`` (kept),
   ``_work/duplicates/`` (removed), ``_work/rejects/`` and ``audit.json``;
2. shards: documents -> tokenize -> shards -> ``manifest.json``.

The same engine-neutral stages as the Beam driver, the same files, the same
counter names and values (``*/time_us`` aside: measured time). Executors
write every data file; the driver writes only ``audit.json`` and the
manifest, from a few collected numbers and the audit's handful of documents.
"""

from __future__ import annotations

import os

from pyspark import StorageLevel

from thresher.dedup.params import MinHashParams
from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row
from thresher.pipeline.config import PipelineConfig
from thresher.pipeline.layout import RunLayout
from thresher.pipeline.spark.dedup import Deduplicator
from thresher.pipeline.spark.files import partition_writer
from thresher.pipeline.spark.phase_a import DOC, DROPPED, REJECT, audit_sample, of_kind, read_pages, write_rejects
from thresher.pipeline.spark.session import default_partitions, spark_context, spark_settings
from thresher.pipeline.spark.shards import tokenized_documents, write_manifest, write_shards
from thresher.pipeline.spark.stats import SparkStats
from thresher.tokenize.encoder import DocumentTokenizer


def run_documents_pipeline(
    config: PipelineConfig,
    layout: RunLayout,
    extra_args: list[str] | None = None,
    progress_dir: str | None = None,
) -> dict[str, int]:
    """Phase A and dedup; the counters. ``progress_dir`` is unused: executors may be remote."""
    # Imported here: the Beam module is the shared home of write_audit, and only the driver needs it.
    from thresher.pipeline.beam.phase_a import write_audit

    settings = spark_settings(config, extra_args)
    sc = spark_context(settings)
    partitions = default_partitions(sc, settings)
    stats = SparkStats(sc)
    dedup_config = config.dedup
    dedup = Deduplicator(stats, layout.duplicates_prefix, partitions)

    files = [_absolute(path) for path in layout.input_files]
    tagged = read_pages(sc, stats, files, config, partitions)
    # Read three times (rejects, audit sample, documents): extraction must run once.
    tagged.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        write_rejects(of_kind(tagged, REJECT), layout.rejects_prefix)
        if config.output.audit_samples_per_reason:
            groups = audit_sample(of_kind(tagged, DROPPED), config.output.audit_samples_per_reason)
            write_audit(layout.audit, groups)

        docs = of_kind(tagged, DOC)
        if dedup_config.url.enabled:
            docs = dedup.url(docs, keep=dedup_config.url.keep)
        if dedup_config.exact.enabled:
            docs = dedup.exact(docs)
        if dedup_config.minhash.enabled:
            docs = dedup.minhash(docs, _minhash_params(config))
        docs.mapPartitionsWithIndex(
            partition_writer(layout.documents_prefix, DOCUMENT_SCHEMA, document_to_row)
        ).sum()
    finally:
        dedup.release_all()
        tagged.unpersist()
    return stats.totals()


def run_shards_pipeline(
    config: PipelineConfig,
    layout: RunLayout,
    tokenizer: DocumentTokenizer,
    tokenizer_info: dict,
    extra_args: list[str] | None = None,
) -> dict[str, int]:
    """Tokenize the kept documents, write the shards, then the manifest; the counters."""
    settings = spark_settings(config, extra_args)
    sc = spark_context(settings)
    stats = SparkStats(sc)
    output = config.output
    rows = tokenized_documents(sc, stats, layout.documents_glob, tokenizer)
    results = write_shards(
        stats,
        rows,
        layout.root,
        target_tokens=output.shard_target_tokens,
        keep_text=output.keep_text,
        compression=output.compression,
    )
    write_manifest(
        layout.manifest, results, tokenizer_info=tokenizer_info, keep_text=output.keep_text, config=config.to_dict()
    )
    return stats.totals()


def _minhash_params(config: PipelineConfig) -> MinHashParams:
    mh = config.dedup.minhash
    return MinHashParams(
        ngram=mh.ngram,
        bands=mh.bands,
        rows=mh.rows,
        seed=mh.seed,
        normalization=mh.normalization,
        hash=mh.hash,
        max_rounds=mh.max_rounds,
    )


def _absolute(path: str) -> str:
    """Executors run in their own working directory: a relative local path must not reach them."""
    return path if "://" in path else os.path.abspath(path)
