"""The run plan: everything a run does, decided once from the validated config, frozen.

:func:`build_plan` is the one translation from the YAML config to what the stages take:
the page stages and filter list, MinHash and dedup parameters, shard and tokenizer
settings, the runner, the phase-A fingerprint and the output layout. Engines and the
steps they run receive the plan (or a part of it), never the config.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping

from thresher.config import PipelineConfig
from thresher.stages.dedup.keep import EARLIEST
from thresher.stages.dedup.normalize import DEFAULT
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.verify import default_threshold
from thresher.engines.base import RunnerPlan
from thresher.io.inputs import InputOptions
from thresher.io.secrets import redact_config
from thresher.run.layout import RunLayout

#: Bumped when phase A's result format changes: results of another version are redone.
PHASE_A_FORMAT = 2


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


def page_plan(config: PipelineConfig) -> PagePlan:
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
    )


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


def phase_a_fingerprint(config: PipelineConfig) -> str:
    """A hash of what shapes a file's phase-A result (input paths and later stages do not count)."""
    from thresher import __version__

    data = config.to_dict()
    sections = {key: data[key] for key in ("url_filter", "extract", "langid", "filters")}
    # Storage options (credentials) do not shape a result: rotating a key must not redo phase A.
    sections["input"] = {k: v for k, v in data["input"].items() if k != "paths"}
    sections["input"]["storage_options"] = {}
    sections["output"] = {k: data["output"][k] for k in ("keep_signals", "audit_samples_per_reason")}
    sections["thresher"] = __version__
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
    return RunPlan(
        layout=RunLayout.create(out.path, config.input_paths()),
        inputs=InputOptions.from_config(config.input),
        pages=page_plan(config),
        dedup=dedup_plan(config),
        output=OutputPlan(
            keep_text=out.keep_text,
            shard_target_tokens=out.shard_target_tokens,
            shard_target_bytes=out.shard_target_bytes,
            shuffle_seed=out.shuffle_seed,
            compression=out.compression,
            one_writer_max_bytes=out.one_writer_max_bytes,
            cluster_size=config.dedup.minhash.enabled and config.dedup.minhash.keep_cluster_size,
        ),
        tokenize=TokenizePlan(
            tokenizer=config.tokenize.tokenizer,
            vocab_size=config.tokenize.vocab_size,
            eos_token=config.tokenize.eos_token,
            train_max_documents=config.tokenize.train_max_documents,
        ),
        runner=runner_plan(config, engine_args),
        fingerprint=phase_a_fingerprint(config),
        config_record=redact_config(config.to_dict()),
    )
