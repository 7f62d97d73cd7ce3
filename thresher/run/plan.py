"""The run plan: everything a run does, decided once from the validated config, frozen.

:func:`build_plan` is the one translation from the YAML config to what the stages take:
the page stages and filter list, MinHash and dedup parameters, shard and tokenizer
settings, the runner, the phase-A fingerprint and the output layout. Engines and the
steps they run receive the plan (or a part of it), never the config.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, replace
from typing import Any, Mapping

from thresher.config import PipelineConfig
from thresher.stages.dedup.keep import EARLIEST
from thresher.stages.dedup.normalize import DEFAULT
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.verify import default_threshold
from thresher.engines.base import RunnerPlan
from thresher.io.inputs import InputOptions, format_from_name
from thresher.io.secrets import redact_config
from thresher.io.sniff import reads_crawl_archives
from thresher.run.input_fields import inspect_inputs
from thresher.run.layout import RunLayout

#: Bumped when phase A's result format changes: results of another version are redone.
PHASE_A_FORMAT = 3  # 3: row ids as given (input.id_field), kept fields, dropped files


@dataclass(frozen=True)
class PagePlan:
    """Phase A's stages: URL filter, extraction, language ID, quality filters (see :mod:`thresher.run.pages`)."""

    url_filter: Mapping[str, Any] | None  # its parameters; None when off
    extractor: str
    extract_params: Mapping[str, Any]
    extract_profile: str
    langid: Mapping[str, Any] | None  # LanguageFilter keyword arguments; None when off
    filters: tuple[tuple[str, Mapping[str, Any]], ...]
    keep_signals: bool
    audit_per_reason: int
    #: ``output.keep_dropped``: where each dropped document goes (``dropped/``); None when off.
    dropped_dir: str | None = None
    #: The combined extractor's language gate (LanguageGate keyword arguments); None when off.
    language_gate: Mapping[str, Any] | None = None

    @property
    def filter_order(self) -> list[str]:
        return [name for name, _ in self.filters]


@dataclass(frozen=True)
class DedupPlan:
    """Which dedup stages run, in order: cross-run index, URL, exact text, MinHash (each optional)."""

    url_keep: str | None  # None: URL dedup off
    exact_normalization: str | None  # None: exact dedup off
    minhash: bool
    verify_threshold: float | None  # None: candidate edges are not verified
    #: MinHash parameters: of MinHash dedup, and of cross-run index keys (even with MinHash dedup off).
    params: MinHashParams
    index_read: tuple[str, ...] = ()
    index_matches: tuple[str, ...] = ("url", "text", "near")
    index_write: str | None = None
    exact_keep: str = EARLIEST
    minhash_keep: str = EARLIEST
    #: Text normalization of index text keys (the exact stage's).
    index_normalization: str = DEFAULT
    #: MinHash compares documents only within their language (FineWeb-2).
    per_language: bool = False
    #: Each kept document records its near-duplicate cluster's size.
    keep_cluster_size: bool = False
    #: Inputs may give their own ids: the ``dedup_id`` stage keeps the first document of each id.
    unique_ids: bool = False
    #: Input columns the documents carry (``input.keep_fields``, with their Arrow types).
    kept_fields: tuple = ()
    #: The run's ``dropped/`` dataset; with ``keep_dropped`` removed documents go there too.
    dropped_dir: str | None = None
    keep_dropped: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.index_read or self.url_keep or self.exact_normalization or self.minhash or self.index_write)


@dataclass(frozen=True)
class OutputPlan:
    keep_text: bool
    shard_target_tokens: int
    shard_target_bytes: int | None
    shuffle_seed: int | None
    compression: str
    #: Kept documents' files up to this size are written into shards by one task, with no shuffle.
    one_writer_max_bytes: int = 1 << 30
    #: The shards carry each document's near-duplicate cluster size (``minhash_cluster_size``).
    cluster_size: bool = False
    #: Input columns the shards carry after their own (``input.keep_fields``): Arrow fields.
    kept_fields: tuple = ()


@dataclass(frozen=True)
class TokenizePlan:
    tokenizer: str | None  # a tokenizer.json to use; None trains one on the kept text
    vocab_size: int
    eos_token: str
    train_max_documents: int


@dataclass(frozen=True)
class RunPlan:
    layout: RunLayout
    inputs: InputOptions
    pages: PagePlan
    dedup: DedupPlan
    output: OutputPlan
    tokenize: TokenizePlan
    runner: RunnerPlan
    #: Identifies the settings that shape a file's phase-A result: a relaunch reuses only results made with them.
    fingerprint: str
    #: The config as recorded in manifest.json.
    config_record: Mapping[str, Any]


def minhash_params(config: PipelineConfig) -> MinHashParams:
    """The ``dedup.minhash`` section as :class:`MinHashParams` (the only place that translates it)."""
    mh = config.dedup.minhash
    return MinHashParams(
        ngram=mh.ngram, bands=mh.bands, rows=mh.rows, seed=mh.seed,
        normalization=mh.normalization, hash=mh.hash, max_rounds=mh.max_rounds,
    )


def page_plan(config: PipelineConfig, dropped_dir: str | None = None) -> PagePlan:
    lid = config.langid
    langid = None
    if lid.enabled:
        langid = {
            "model_path": lid.model,
            "threshold": lid.threshold,
            "languages": tuple(lid.languages) if lid.languages is not None else None,
            "thresholds": dict(lid.thresholds),
            "top_k": lid.top_k,
            "record_top_k": config.output.keep_signals,
        }
    filters = tuple((name, dict(params or {})) for entry in config.filters for name, params in entry.items())
    return PagePlan(
        url_filter=dict(config.url_filter.params) if config.url_filter.enabled else None,
        extractor=config.extract.extractor,
        extract_params=dict(config.extract.params),
        extract_profile=config.extract.profile,
        langid=langid,
        filters=filters,
        keep_signals=config.output.keep_signals,
        audit_per_reason=config.output.audit_samples_per_reason,
        dropped_dir=dropped_dir if config.output.keep_dropped else None,
        language_gate=language_gate(config),
    )


def language_gate(config: PipelineConfig) -> dict[str, Any] | None:
    """The extractor's language gate: the languages the language stage keeps, read with its model.

    Only the combined extractor has one (it reads resiliparse's text before
    deciding to run trafilatura), and only when language ID keeps a list.
    """
    lid = config.langid
    if not (config.extract.language_gate and config.extract.extractor == "combined"
            and lid.enabled and lid.languages):
        return None
    return {"languages": tuple(lid.languages), "model_path": lid.model, "top_k": lid.top_k}


def dedup_plan(config: PipelineConfig) -> DedupPlan:
    dedup = config.dedup
    params = minhash_params(config)
    mh = dedup.minhash
    return DedupPlan(
        url_keep=dedup.url.keep if dedup.url.enabled else None,
        exact_normalization=DEFAULT if dedup.exact.enabled else None,
        minhash=mh.enabled,
        verify_threshold=(mh.verify_threshold or default_threshold(params)) if mh.enabled and mh.verify else None,
        params=params,
        index_read=tuple(dedup.index.read),
        index_matches=tuple(dedup.index.matches),
        index_write=dedup.index.write,
        per_language=mh.enabled and mh.per_language,
        keep_cluster_size=mh.enabled and mh.keep_cluster_size,
    )


def phase_a_fingerprint(config: PipelineConfig, crawl_only: bool = False) -> str:
    """A hash of what shapes a file's phase-A result (input paths and later stages do not count).

    ``crawl_only`` (the input has crawl archives, so other files are skipped) shapes it too: a
    relaunch with another input list must not reuse a JSON file's result read as a corpus.
    """
    from thresher import __version__

    data = config.to_dict()
    sections = {key: data[key] for key in ("url_filter", "extract", "langid", "filters")}
    # Storage options (credentials) do not shape a result: rotating a key must not redo phase A.
    sections["input"] = {k: v for k, v in data["input"].items() if k != "paths"}
    sections["input"]["storage_options"] = {}
    sections["output"] = {k: data["output"][k] for k in ("keep_signals", "audit_samples_per_reason")}
    if data["output"].get("keep_dropped"):
        sections["output"]["keep_dropped"] = True  # pieces then write their dropped documents
    if not sections["input"].get("keep_fields"):
        sections["input"].pop("keep_fields", None)  # unchanged fingerprints for runs that keep none
    sections["thresher"] = __version__
    if crawl_only:
        sections["crawl_only"] = True
    canonical = json.dumps(sections, sort_keys=True, default=str)
    return hashlib.sha256(f"{PHASE_A_FORMAT}:{canonical}".encode()).hexdigest()


def runner_plan(config: PipelineConfig, engine_args: tuple[str, ...] | list[str] = ()) -> RunnerPlan:
    runner = config.runner
    return RunnerPlan(
        name=runner.name,
        workers=runner.workers,
        files_per_pass=runner.files_per_pass,
        unit_bytes=runner.unit_bytes,
        options=dict(runner.options),
        engine_args=tuple(engine_args),
    )


def build_plan(config: PipelineConfig, engine_args: tuple[str, ...] | list[str] = ()) -> RunPlan:
    """The plan of a run of ``config`` (already validated); expands the inputs (a missing one is an error)."""
    out = config.output
    layout = RunLayout.create(out.path, config.input_paths())
    crawl_only = reads_crawl_archives([format_from_name(p) for p in layout.input_files], config.input.format)
    inputs = dataclasses.replace(InputOptions.from_config(config.input), crawl_only=crawl_only)
    facts = inspect_inputs(layout.input_files, inputs)
    dropped_dir = layout.dropped if out.keep_dropped else None
    return RunPlan(
        layout=layout,
        # Storage options are found by URL (run/remote.py configures them in this process and its local
        # workers): the plan, which is pickled into every job (and staged by Dataflow), carries none.
        inputs=dataclasses.replace(inputs, storage_options={}),
        pages=page_plan(config, dropped_dir),
        dedup=replace(dedup_plan(config), unique_ids=facts.given_ids, kept_fields=facts.kept_fields,
                      dropped_dir=layout.dropped, keep_dropped=out.keep_dropped),
        output=OutputPlan(
            keep_text=out.keep_text,
            shard_target_tokens=out.shard_target_tokens,
            shard_target_bytes=out.shard_target_bytes,
            shuffle_seed=out.shuffle_seed,
            compression=out.compression,
            one_writer_max_bytes=out.one_writer_max_bytes,
            cluster_size=config.dedup.minhash.enabled and config.dedup.minhash.keep_cluster_size,
            kept_fields=facts.kept_fields,
        ),
        tokenize=TokenizePlan(
            tokenizer=config.tokenize.tokenizer,
            vocab_size=config.tokenize.vocab_size,
            eos_token=config.tokenize.eos_token,
            train_max_documents=config.tokenize.train_max_documents,
        ),
        # Jobs the launcher runs itself spill on its own disk (the run's local scratch).
        runner=replace(runner_plan(config, engine_args), scratch=os.path.join(layout.local_scratch, "spill")),
        fingerprint=phase_a_fingerprint(config, crawl_only),
        config_record=redact_config(config.to_dict()),
    )
