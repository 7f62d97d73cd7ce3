"""FineWeb's own quality rules (Penedo et al. 2024), as datatrove 0.10.1 runs them.

On the text's non-blank lines (split by ``"\\n"``; a line of only whitespace
is left out; a text with none is dropped as ``empty``), a document is dropped
when:

* the share of lines ending in a sentence-final mark is below
  ``line_punct_thr`` (0.12) (``line_punct_ratio``); with
  ``line_punct_exclude_zero`` a share of exactly 0 is let through. The marks
  are ``stop_chars``, by default Unicode's sentence terminals as datatrove
  lists them (``. ! ?``, ``。！？``, ``।``, ``؟`` ...; not quotes). For Thai and
  Lao, written without sentence-final punctuation, the rule is skipped and
  ``fineweb_quality.skipped_line_punct`` is recorded;
* the share of lines of at most ``short_line_length`` (30) characters is above
  ``short_line_thr`` (0.67) (``short_line_ratio``);
* characters in lines repeating an earlier line, over the text's non-newline
  characters, are above ``char_duplicates_ratio`` (0.01) (``char_dup_ratio``);
* newlines per word are above ``new_line_ratio`` (0.3) (``list_ratio``).
  Words are ``word_splitter``'s: ``"spacy"`` counts punctuation marks as words,
  as datatrove does (FineWeb's thresholds were set on those).

A value equal to a threshold is kept, as in datatrove 0.10.1.
"""

from __future__ import annotations

from typing import Sequence

from thresher.stages.filters.base import DocumentFilter, PerLanguageParams, check_word_splitter
from thresher.record import Document
from thresher.stages.text.spacy_tokens import TERMINAL_PUNCTUATION
from thresher.stages.text.view import text_view

NO_TERMINAL_PUNCT_LANGUAGES = frozenset({"th", "lo"})


class FineWebQualityFilter(DocumentFilter):
    name = "fineweb_quality"

    def __init__(
        self,
        line_punct_thr: float | None = 0.12,
        line_punct_exclude_zero: bool = False,
        stop_chars: Sequence[str] | None = None,
        short_line_thr: float | None = 0.67,
        short_line_length: int = 30,
        char_duplicates_ratio: float | None = 0.01,
        new_line_ratio: float | None = 0.3,
        word_splitter: str = "trimmed",
        language_thresholds: str | None = None,
        record_signals: bool = False,
    ) -> None:
        params = {k: v for k, v in locals().items() if k not in ("self", "language_thresholds", "__class__")}
        self.line_punct_thr = line_punct_thr
        self.line_punct_exclude_zero = line_punct_exclude_zero
        self.stop_chars = tuple(stop_chars) if stop_chars is not None else tuple(sorted(TERMINAL_PUNCTUATION))
        self.short_line_thr = short_line_thr
        self.short_line_length = short_line_length
        self.char_duplicates_ratio = char_duplicates_ratio
        self.new_line_ratio = new_line_ratio
        self.word_splitter = check_word_splitter(self.name, word_splitter)
        self.record_signals = record_signals
        self.language_thresholds = language_thresholds
        self._per_language = PerLanguageParams(type(self), params, language_thresholds) if language_thresholds else None
        self._any = any(t is not None for t in (line_punct_thr, short_line_thr, char_duplicates_ratio, new_line_ratio))

    def filter(self, doc: Document) -> str | None:
        if self._per_language is not None:
            return self._per_language.filter(self, doc)
        if not self._any:
            return None
        text = doc.text
        lines = [line for line in text.split("\n") if line.strip()]
        n_lines = len(lines)
        if not n_lines:
            return "empty"
        signal = self.record_signals
        view = text_view(text, doc.language)

        if self.line_punct_thr is not None:
            if view.language in NO_TERMINAL_PUNCT_LANGUAGES:
                doc.signals[f"{self.name}.skipped_line_punct"] = 1.0
            else:
                stop_chars = self.stop_chars
                ratio = sum(1 for line in lines if line.endswith(stop_chars)) / n_lines
                if signal:
                    self.signal(doc, "line_punct_ratio", ratio)
                if ratio < self.line_punct_thr and not (ratio == 0 and self.line_punct_exclude_zero):
                    return "line_punct_ratio"

        if self.short_line_thr is not None:
            limit = self.short_line_length
            ratio = sum(1 for line in lines if len(line) <= limit) / n_lines
            if signal:
                self.signal(doc, "short_line_ratio", ratio)
            if ratio > self.short_line_thr:
                return "short_line_ratio"

        if self.char_duplicates_ratio is not None:
            dup_chars = sum(map(len, lines)) - sum(map(len, set(lines)))
            chars = len(text) - text.count("\n")
            ratio = dup_chars / chars
            if signal:
                self.signal(doc, "char_dup_ratio", ratio)
            if ratio > self.char_duplicates_ratio:
                return "char_dup_ratio"

        if self.new_line_ratio is not None:
            newlines = text.count("\n")
            n_words = len(view.tokens(self.word_splitter))
            ratio = newlines / n_words if n_words else float(newlines > 0)
            if signal:
                self.signal(doc, "list_ratio", ratio)
            if ratio > self.new_line_ratio:
                return "list_ratio"
        return None
