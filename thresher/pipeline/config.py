"""The one YAML pipeline config: schema, defaults (RefinedWeb/FineWeb recipe), validation.

Loading validates everything before any work starts: an unknown key or a
value of the wrong type or range raises :class:`ConfigError` naming the key
(``dedup.minhash.bands: expected int, got 'x'``). YAML is read with
``yaml.safe_load``: no object construction from a config.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from thresher.errors import ConfigError


def bundled_sample_path() -> str:
    return str(Path(__file__).resolve().parent.parent / "resources" / "sample.warc.gz")


@dataclass
class InputConfig:
    #: Paths or globs (any scheme), or ``*.paths(.gz)`` lists; empty means the bundled sample.
    paths: list[str] = field(default_factory=list)
    #: ``auto`` (by file name and content), ``warc``, ``arc``, ``wet``, ``jsonl`` or ``parquet``.
    format: str = "auto"
    #: Payloads larger than this, after decompression, are counted and skipped.
    max_payload_bytes: int = 10 * 1024 * 1024
    #: Field names of pre-extracted JSONL/Parquet corpora.
    text_field: str = "text"
    url_field: str = "url"
    id_field: str | None = "id"
    date_field: str | None = None
    #: fsspec options for remote paths (credentials, ``endpoint_url``, ...).
    storage_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class OutputConfig:
    path: str = "thresher-out"
    #: Keep the document text in the shards beside the token ids.
    keep_text: bool = True
    #: Target tokens per shard; the number of shards follows from the corpus size.
    shard_target_tokens: int = 100_000_000
    #: Target Parquet bytes per shard (estimated before writing); when set, the
    #: shard count is the larger of what the token and the byte targets ask for.
    shard_target_bytes: int | None = None
    #: Null: shards by id hash, rows sorted by id. A seed: a seeded global shuffle of
    #: documents across and within shards, the same on every run with that seed.
    shuffle_seed: int | None = None
    compression: str = "zstd"
    #: Keep measured filter signals (ratios, scores) on documents.
    keep_signals: bool = False
    #: Dropped documents kept per drop reason in audit.json (0 switches it off).
    audit_samples_per_reason: int = 5


@dataclass
class UrlFilterConfig:
    enabled: bool = True
    #: Keyword arguments of the URL filter (blocklist and word-list paths, ...).
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExtractConfig:
    #: ``combined`` (trafilatura and resiliparse, the better text per page), ``trafilatura`` or ``resiliparse``.
    extractor: str = "combined"
    #: For ``combined``: ``default`` (both libraries on every page) or ``fast`` (resiliparse first,
    #: trafilatura only where resiliparse's text looks like boilerplate). See docs/EXTRACTION.md.
    profile: str = "default"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class LangIdConfig:
    enabled: bool = True
    #: fastText model path; null means the bundled quantised lid.176.
    model: str | None = None
    threshold: float | None = 0.65
    #: Languages to keep; null keeps every language.
    languages: list[str] | None = None
    #: Per-language thresholds overriding ``threshold``.
    thresholds: dict[str, float] = field(default_factory=dict)
    top_k: int = 3


@dataclass
class UrlDedupConfig:
    enabled: bool = True
    #: Which copy of a URL to keep: the ``latest`` or the ``earliest`` crawl.
    keep: str = "latest"


@dataclass
class ExactDedupConfig:
    enabled: bool = True


@dataclass
class MinHashConfig:
    enabled: bool = True
    ngram: int = 5
    bands: int = 14
    rows: int = 8
    seed: int = 1
    #: ``default`` (lower case, folded whitespace) or ``refinedweb``.
    normalization: str = "default"
    #: Shingle hash: ``xxh3`` (fast) or ``sha1`` (datasketch's default hashfunc);
    #: either way signatures equal datasketch's given the same hash function.
    hash: str = "xxh3"
    #: Unrolled connected-component rounds; raise for very long duplicate chains.
    max_rounds: int = 20
    #: Check each LSH candidate pair by exact shingle Jaccard before clustering (off, as in FineWeb).
    verify: bool = False
    #: Jaccard a candidate pair needs when verify is on; null = the S-curve threshold (1/bands)^(1/rows).
    verify_threshold: float | None = None


@dataclass
class IndexDedupConfig:
    #: Dedup indexes of earlier runs: documents they already hold are dropped.
    read: list[str] = field(default_factory=list)
    #: What drops a document: any of url, text, near.
    matches: list[str] = field(default_factory=lambda: ["url", "text", "near"])
    #: Write this run's index (of its kept documents) here; null writes none.
    write: str | None = None


@dataclass
class DedupConfig:
    url: UrlDedupConfig = field(default_factory=UrlDedupConfig)
    exact: ExactDedupConfig = field(default_factory=ExactDedupConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    index: IndexDedupConfig = field(default_factory=IndexDedupConfig)


@dataclass
class TokenizeConfig:
    #: tokenizer.json path; null trains a byte-level BPE on the run's kept text.
    tokenizer: str | None = None
    vocab_size: int = 8192
    eos_token: str = "<|endoftext|>"
    #: Cap on documents used to train a tokenizer.
    train_max_documents: int = 200_000


@dataclass
class RunnerConfig:
    #: ``direct`` (local), ``portable``, ``dataflow`` or ``spark``.
    name: str = "direct"
    #: Local parallelism; null uses every core.
    workers: int | None = None
    #: Phase A processes input files in passes of this many, each committed when it
    #: ends: a crash loses at most one pass. Null: one pass over every file.
    files_per_pass: int | None = None
    #: Extra engine options passed through (Beam pipeline options or Spark conf).
    options: dict[str, Any] = field(default_factory=dict)


def _default_filters() -> list[dict[str, dict[str, Any]]]:
    return [{"gopher_repetition": {}}, {"gopher_quality": {}}]


@dataclass
class PipelineConfig:
    #: ``refinedweb`` or ``fineweb``: start from that paper's recipe (keys set here still win).
    preset: str | None = None
    input: InputConfig = field(default_factory=InputConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    url_filter: UrlFilterConfig = field(default_factory=UrlFilterConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    langid: LangIdConfig = field(default_factory=LangIdConfig)
    #: Ordered quality filters: a list of ``{filter_name: {param: value}}``.
    filters: list[dict[str, dict[str, Any]]] = field(default_factory=_default_filters)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    runner: RunnerConfig = field(default_factory=RunnerConfig)

    def input_paths(self) -> list[str]:
        return list(self.input.paths) or [bundled_sample_path()]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def phase_a_fingerprint(config: PipelineConfig) -> str:
    """Identifies the settings that shape a file's phase-A result: a relaunch reuses only
    results made with the same ones (input paths and later stages do not count)."""
    from thresher import __version__
    from thresher.pipeline.checkpoint import config_fingerprint

    data = config.to_dict()
    sections = {key: data[key] for key in ("url_filter", "extract", "langid", "filters")}
    sections["input"] = {k: v for k, v in data["input"].items() if k != "paths"}
    sections["output"] = {k: data["output"][k] for k in ("keep_signals", "audit_samples_per_reason")}
    sections["thresher"] = __version__
    return config_fingerprint(sections)


_CHOICES = {
    "dedup.url.keep": ("latest", "earliest"),
    "dedup.minhash.normalization": ("default", "refinedweb"),
    "dedup.minhash.hash": ("xxh3", "sha1"),
    "runner.name": ("direct", "portable", "dataflow", "spark"),
    "output.compression": ("zstd", "snappy", "gzip", "none"),
    "input.format": ("auto", "warc", "arc", "wet", "jsonl", "parquet"),
}
_POSITIVE = {
    "input.max_payload_bytes",
    "output.shard_target_tokens",
    "output.shard_target_bytes",
    "dedup.minhash.ngram",
    "dedup.minhash.bands",
    "dedup.minhash.rows",
    "dedup.minhash.max_rounds",
    "tokenize.vocab_size",
    "tokenize.train_max_documents",
    "langid.top_k",
    "runner.workers",
    "runner.files_per_pass",
}


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> PipelineConfig:
    """Load and validate a YAML config (or the defaults when ``path`` is None)."""
    data: Any = {}
    if path is not None:
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh) or {}
        except OSError as exc:
            raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"config {path} is not valid YAML: {exc}") from exc
    return config_from_dict(data, overrides)


def config_from_dict(data: Any, overrides: dict[str, Any] | None = None) -> PipelineConfig:
    if not isinstance(data, dict):
        raise ConfigError("config: expected a mapping at the top level")
    preset = data.get("preset")
    if preset is not None:
        from thresher.pipeline.presets import deep_merge, preset_overlay

        if not isinstance(preset, str):
            raise ConfigError(f"preset: expected a string, got {preset!r}")
        data = deep_merge(preset_overlay(preset), data)
    config = _build(PipelineConfig, data, "")
    for dotted, value in (overrides or {}).items():
        _set_dotted(config, dotted, value)
    _validate_semantics(config)
    return config


def _build(cls: type, data: Any, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix or 'config'}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in data:
        if key not in names:
            known = ", ".join(sorted(names))
            raise ConfigError(f"unknown key '{_join(prefix, key)}' (known keys here: {known})")
    kwargs = {}
    for key, value in data.items():
        kwargs[key] = _coerce(hints[key], value, _join(prefix, key))
    return cls(**kwargs)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, where)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where)
    if hint is Any:
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        (item,) = typing.get_args(hint)
        return [_coerce(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if value is None:  # `- gopher_quality:` with no parameters
            return {}
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        _, item = typing.get_args(hint)
        return {k: _coerce(item, v, f"{where}.{k}") for k, v in value.items()}
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported type {hint}")  # pragma: no cover


def _set_dotted(config: PipelineConfig, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    target: Any = config
    for part in parts[:-1]:
        if not hasattr(target, part):
            raise ConfigError(f"unknown key '{dotted}'")
        target = getattr(target, part)
    if not dataclasses.is_dataclass(target) or parts[-1] not in {f.name for f in dataclasses.fields(target)}:
        raise ConfigError(f"unknown key '{dotted}'")
    hint = typing.get_type_hints(type(target))[parts[-1]]
    setattr(target, parts[-1], _coerce(hint, value, dotted))


def _get_dotted(config: PipelineConfig, dotted: str) -> Any:
    target: Any = config
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def _validate_semantics(config: PipelineConfig) -> None:
    for dotted, choices in _CHOICES.items():
        value = _get_dotted(config, dotted)
        if value not in choices:
            raise ConfigError(f"{dotted}: {value!r} is not one of {', '.join(choices)}")
    for dotted in _POSITIVE:
        value = _get_dotted(config, dotted)
        if value is not None and value <= 0:
            raise ConfigError(f"{dotted}: must be positive, got {value}")
    threshold = config.langid.threshold
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"langid.threshold: must be within 0..1, got {threshold}")
    verify_threshold = config.dedup.minhash.verify_threshold
    if verify_threshold is not None and not 0.0 < verify_threshold <= 1.0:
        raise ConfigError(f"dedup.minhash.verify_threshold: must be within (0, 1], got {verify_threshold}")
    index = config.dedup.index
    if not index.matches or set(index.matches) - {"url", "text", "near"}:
        raise ConfigError(f"dedup.index.matches: a non-empty subset of url, text, near, got {index.matches}")
    if index.write and index.write in index.read:
        raise ConfigError("dedup.index.write: must not be one of dedup.index.read (writing replaces it)")
    for i, entry in enumerate(config.filters):
        if len(entry) != 1:
            raise ConfigError(
                f"filters[{i}]: each entry names exactly one filter, like '- gopher_quality: {{}}'"
            )
    # Building the stages checks every filter name and parameter now, before any work.
    from thresher.extract import build_extractor
    from thresher.pipeline.stages import build_quality_filters, build_url_filter

    build_quality_filters(config)
    build_url_filter(config)
    # Cheap: the extractor's worker process starts on its first page, not here.
    extractor = build_extractor(config.extract.extractor, dict(config.extract.params), config.extract.profile)
    close = getattr(extractor, "close", None)
    if close is not None:
        close()
