"""Loading and validating the one YAML config (schema and defaults: :mod:`thresher.config.schema`).

Loading validates everything before any work starts: an unknown key or a
value of the wrong type or range raises :class:`ConfigError` naming the key
(``dedup.minhash.bands: expected int, got 'x'``). YAML is read with
``yaml.safe_load``: no object construction from a config.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Union

import yaml

from thresher.config.schema import PipelineConfig
from thresher.errors import ConfigError


_CHOICES = {
    "dedup.url.keep": ("latest", "earliest"),
    "dedup.minhash.normalization": ("default", "refinedweb"),
    "dedup.minhash.hash": ("xxh3", "sha1"),
    "output.compression": ("zstd", "snappy", "gzip", "none"),
    "input.format": ("auto", "warc", "arc", "wet", "jsonl", "parquet"),
}
_POSITIVE = {
    "input.max_payload_bytes",
    "output.shard_target_tokens",
    "output.shard_target_bytes",
    "output.one_writer_max_bytes",
    "dedup.minhash.ngram",
    "dedup.minhash.bands",
    "dedup.minhash.rows",
    "dedup.minhash.max_rounds",
    "tokenize.vocab_size",
    "tokenize.train_max_documents",
    "langid.top_k",
    "runner.workers",
    "runner.files_per_pass",
    "runner.unit_bytes",
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
    # An empty section (every key under it commented out) means its defaults, preset ones included.
    data = _without_empty_sections(PipelineConfig, data)
    preset = data.get("preset")
    if preset is not None:
        from thresher.config.presets import deep_merge, preset_overlay

        if not isinstance(preset, str):
            raise ConfigError(f"preset: expected a string, got {preset!r}")
        data = deep_merge(preset_overlay(preset), data)
    config = _build(PipelineConfig, data, "")
    for dotted, value in (overrides or {}).items():
        _set_dotted(config, dotted, value)
    _validate_semantics(config)
    return config


def _without_empty_sections(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the sections given as nothing (``extract:`` and no keys), at any depth."""
    hints = typing.get_type_hints(cls)
    out = {}
    for key, value in data.items():
        hint = hints.get(key) if isinstance(key, str) else None
        if hint is not None and dataclasses.is_dataclass(hint):
            if value is None:
                continue
            if isinstance(value, dict):
                value = _without_empty_sections(hint, value)
        out[key] = value
    return out


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


def _check_vocab_size(config: PipelineConfig) -> None:
    """A tokenizer to train cannot be smaller than the byte alphabet plus its special tokens."""
    tok = config.tokenize
    if tok.tokenizer is not None:
        return  # a given tokenizer.json has its own vocabulary; vocab_size is not used
    from thresher.stages.tokenize.bpe_trainer import minimum_vocab_size

    minimum = minimum_vocab_size((tok.eos_token,))
    if tok.vocab_size < minimum:
        raise ConfigError(
            f"tokenize.vocab_size: {tok.vocab_size} is below the minimum {minimum} of a byte-level BPE "
            f"(256 byte tokens + {tok.eos_token!r}); set it to {minimum} or more"
        )


def _validate_semantics(config: PipelineConfig) -> None:
    from thresher.engines import engine_names

    for dotted, choices in {**_CHOICES, "runner.name": engine_names()}.items():
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
    share = config.output.max_error_share
    if not 0.0 <= share <= 1.0:
        raise ConfigError(f"output.max_error_share: must be within 0..1, got {share}")
    verify_threshold = config.dedup.minhash.verify_threshold
    if verify_threshold is not None and not 0.0 < verify_threshold <= 1.0:
        raise ConfigError(f"dedup.minhash.verify_threshold: must be within (0, 1], got {verify_threshold}")
    _check_vocab_size(config)
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
    from thresher.stages.extract import build_extractor
    from thresher.stages.filters.registry import build_filter

    for entry in config.filters:
        ((name, params),) = entry.items()
        build_filter(name, dict(params or {}))
    if config.url_filter.enabled:
        build_filter("url", dict(config.url_filter.params))
    # Cheap: the extractor's worker process starts on its first page, not here.
    extractor = build_extractor(config.extract.extractor, dict(config.extract.params), config.extract.profile)
    close = getattr(extractor, "close", None)
    if close is not None:
        close()
