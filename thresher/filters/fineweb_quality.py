"""FineWeb's own quality rules (Penedo et al. 2024), as datatrove runs them.

On lines split by ``"\\n"`` (blank ones included), a document is dropped when:

* the share of lines ending in terminal punctuation is at most
  ``line_punct_thr`` (0.12) (``line_punct_ratio``); with
  ``line_punct_exclude_zero`` a share of exactly 0 is let through. Terminal
  marks are datatrove's ``. ' " ! ?`` plus the full stops of other scripts
  (``。！？`` ...). For Thai and Lao, written without sentence-final
  punctuation, the rule is skipped and ``fineweb_quality.skipped_line_punct``
  is recorded;
* the share of lines of at most ``short_line_length`` (30) characters is at
  least ``short_line_thr`` (0.67) (``short_line_ratio``);
* characters in non-blank lines that repeat an earlier line, over all
  non-newline characters, are at least ``char_duplicates_ratio`` (0.01)
  (``char_dup_ratio``);
* newlines per word exceed ``new_line_ratio`` (0.3) (``list_ratio``).

The comparisons follow datatrove exactly (``<=``, ``>=``, ``>=``, ``>``), so a
value equal to a threshold is dropped by the first three and kept by the last.
"""

from __future__ import annotations

from itertools import repeat

from thresher.filters.base import DocumentFilter
from thresher.record import Document
from thresher.text.view import text_view

STOP_CHARS = (
    ".", "'", '"', "!", "?",
    "”", "’", "»", "。", "！", "？", "｡", "」", "』", "।", "॥", "؟", "۔", "။", "។", "։", "።",
)
NO_TERMINAL_PUNCT_LANGUAGES = frozenset({"th", "lo"})


class FineWebQualityFilter(DocumentFilter):
    name = "fineweb_quality"

    def __init__(
        self,
        line_punct_thr: float | None = 0.12,
        line_punct_exclude_zero: bool = False,
        short_line_thr: float | None = 0.67,
        short_line_length: int = 30,
        char_duplicates_ratio: float | None = 0.01,
        new_line_ratio: float | None = 0.3,
        record_signals: bool = False,
    ) -> None:
        self.line_punct_thr = line_punct_thr
        self.line_punct_exclude_zero = line_punct_exclude_zero
        self.short_line_thr = short_line_thr
        self.short_line_length = short_line_length
        self.char_duplicates_ratio = char_duplicates_ratio
        self.new_line_ratio = new_line_ratio
        self.record_signals = record_signals

    def filter(self, doc: Document) -> str | None:
        text = doc.text
        lines = text.split("\n")
        n_lines = len(lines)
        signal = self.record_signals
        view = text_view(text, doc.language)

        if self.line_punct_thr is not None:
            if view.language in NO_TERMINAL_PUNCT_LANGUAGES:
                doc.signals[f"{self.name}.skipped_line_punct"] = 1.0
            else:
                ratio = sum(map(str.endswith, lines, repeat(STOP_CHARS))) / n_lines
                if signal:
                    self.signal(doc, "line_punct_ratio", ratio)
                if ratio <= self.line_punct_thr and not (ratio == 0 and self.line_punct_exclude_zero):
                    return "line_punct_ratio"

        if self.short_line_thr is not None:
            limit = self.short_line_length
            ratio = sum(map(limit.__ge__, map(len, lines))) / n_lines
            if signal:
                self.signal(doc, "short_line_ratio", ratio)
            if ratio >= self.short_line_thr:
                return "short_line_ratio"

        if self.char_duplicates_ratio is not None:
            non_empty = [line for line in lines if line.strip()]
            unique = set(non_empty)
            dup_chars = sum(map(len, non_empty)) - sum(map(len, unique))
            chars = len(text) - (n_lines - 1)  # len(text.replace("\n", ""))
            ratio = dup_chars / chars if chars else 0.0
            if signal:
                self.signal(doc, "char_dup_ratio", ratio)
            if ratio >= self.char_duplicates_ratio:
                return "char_dup_ratio"

        if self.new_line_ratio is not None:
            n_words = len(view.words)
            ratio = (n_lines - 1) / n_words if n_words else float(n_lines > 1)
            if signal:
                self.signal(doc, "list_ratio", ratio)
            if ratio > self.new_line_ratio:
                return "list_ratio"
        return None
