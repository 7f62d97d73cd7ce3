"""Filters by name, validated construction from configs, presets, and a runner.

* :data:`FILTERS` maps each filter's ``name`` to its class.
* :func:`build_filter` builds one from a name and a params dict, checking
  every key and the type of every value against the constructor's signature
  before constructing; any problem is a :class:`~thresher.errors.ConfigError`
  naming the filter and the key.
* :data:`PRESETS` are the published pipelines as ordered ``(name, params)``
  lists; :func:`build_preset` builds one.
* :func:`apply_filters` runs filters in order on a document, counting into a
  :class:`~thresher.stats.StatsSink`.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Sequence as AbcSequence
from typing import Any, Iterable, Sequence, Union, get_args, get_origin, get_type_hints

from thresher.errors import ConfigError
from thresher.stages.filters.base import DocumentFilter
from thresher.stages.filters.c4_quality import C4QualityFilter
from thresher.stages.filters.fineweb_quality import FineWebQualityFilter
from thresher.stages.filters.gopher_quality import GopherQualityFilter
from thresher.stages.filters.gopher_repetition import GopherRepetitionFilter
from thresher.stages.filters.pii import PIIMasker
from thresher.stages.filters.refinedweb_lines import RefinedWebLineFilter
from thresher.stages.filters.url import URLFilter
from thresher.record import Document
from thresher.stats import StatsSink, stage_timer

FILTERS: dict[str, type[DocumentFilter]] = {
    cls.name: cls
    for cls in (
        URLFilter,
        GopherRepetitionFilter,
        GopherQualityFilter,
        C4QualityFilter,
        FineWebQualityFilter,
        RefinedWebLineFilter,
        PIIMasker,
    )
}

#: How FineWeb (datatrove) reads Gopher's quality rules, where it differs from the paper.
FINEWEB_GOPHER_QUALITY: dict[str, Any] = {
    "word_splitter": "spacy",
    "bullet_marks": ["•", "-"],
    "stop_words_distinct": True,
    "stop_words_case_sensitive": True,
}

#: The filter stages of the published pipelines, in order. Language
#: identification, extraction and deduplication are other stages.
PRESETS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    # Penedo et al. 2023: URL filtering (curated sources kept out, to be added
    # from their own dumps), then Gopher repetition removal, Gopher quality
    # filtering, and RefinedWeb's line-wise corrections.
    "refinedweb": [
        ("url", {"exclude_curated": True}),
        ("gopher_repetition", {}),
        ("gopher_quality", {}),
        ("refinedweb_lines", {}),
    ],
    # Penedo et al. 2024 (datatrove's FineWeb example): URL filter, Gopher
    # repetition and quality, C4 quality without the terminal-punctuation line
    # rule, FineWeb's own rules; PII formatting last (it never drops). Each
    # rule reads the text as datatrove does (docs/FILTERS.md): spaCy's word
    # tokens, Gopher's two bullet marks and distinct, case-sensitive stop
    # words, C4's long-word lines removed rather than the page.
    "fineweb": [
        ("url", {}),
        ("gopher_repetition", {"word_splitter": "spacy"}),
        ("gopher_quality", FINEWEB_GOPHER_QUALITY),
        ("c4_quality", {"filter_no_terminal_punct": False, "too_long_word_drops_page": False, "sentence_splitter": "spacy"}),
        ("fineweb_quality", {"word_splitter": "spacy"}),
        ("pii", {}),
    ],
    # Penedo et al. 2025 (FineWeb-2): FineWeb's rules with per-language
    # thresholds (thresher/stages/filters/fineweb2, from FineWeb-2's configs) and its
    # global changes: Gopher's paragraph rules and duplicated-line characters
    # off, FineWeb's short-line rule off and char_duplicates_ratio 0.1, no C4.
    "fineweb2": [
        ("url", {}),
        ("gopher_repetition", {
            "word_splitter": "spacy", "dup_para_frac": None, "dup_para_char_frac": None, "dup_line_char_frac": None,
            "language_thresholds": "fineweb2",
        }),
        ("fineweb_quality", {
            "word_splitter": "spacy", "short_line_thr": None, "char_duplicates_ratio": 0.1,
            "language_thresholds": "fineweb2",
        }),
        ("gopher_quality", {**FINEWEB_GOPHER_QUALITY, "language_thresholds": "fineweb2"}),
        ("pii", {}),
    ],
}


# --- type checking of params ------------------------------------------------------


def _inner(hint: Any) -> str:
    text = _describe(hint, True)
    return f"({text})" if get_origin(hint) in (Union, types.UnionType) else text


def _describe(hint: Any, plural: bool = False) -> str:
    if hint is type(None):
        return "null"
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a, plural) for a in get_args(hint))
    if origin in (list, tuple, AbcSequence):
        args = [a for a in get_args(hint) if a is not Ellipsis]
        inner = f" of {_inner(args[0])}" if args else ""
        return ("lists" if plural else "a list") + inner
    if origin is dict:
        args = get_args(hint)
        inner = f" of {_inner(args[0])} to {_inner(args[1])}" if args else ""
        return ("mappings" if plural else "a mapping") + inner
    names = {bool: ("true or false", "booleans"), int: ("an integer", "integers"), float: ("a number", "numbers"), str: ("a string", "strings")}
    if hint in names:
        return names[hint][plural]
    return getattr(hint, "__name__", str(hint))


def _matches(value: Any, hint: Any) -> bool:
    if hint is Any or hint is None:
        return True
    if hint is type(None):
        return value is None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_matches(value, a) for a in get_args(hint))
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin in (list, tuple, AbcSequence) or hint in (list, tuple, Sequence):
        if not isinstance(value, (list, tuple)):
            return False
        args = [a for a in get_args(hint) if a is not Ellipsis]
        if origin is tuple and len(args) > 1 and Ellipsis not in get_args(hint):
            return len(value) == len(args) and all(_matches(v, a) for v, a in zip(value, args))
        return not args or all(_matches(v, args[0]) for v in value)
    if origin is dict or hint is dict:
        if not isinstance(value, dict):
            return False
        args = get_args(hint)
        return not args or all(_matches(k, args[0]) and _matches(v, args[1]) for k, v in value.items())
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def _hint_from_default(default: Any) -> Any:
    if default is inspect.Parameter.empty or default is None:
        return Any
    if isinstance(default, bool):
        return bool
    if isinstance(default, float):
        return Union[float, None]
    if isinstance(default, int):
        return Union[int, None]
    return Union[type(default), None]


def parameter_types(cls: type[DocumentFilter]) -> dict[str, Any]:
    """Accepted type of each constructor keyword of ``cls``."""
    sig = inspect.signature(cls.__init__)
    try:
        hints = get_type_hints(cls.__init__)
    except Exception:  # unresolvable annotation: fall back to the defaults
        hints = {}
    out = {}
    for pname, p in sig.parameters.items():
        if pname == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        out[pname] = hints.get(pname, _hint_from_default(p.default))
    return out


def build_filter(name: str, params: dict[str, Any] | None = None) -> DocumentFilter:
    """The filter ``name`` configured with ``params`` (unset keys keep their defaults)."""
    cls = FILTERS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ConfigError(f"unknown filter {name!r}; known filters: {', '.join(sorted(FILTERS))}")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ConfigError(f"filter {name!r}: parameters must be a mapping, got {type(params).__name__}")
    accepted = parameter_types(cls)
    for key, value in params.items():
        if key not in accepted:
            raise ConfigError(
                f"filter {name!r}: unknown parameter {key!r}; accepted: {', '.join(accepted)}"
            )
        if not _matches(value, accepted[key]):
            raise ConfigError(
                f"filter {name!r}: parameter {key!r} must be {_describe(accepted[key])}, got {value!r}"
            )
    try:
        return cls(**params)
    except ConfigError as e:
        msg = str(e)
        raise ConfigError(msg if msg.startswith(f"filter {name!r}") else f"filter {name!r}: {msg}") from None
    except (TypeError, ValueError) as e:
        raise ConfigError(f"filter {name!r}: invalid parameters: {e}") from None


def build_filters(specs: Iterable[tuple[str, dict[str, Any] | None]]) -> list[DocumentFilter]:
    return [build_filter(name, params) for name, params in specs]


def build_preset(preset: str, overrides: dict[str, dict[str, Any]] | None = None) -> list[DocumentFilter]:
    """The filters of ``preset``; ``overrides`` maps filter names to extra params."""
    if preset not in PRESETS:
        raise ConfigError(f"unknown filter preset {preset!r}; known presets: {', '.join(sorted(PRESETS))}")
    overrides = dict(overrides or {})
    names = [n for n, _ in PRESETS[preset]]
    for extra in overrides:
        if extra not in names:
            raise ConfigError(f"preset {preset!r} has no filter {extra!r} to override; it has: {', '.join(names)}")
    return [build_filter(n, {**p, **overrides.get(n, {})}) for n, p in PRESETS[preset]]


#: The language of a document language ID did not label (it was off).
UNKNOWN_LANGUAGE = "unknown"


def language_counter(filter_name: str, language: str, what: str) -> str:
    """``filters/<filter>/lang/<language>/<what>``: ``what`` is ``in`` or ``dropped/<reason>``."""
    return f"filters/{filter_name}/lang/{language}/{what}"


def per_language_drops(counters: dict[str, int], filter_name: str) -> dict[str, dict[str, int]]:
    """``{language: {"in": n, "<reason>": dropped, ...}}`` for one filter, from a run's counters."""
    prefix = f"filters/{filter_name}/lang/"
    out: dict[str, dict[str, int]] = {}
    for key, value in counters.items():
        if not key.startswith(prefix):
            continue
        language, _, what = key[len(prefix):].partition("/")
        if what.startswith("dropped/"):
            what = what[len("dropped/"):]
        out.setdefault(language, {})[what] = value
    return out


def apply_filters(filters: Sequence[DocumentFilter], doc: Document, stats: StatsSink) -> str | None:
    """Run ``filters`` in order on ``doc``; ``None`` if kept, else ``"<filter>/<reason>"``.

    Counts ``filters/<name>/in``, ``filters/<name>/kept`` and
    ``filters/<name>/dropped/<reason>``; stops at the first drop. Filters may
    rewrite ``doc.text`` on the way. Also counts characters in and kept
    (``chars_in``, ``chars_kept``), the distribution of kept documents' lengths
    (``text_chars``) and, per filter, busy wall time (``time_us``) and this
    thread's CPU time (``cpu_us``).

    Per language (``doc.language`` as language ID labelled it, ``unknown``
    without a label), :func:`language_counter` names ``in`` and
    ``dropped/<reason>`` counters under ``filters/<name>/lang/<language>/``:
    outside ``filters/<name>/dropped/``, so the funnel, which sums every
    counter under that prefix, counts each drop once.
    """
    language = doc.language or UNKNOWN_LANGUAGE
    for f in filters:
        name = f.name
        stats.inc(f"filters/{name}/in")
        stats.inc(language_counter(name, language, "in"))
        stats.inc(f"filters/{name}/chars_in", len(doc.text))
        with stage_timer(stats, f"filters/{name}"):
            reason = f.filter(doc)
        if reason:
            stats.inc(f"filters/{name}/dropped/{reason}")
            stats.inc(language_counter(name, language, f"dropped/{reason}"))
            return f"{name}/{reason}"
        stats.inc(f"filters/{name}/kept")
        stats.inc(f"filters/{name}/chars_kept", len(doc.text))
        stats.observe(f"filters/{name}/text_chars", len(doc.text))
    return None


__all__ = [
    "FILTERS",
    "PRESETS",
    "apply_filters",
    "build_filter",
    "build_filters",
    "build_preset",
    "language_counter",
    "parameter_types",
    "per_language_drops",
]
