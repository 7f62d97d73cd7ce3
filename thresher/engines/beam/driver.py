"""Build and run the two Beam pipelines of a run, and collect their counters.

1. documents: read → URL filter → extract/langid/filters → URL, exact and
   MinHash dedup → intermediate Parquet of kept documents (+ removed duplicates);
2. shards: intermediate documents → tokenize → shards → manifest.

Between them the driver trains the tokenizer when the config names none.
"""

from __future__ import annotations

import os
from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from thresher.dedup.normalize import DEFAULT
from thresher.errors import ThresherError
from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row, row_to_document
from thresher.io.manifest import write_json_atomic
from thresher.io.inputs import InputOptions
from thresher.engines.beam.dedup import DedupChain, DropIndexedDuplicates, WriteDedupIndex
from thresher.engines.beam.metrics import metric_counters
from thresher.engines.beam.phase_a import PhaseAPerFile
from thresher.run.results import completed_results, merged_audit, merged_counters
from thresher.engines.beam.shards import TokenizeDocuments, WriteShards
from thresher.config import PipelineConfig, phase_a_fingerprint
from thresher.run.layout import RunLayout
from thresher.run.pages import minhash_params
from thresher.tokenize.encoder import DocumentTokenizer

_REMOVED_SCHEMA_FIELDS = ("id", "url", "crawl_date", "duplicate_of")


def pipeline_options(config: PipelineConfig, extra_args: list[str] | None = None) -> PipelineOptions:
    runner = config.runner
    args: list[str] = []
    if runner.name == "direct":
        workers = runner.workers or os.cpu_count() or 1
        args += ["--runner=DirectRunner", f"--direct_num_workers={workers}"]
        # One worker needs no process pool; more use every core for real.
        args.append("--direct_running_mode=" + ("in_memory" if workers == 1 else "multi_processing"))
        # Worker processes inherit our terminal: keep their INFO chatter out of it.
        args.append("--default_sdk_harness_log_level=ERROR")
    elif runner.name == "portable":
        args.append("--runner=PortableRunner")
    elif runner.name == "dataflow":
        args.append("--runner=DataflowRunner")
    for key, value in sorted(runner.options.items()):
        args.append(f"--{key}={value}" if value is not True else f"--{key}")
    return PipelineOptions(args + list(extra_args or []))


def _counters(result) -> dict[str, int]:
    return metric_counters(result)


def _document_count(paths: list[str]) -> int | None:
    """Rows of the Parquet files, from their footers (no data read); ``None`` if one cannot be opened here."""
    import pyarrow.parquet as pq

    try:
        return sum(pq.ParquetFile(path).metadata.num_rows for path in paths)
    except OSError:  # unknown size: the distributed rounds, which suit any size
        return None


def _removed_row(doc) -> dict[str, Any]:
    return {k: getattr(doc, k) for k in _REMOVED_SCHEMA_FIELDS}


def run_documents_pipeline(
    config: PipelineConfig,
    layout: RunLayout,
    extra_args: list[str] | None = None,
    progress_dir: str | None = None,
) -> dict[str, int]:
    """Phase A for the input files without a finished result, then dedup over all of them."""
    fingerprint = phase_a_fingerprint(config)
    done = completed_results(layout.phase_a, fingerprint)
    todo = [path for path in layout.input_files if path not in done]
    per_pass = config.runner.files_per_pass or max(len(todo), 1)
    for start in range(0, len(todo), per_pass):
        # Results are written when a pass's pipeline finishes (after its GroupByKey):
        # smaller passes lose less to a crash, larger ones spend less on start-up.
        with beam.Pipeline(options=pipeline_options(config, extra_args)) as pipeline:
            _ = pipeline | "PhaseA" >> PhaseAPerFile(
                todo[start : start + per_pass],
                config,
                InputOptions.from_config(config.input),
                layout.phase_a,
                fingerprint,
                progress_dir,
            )
    if todo:
        done = completed_results(layout.phase_a, fingerprint)
    missing = [path for path in layout.input_files if path not in done]
    if missing:  # every file gets a result, even an unreadable one: this is a bug
        raise ThresherError(f"phase A wrote no result for {len(missing)} input file(s), e.g. {missing[0]}")
    results = [done[path] for path in layout.input_files]
    counters = merged_counters(results)
    if config.output.audit_samples_per_reason:
        write_json_atomic(layout.audit, merged_audit(results, config.output.audit_samples_per_reason))
    counters.update(_run_dedup_pipeline(config, layout, results, extra_args))
    return counters


def _run_dedup_pipeline(
    config: PipelineConfig, layout: RunLayout, results: list[str], extra_args: list[str] | None
) -> dict[str, int]:
    import pyarrow as pa

    dedup = config.dedup
    mh = dedup.minhash
    params = minhash_params(config)
    removed_schema = pa.schema([DOCUMENT_SCHEMA.field(k) for k in _REMOVED_SCHEMA_FIELDS])
    document_files = [os.path.join(r, "documents.parquet") for r in results]
    with beam.Pipeline(options=pipeline_options(config, extra_args)) as pipeline:
        docs = (
            pipeline
            | "PhaseAResults" >> beam.Create(document_files)
            | "ReadDocuments" >> beam.io.ReadAllFromParquet()
            | "ToDocuments" >> beam.Map(row_to_document)
        )
        removed = []
        if dedup.index.read:
            # Cross-run dedup: what earlier runs' indexes already hold goes first.
            result = docs | "DropIndexed" >> DropIndexedDuplicates(
                dedup.index.read, params, matches=tuple(dedup.index.matches)
            )
            docs, gone = result.kept, result.removed
            removed.append(gone)
        if dedup.url.enabled or dedup.exact.enabled or mh.enabled:
            # One transform for the three stages: their groupings carry small records and
            # the documents are shuffled once. The document count bounds the candidate
            # graph: a small one is clustered on one worker, without the unrolled rounds.
            chain = DedupChain(
                url_keep=dedup.url.keep if dedup.url.enabled else None,
                exact_normalization=DEFAULT if dedup.exact.enabled else None,
                minhash=params if mh.enabled else None,
                verify=mh.verify,
                verify_threshold=mh.verify_threshold,
                max_documents=_document_count(document_files) if mh.enabled else None,
            )
            result = docs | "Dedup" >> chain
            docs, gone = result.kept, result.removed
            removed.append(gone)
        if dedup.index.write:
            _ = docs | "WriteDedupIndex" >> WriteDedupIndex(dedup.index.write, params)
        (
            docs
            | "ToRows" >> beam.Map(document_to_row)
            | "WriteDocuments"
            >> beam.io.WriteToParquet(layout.documents_prefix, DOCUMENT_SCHEMA, file_name_suffix=".parquet")
        )
        if removed:
            (
                removed
                | "AllRemoved" >> beam.Flatten()
                | "RemovedRows" >> beam.Map(_removed_row)
                | "WriteRemoved"
                >> beam.io.WriteToParquet(layout.duplicates_prefix, removed_schema, file_name_suffix=".parquet")
            )
    # ``with beam.Pipeline()`` runs on exit and keeps the result.
    return _counters(pipeline.result)


def run_shards_pipeline(
    config: PipelineConfig,
    layout: RunLayout,
    tokenizer: DocumentTokenizer,
    tokenizer_info: dict,
    extra_args: list[str] | None = None,
) -> dict[str, int]:
    options = pipeline_options(config, extra_args)
    with beam.Pipeline(options=options) as pipeline:
        (
            pipeline
            | "ReadDocuments" >> beam.io.ReadFromParquet(layout.documents_glob)
            | "Tokenize" >> TokenizeDocuments(tokenizer)
            | "Shards"
            >> WriteShards(
                layout.root,
                layout.manifest,
                target_tokens=config.output.shard_target_tokens,
                target_bytes=config.output.shard_target_bytes,
                keep_text=config.output.keep_text,
                compression=config.output.compression,
                tokenizer_info=tokenizer_info,
                config=config.to_dict(),
                shuffle_seed=config.output.shuffle_seed,
            )
        )
    return _counters(pipeline.result)
