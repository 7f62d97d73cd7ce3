"""trafilatura and resiliparse together: each page's text from whichever library did better on it.

The two libraries fail on different pages. trafilatura is precise at the
edges of an article (no bylines, share bars, teasers) but sometimes keeps
only part of the body: a paragraph before an advertisement, a summary box,
one of two repeated blocks, a table-laid page it cannot read. resiliparse
keeps the whole body nearly always, with some boilerplate around it. So:

* **default** profile: run both, keep trafilatura's text unless trafilatura
  has evidently lost part of the page, and then keep resiliparse's:

  - trafilatura's text holds fewer than ``min_share`` of resiliparse's
    words; or
  - it holds fewer than ``min_share_clean`` of them, and what resiliparse
    has beyond it is body-shaped: its lines that trafilatura's text lacks
    hold fewer than ``max_surplus_short`` (relative to trafilatura's word
    count) words in short or unfinished lines, the shape of menus, bylines,
    share bars and teasers.

  A page one library finds empty gets the other's text, and a page one
  library raises on (a parser bug) too: the result is never empty where
  trafilatura alone would not be.
* **fast** profile: resiliparse first, made more precise at about a fifth of
  trafilatura's CPU: it leaves out containers named like boilerplate and
  ``<header>`` elements, and keeps to the page's largest ``<article>`` when
  that holds most of the text
  (:data:`FAST_RESILIPARSE`); trafilatura runs, and the default rule
  decides, only where resiliparse's text looks like boilerplate: more than
  ``max_short_share`` of its words in short or unfinished lines (menus,
  bylines, teasers, share bars), or no text at all.

In both profiles, a ``language_gate`` (the run's kept languages, set by the
pipeline when ``langid.languages`` lists them) skips trafilatura on a page
whose resiliparse text is confidently in another language: the language stage
drops that page whatever its text (:mod:`thresher.stages.extract.language_gate`).

The signals are general (word counts and line shapes of both outputs), with
no per-site rule. Each threshold was fitted on one dev gold set and scored on
the other (bench/fit_extract_rule.py; BENCHMARKS.md, "Extraction quality");
docs/EXTRACTION.md explains the rule and its numbers.

Every result names the library whose text it is (``Extraction.extractor``),
and carries the numbers the choice was made on as signals.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from thresher.stages.extract.base import (
    DEFAULT_MAX_HTML_CHARS,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIMEOUT_S,
    BoundedExtractor,
    Extraction,
)
from thresher.stages.extract.language_gate import LanguageGate
from thresher.stages.extract.scoring import word_count

PROFILES = ("default", "fast")

# The default profile's three were fitted on scrapinghub-aeb (hand-made gold) and are reported on
# readability; the fast profile's routing threshold was fitted on readability (under the CPU budget of
# the >= 4x target) and is reported on scrapinghub-aeb. bench/fit_extract_rule.py runs both folds;
# BENCHMARKS.md ("Extraction quality") gives them.
DEFAULT_MIN_SHARE = 0.4
DEFAULT_MIN_SHARE_CLEAN = 0.55
DEFAULT_MAX_SURPLUS_SHORT = 0.2
DEFAULT_MAX_SHORT_SHARE = 1.0
#: The fast profile's resiliparse options (``extract.params.resiliparse`` overrides them). ``article_share``
#: and ``headers`` were fitted on scrapinghub-aeb and are reported on readability; fitted the other way
#: round they are 0.8 and kept headers (bench/fit_resiliparse_cleanup.py; BENCHMARKS.md, section 6).
FAST_RESILIPARSE: dict[str, Any] = {"boilerplate_containers": True, "article_share": 0.6, "headers": False}
#: A line shorter than this many words, or not ending a sentence, is "short" (boilerplate-shaped).
SHORT_LINE_WORDS = 10

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…\"”’»)\]]\s*$")


def _is_short(line: str, n_words: int) -> bool:
    return n_words < SHORT_LINE_WORDS or not _SENTENCE_END.search(line)


def short_line_share(text: str | None) -> float:
    """The share of ``text``'s words in lines under :data:`SHORT_LINE_WORDS` words or not ending a sentence."""
    total = short = 0
    for line in (text or "").splitlines():
        n = len(_WORD.findall(line))
        if not n:
            continue
        total += n
        if _is_short(line, n):
            short += n
    return short / total if total else 1.0


def surplus_short_words(text: str | None, reference: str | None) -> int:
    """Words of ``text`` in short or unfinished lines that ``reference`` does not contain.

    A line of three words or more is contained when half its word trigrams
    occur in ``reference``; a shorter one when its words occur there in a row.
    """
    ref_words = _WORD.findall(reference.lower()) if reference else []
    trigrams = set(zip(ref_words, ref_words[1:], ref_words[2:]))
    joined = f" {' '.join(ref_words)} "
    surplus = 0
    for line in (text or "").splitlines():
        words = _WORD.findall(line.lower())
        if not words or not _is_short(line, len(words)):
            continue
        if len(words) >= 3:
            grams = list(zip(words, words[1:], words[2:]))
            contained = sum(g in trigrams for g in grams) * 2 >= len(grams)
        else:
            contained = f" {' '.join(words)} " in joined
        if not contained:
            surplus += len(words)
    return surplus


class CombinedExtractor(BoundedExtractor):
    """trafilatura and resiliparse, chosen per page (see the module docstring); bounded as one extractor.

    ``trafilatura`` and ``resiliparse`` are keyword arguments for the two
    inner extractors (:class:`~thresher.stages.extract.trafilatura_extractor.TrafilaturaExtractor`,
    :class:`~thresher.stages.extract.resiliparse_extractor.ResiliparseExtractor`),
    which run inline inside this extractor's one bounded worker process.
    """

    name = "combined"

    def __init__(
        self,
        *,
        profile: str = "default",
        min_share: float = DEFAULT_MIN_SHARE,
        min_share_clean: float = DEFAULT_MIN_SHARE_CLEAN,
        max_surplus_short: float = DEFAULT_MAX_SURPLUS_SHORT,
        max_short_share: float = DEFAULT_MAX_SHORT_SHARE,
        trafilatura: dict[str, Any] | None = None,
        resiliparse: dict[str, Any] | None = None,
        language_gate: dict[str, Any] | None = None,
        max_html_chars: int | None = DEFAULT_MAX_HTML_CHARS,
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
        memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
    ) -> None:
        super().__init__(max_html_chars=max_html_chars, timeout_s=timeout_s, memory_limit_mb=memory_limit_mb)
        if profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
        for label, value in (("min_share", min_share), ("min_share_clean", min_share_clean),
                             ("max_short_share", max_short_share)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{label} must be within 0..1, got {value}")
        if max_surplus_short < 0:
            raise ValueError(f"max_surplus_short must not be negative, got {max_surplus_short}")
        for label, params in (("trafilatura", trafilatura), ("resiliparse", resiliparse)):
            if params is not None and not isinstance(params, dict):
                raise ValueError(f"{label} must be a mapping of that extractor's parameters")
        self.profile = profile
        self.min_share = min_share
        self.min_share_clean = min_share_clean
        self.max_surplus_short = max_surplus_short
        self.max_short_share = max_short_share
        self.trafilatura_params = dict(trafilatura or {})
        self.resiliparse_params = {**(FAST_RESILIPARSE if profile == "fast" else {}), **(resiliparse or {})}
        if language_gate is not None and not isinstance(language_gate, dict):
            raise ValueError("language_gate must be a mapping of LanguageGate's parameters")
        # Built here, so that a bad parameter fails in the parent; its model loads on first use.
        self.language_gate = LanguageGate(**language_gate) if language_gate is not None else None
        # Built lazily (in the worker process, when there is one): only the inline halves are used.
        self._inner: tuple[Any, Any] | None = None
        # Fail now, in the parent, on a bad inner parameter, not on the first page in the worker.
        self._inner_extractors()

    def inline_params(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "min_share": self.min_share,
            "min_share_clean": self.min_share_clean,
            "max_surplus_short": self.max_surplus_short,
            "max_short_share": self.max_short_share,
            "trafilatura": self.trafilatura_params,
            "resiliparse": self.resiliparse_params,
            "language_gate": self.language_gate.params() if self.language_gate is not None else None,
        }

    def _inner_extractors(self) -> tuple[Any, Any]:
        if self._inner is None:
            from thresher.stages.extract.resiliparse_extractor import ResiliparseExtractor
            from thresher.stages.extract.trafilatura_extractor import TrafilaturaExtractor

            unbounded = {"timeout_s": None, "max_html_chars": None, "memory_limit_mb": None}
            self._inner = (
                TrafilaturaExtractor(**{**self.trafilatura_params, **unbounded}),
                ResiliparseExtractor(**{**self.resiliparse_params, **unbounded}),
            )
        return self._inner

    def extract_inline(self, html: str, url: str = "") -> str | None:
        return self.extract_labelled_inline(html, url).text

    def extract_labelled_inline(self, html: str, url: str = "") -> Extraction:
        trafilatura, resiliparse = self._inner_extractors()
        resi_text, resi_error = _attempt(resiliparse.extract_inline, html, url)
        signals: dict[str, float] = {}
        if self.profile == "fast":
            share = short_line_share(resi_text)
            signals["extract.short_line_share"] = round(share, 4)
            if resi_text and share <= self.max_short_share:
                return Extraction(resi_text, "resiliparse", signals)
        if self.language_gate is not None and resi_text and resi_text.strip():
            prediction = self.language_gate.rules_out(resi_text)
            if prediction is not None:
                return Extraction(resi_text, "resiliparse", signals, gate_prediction=prediction)
        traf_text, traf_error = _attempt(trafilatura.extract_inline, html, url)
        if traf_error is not None and resi_error is not None:
            raise traf_error
        return self.choose(traf_text, resi_text, signals)

    def choose(self, traf_text: str | None, resi_text: str | None, signals: dict[str, float] | None = None) -> Extraction:
        """trafilatura's text, unless it has evidently lost part of the page (the module docstring's rule)."""
        signals = dict(signals or {})
        traf_words, resi_words = word_count(traf_text), word_count(resi_text)
        if resi_words:
            signals["extract.trafilatura_share"] = round(traf_words / resi_words, 4)
        if traf_words < self.min_share * resi_words:
            return Extraction(resi_text, "resiliparse", signals)
        if traf_words < self.min_share_clean * resi_words:
            surplus = surplus_short_words(resi_text, traf_text)
            signals["extract.surplus_short_words"] = float(surplus)
            if surplus < self.max_surplus_short * traf_words:
                return Extraction(resi_text, "resiliparse", signals)
        return Extraction(traf_text if traf_words else None, "trafilatura", signals)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_inner"] = None
        return state


def _attempt(extract: Callable[[str, str], str | None], html: str, url: str) -> tuple[str | None, Exception | None]:
    """One library's text, or its error: the other library may still read the page."""
    try:
        return extract(html, url), None
    except MemoryError:
        raise  # the worker reports it as the memory bound and restarts
    except Exception as exc:  # noqa: BLE001 - a library's bug on one page; the caller decides
        return None, exc
