"""Run the two phases of a run as Spark jobs, and collect their counters.

1. documents: phase A for the input files without a finished result
   (read -> URL filter -> spread -> extract/langid/filters -> one result per
   file under ``_work/phase_a/``), ``audit.json``, then URL, exact and MinHash
   dedup over every file's documents -> ``_work/documents/part-NNNNN.parquet``
   (kept) and ``_work/duplicates/`` (removed);
2. shards: documents -> tokenize -> shards -> ``manifest.json``.

The same engine-neutral stages as the Beam driver, the same files, the same
counter names and values (``*/time_us`` aside: measured time). Executors
write every data file; the driver writes only ``audit.json`` and the
manifest, from a few collected numbers and the audit's handful of documents.
"""

from __future__ import annotations

import os

from pyspark import SparkContext

from thresher.errors import ThresherError
from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row, row_to_document
from thresher.io.manifest import write_json_atomic
from thresher.run.results import completed_results, merged_audit, merged_counters
from thresher.config import PipelineConfig, phase_a_fingerprint
from thresher.run.layout import RunLayout
from thresher.engines.spark.dedup import Deduplicator
from thresher.engines.spark.dedup_index import IndexWriter, drop_indexed
from thresher.engines.spark.files import iter_parquet_rows, partition_writer
from thresher.engines.spark.phase_a import write_phase_a_results
from thresher.engines.spark.session import default_partitions, spark_context, spark_settings
from thresher.engines.spark.shards import tokenized_documents, write_manifest, write_shards
from thresher.engines.spark.stats import SparkStats
from thresher.run.pages import minhash_params
from thresher.tokenize.encoder import DocumentTokenizer


def run_documents_pipeline(
    config: PipelineConfig,
    layout: RunLayout,
    extra_args: list[str] | None = None,
    progress_dir: str | None = None,
) -> dict[str, int]:
    """Phase A for the files without a finished result, then dedup over all; the counters.

    ``progress_dir`` is unused: executors may run on other machines.
    """
    settings = spark_settings(config, extra_args)
    sc = spark_context(settings)
    partitions = default_partitions(sc, settings)

    fingerprint = phase_a_fingerprint(config)
    done = completed_results(layout.phase_a, fingerprint)
    todo = [path for path in layout.input_files if _result_of(done, path) is None]
    # Results are written when a pass's last shuffle ends: smaller passes lose less to
    # a crash, larger ones spend less on start-up (runner.files_per_pass, as on Beam).
    per_pass = config.runner.files_per_pass or max(len(todo), 1)
    for start in range(0, len(todo), per_pass):
        files = [_absolute(path) for path in todo[start : start + per_pass]]
        write_phase_a_results(sc, files, config, layout.phase_a, fingerprint, partitions)
    if todo:
        done = completed_results(layout.phase_a, fingerprint)
    results = [_result_of(done, path) for path in layout.input_files]
    missing = [path for path, result in zip(layout.input_files, results) if result is None]
    if missing:  # every file gets a result, even an unreadable one: this is a bug
        raise ThresherError(f"phase A wrote no result for {len(missing)} input file(s), e.g. {missing[0]}")
    counters = merged_counters(results)
    if config.output.audit_samples_per_reason:
        write_json_atomic(layout.audit, merged_audit(results, config.output.audit_samples_per_reason))
    counters.update(_run_dedup(sc, config, layout, results, partitions))
    return counters


def _run_dedup(
    sc: SparkContext, config: PipelineConfig, layout: RunLayout, results: list[str], partitions: int
) -> dict[str, int]:
    """Index read, URL, exact, MinHash, index write: the order of the Beam driver."""
    stats = SparkStats(sc)
    dedup = Deduplicator(stats, layout.duplicates_prefix, partitions)
    paths = [os.path.join(result, "documents.parquet") for result in results]
    docs = sc.parallelize(paths, max(1, len(paths))).flatMap(iter_parquet_rows).map(row_to_document)
    settings = config.dedup
    params = minhash_params(config)
    index = None
    try:
        if settings.index.read:
            # Cross-run dedup: what earlier runs' indexes already hold goes first. Their
            # index.json are checked here, on the driver, before any job.
            read = [_absolute(path) for path in settings.index.read]
            docs = drop_indexed(dedup, docs, read, params, matches=settings.index.matches)
        if settings.index.write:
            # Made before any dedup job runs: it deletes a stale index.json at the target first.
            index = IndexWriter(dedup, _absolute(settings.index.write), params)
        if settings.url.enabled:
            docs = dedup.url(docs, keep=settings.url.keep)
        if settings.exact.enabled:
            docs = dedup.exact(docs)
        if settings.minhash.enabled:
            mh = settings.minhash
            docs = dedup.minhash(docs, params, verify=mh.verify, verify_threshold=mh.verify_threshold)
        if index is not None:
            docs = index.tee(docs)  # indexed on the way to the documents writer: one pass
        docs.mapPartitionsWithIndex(
            partition_writer(layout.documents_prefix, DOCUMENT_SCHEMA, document_to_row)
        ).sum()
        if index is not None:
            index.commit()  # index.json last: the index is complete or absent
    finally:
        dedup.release_all()
    return stats.totals()


def run_shards_pipeline(
    config: PipelineConfig,
    layout: RunLayout,
    tokenizer: DocumentTokenizer,
    tokenizer_info: dict,
    extra_args: list[str] | None = None,
) -> dict[str, int]:
    """Tokenize the kept documents, write the shards, then the manifest; the counters."""
    sc = spark_context(spark_settings(config, extra_args))
    stats = SparkStats(sc)
    output = config.output
    rows = tokenized_documents(sc, stats, layout.documents_glob, tokenizer)
    results = write_shards(
        stats,
        rows,
        layout.root,
        target_tokens=output.shard_target_tokens,
        target_bytes=output.shard_target_bytes,
        keep_text=output.keep_text,
        compression=output.compression,
        shuffle_seed=output.shuffle_seed,
    )
    write_manifest(
        layout.manifest,
        results,
        tokenizer_info=tokenizer_info,
        keep_text=output.keep_text,
        config=config.to_dict(),
        shuffle_seed=output.shuffle_seed,
    )
    return stats.totals()


def _absolute(path: str) -> str:
    """Executors run in their own working directory: a relative local path must not reach them."""
    return path if "://" in path else os.path.abspath(path)


def _result_of(done: dict[str, str], path: str) -> str | None:
    # A result made here names the absolute path; one made by a local Beam run, the path as given.
    return done.get(path) or done.get(_absolute(path))
