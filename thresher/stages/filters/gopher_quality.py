"""Gopher's quality rules (Rae et al. 2021, appendix A1), language-aware.

A document is dropped (reason in brackets) when:

* it has fewer than ``min_doc_words`` (50) or more than ``max_doc_words``
  (100,000) words (``short_doc`` / ``long_doc``);
* its mean word length is outside ``min_avg_word_length``..``max_avg_word_length``
  (3..10 characters) (``below_avg_word_length`` / ``above_avg_word_length``);
* ``#`` characters, or ellipses (``...`` and ``…``), number more than
  ``max_symbol_word_ratio`` (0.1) per word (``too_many_hashes`` /
  ``too_many_ellipsis``);
* more than ``max_bullet_lines_ratio`` (90 %) of its lines start with a bullet
  (``too_many_bullets``) or more than ``max_ellipsis_lines_ratio`` (30 %) end
  with an ellipsis (``too_many_end_ellipsis``); lines are ``splitlines()``,
  blank ones included, as in datatrove;
* fewer than ``min_alpha_words_ratio`` (80 %) of its whitespace-separated
  tokens contain a letter (``below_alpha_threshold``); tokens here keep their
  punctuation, so junk such as "| -- 2021 $5" counts against the page;
* it holds fewer than ``min_stop_words`` (2) stop words of its language
  (``not_enough_stop_words``); occurrences are counted, case-insensitively.

Words are :func:`thresher.stages.text.words.split_words` of the text (punctuation
trimmed; unspaced scripts one unit per character). ``doc.language`` picks the
rules; ``None`` means English-like.

Skipped rules, always recorded in ``doc.signals`` (whatever ``record_signals``):

* Unspaced scripts (zh, ja, th, lo, km, my, bo, ... or any text where most
  word units are Han/kana/Thai/...): mean word length and stop words are
  skipped (``gopher_quality.skipped_word_rules = 1`` and
  ``gopher_quality.skipped_stop_words = 1``): a "word" there is a character,
  so neither rule means anything. Word counts are character-unit counts, so
  50 units is about 50 characters of text.
* Korean: mean word length skipped (``skipped_word_rules``): words are
  syllable blocks, 2-4 long.
* A language without a stop-word list (see :mod:`thresher.stages.text.stopwords`):
  the stop-word rule is skipped (``skipped_stop_words``).

FineWeb's reading (datatrove's, which ``preset: fineweb`` selects; docs/FILTERS.md
says why each differs):

* ``word_splitter="spacy"``: words are spaCy's tokens, punctuation marks
  included. Word counts and the mean word length take the tokens holding a
  non-punctuation character; the ``#``/ellipsis ratios and the share of words
  with a letter are over every token, so punctuation counts against a page;
* ``bullet_marks=["•", "-"]``: only these start a bullet line;
* ``stop_words_distinct=True``, ``stop_words_case_sensitive=True``: two
  *different* stop words, matched exactly ("The" is not "the").
"""

from __future__ import annotations

from itertools import repeat

from typing import Sequence

from thresher.stages.filters.base import DocumentFilter, PerLanguageParams, check_word_splitter
from thresher.record import Document
from thresher.stages.text.stopwords import stop_words_for
from thresher.stages.text.view import text_view

BULLETS = ("•", "●", "○", "◦", "▪", "▫", "■", "□", "‣", "⁃", "∙", "·", "➢", "➤", "►", "-", "*", "–")
ELLIPSES = ("...", "…")
#: Languages whose stop words (particles, endings) are written onto the word:
#: FineWeb-2's Korean list ("의", "는", "에서") matches at a word's end.
SUFFIXING_LANGUAGES = frozenset({"ko", "kor"})


class GopherQualityFilter(DocumentFilter):
    name = "gopher_quality"

    def __init__(
        self,
        min_doc_words: int | None = 50,
        max_doc_words: int | None = 100_000,
        min_avg_word_length: float | None = 3,
        max_avg_word_length: float | None = 10,
        max_symbol_word_ratio: float | None = 0.1,
        max_bullet_lines_ratio: float | None = 0.9,
        max_ellipsis_lines_ratio: float | None = 0.3,
        min_alpha_words_ratio: float | None = 0.8,
        min_stop_words: int | None = 2,
        stop_words: dict[str, list[str]] | None = None,
        stop_words_distinct: bool = False,
        stop_words_case_sensitive: bool = False,
        bullet_marks: Sequence[str] | None = None,
        word_splitter: str = "trimmed",
        language_thresholds: str | None = None,
        record_signals: bool = False,
    ) -> None:
        params = {k: v for k, v in locals().items() if k not in ("self", "language_thresholds", "__class__")}
        self.min_doc_words = min_doc_words
        self.max_doc_words = max_doc_words
        self.min_avg_word_length = min_avg_word_length
        self.max_avg_word_length = max_avg_word_length
        self.max_symbol_word_ratio = max_symbol_word_ratio
        self.max_bullet_lines_ratio = max_bullet_lines_ratio
        self.max_ellipsis_lines_ratio = max_ellipsis_lines_ratio
        self.min_alpha_words_ratio = min_alpha_words_ratio
        self.min_stop_words = min_stop_words
        self.stop_words = {k.lower(): list(v) for k, v in stop_words.items()} if stop_words else None
        self.stop_words_distinct = stop_words_distinct
        self.stop_words_case_sensitive = stop_words_case_sensitive
        self.bullet_marks = tuple(bullet_marks) if bullet_marks is not None else BULLETS
        self.word_splitter = check_word_splitter(self.name, word_splitter)
        self.record_signals = record_signals
        self.language_thresholds = language_thresholds
        self._per_language = PerLanguageParams(type(self), params, language_thresholds) if language_thresholds else None

    def filter(self, doc: Document) -> str | None:
        if self._per_language is not None:
            return self._per_language.filter(self, doc)
        text = doc.text
        view = text_view(text, doc.language)
        spacy = self.word_splitter == "spacy"
        if spacy:
            counted = view.spacy
            words = counted.tokens  # every token: the ratios' denominator
            n_words = counted.n_words  # those holding a non-punctuation character
            n_tokens = len(words)
        else:
            words = view.words
            n_words = n_tokens = len(words)
        signal = self.record_signals
        if signal:
            self.signal(doc, "n_words", n_words)

        if self.min_doc_words is not None and n_words < self.min_doc_words:
            return "short_doc"
        if self.max_doc_words is not None and n_words > self.max_doc_words:
            return "long_doc"

        if not view.word_length_meaningful:
            doc.signals[f"{self.name}.skipped_word_rules"] = 1.0
        elif n_words and (self.min_avg_word_length is not None or self.max_avg_word_length is not None):
            chars = counted.word_chars if spacy else int(view.word_lengths.sum())
            mean = chars / n_words
            if signal:
                self.signal(doc, "avg_word_length", mean)
            if self.min_avg_word_length is not None and mean < self.min_avg_word_length:
                return "below_avg_word_length"
            if self.max_avg_word_length is not None and mean > self.max_avg_word_length:
                return "above_avg_word_length"

        if self.max_symbol_word_ratio is not None:
            per_word = max(n_tokens, 1)
            hashes = text.count("#") / per_word
            ellipses = (text.count("...") + text.count("…")) / per_word
            if signal:
                self.signal(doc, "hash_ratio", hashes)
                self.signal(doc, "ellipsis_ratio", ellipses)
            if hashes > self.max_symbol_word_ratio:
                return "too_many_hashes"
            if ellipses > self.max_symbol_word_ratio:
                return "too_many_ellipsis"

        lines = view.lines
        if lines and (self.max_bullet_lines_ratio is not None or self.max_ellipsis_lines_ratio is not None):
            n_lines = len(lines)
            if self.max_bullet_lines_ratio is not None:
                bullets = sum(map(str.startswith, map(str.lstrip, lines), repeat(self.bullet_marks))) / n_lines
                if signal:
                    self.signal(doc, "bullet_lines_ratio", bullets)
                if bullets > self.max_bullet_lines_ratio:
                    return "too_many_bullets"
            if self.max_ellipsis_lines_ratio is not None:
                ellipsis_end = sum(map(str.endswith, map(str.rstrip, lines), repeat(ELLIPSES))) / n_lines
                if signal:
                    self.signal(doc, "ellipsis_lines_ratio", ellipsis_end)
                if ellipsis_end > self.max_ellipsis_lines_ratio:
                    return "too_many_end_ellipsis"

        if self.min_alpha_words_ratio is not None:
            if spacy:
                n_alpha_tokens, letterless = n_tokens, n_tokens - counted.n_alpha
            else:
                n_alpha_tokens, letterless = view.letter_token_counts
            if n_alpha_tokens:
                alpha = 1.0 - letterless / n_alpha_tokens
                if signal:
                    self.signal(doc, "alpha_words_ratio", alpha)
                if alpha < self.min_alpha_words_ratio:
                    return "below_alpha_threshold"

        if self.min_stop_words is not None:
            # A list given for the language (FineWeb-2's) applies to unspaced
            # scripts too, matched as substrings; the built-in ones do not.
            given = self.stop_words is not None and (view.language or "en") in self.stop_words
            stops = None if view.unspaced and not given else stop_words_for(view.language, self.stop_words)
            if stops is None:
                doc.signals[f"{self.name}.skipped_stop_words"] = 1.0
            elif view.unspaced or (given and view.language in SUFFIXING_LANGUAGES):
                # No word boundaries to match at (or particles written onto the
                # word): count the distinct stop words the text holds, as a
                # substring or at a word's end.
                need = self.min_stop_words
                if view.unspaced:
                    found = sum(1 for w in stops if w in text)
                else:
                    endings = tuple(stops)
                    found = len({w for tok in words for w in endings if tok.endswith(w)})
                if signal:
                    self.signal(doc, "stop_words", found)
                if found < need:
                    return "not_enough_stop_words"
            else:
                need = self.min_stop_words
                if self.stop_words_case_sensitive:
                    candidates = words  # the lists are lower case: "The" is not "the"
                else:
                    candidates = map(str.lower, words)
                if self.stop_words_distinct:
                    found = len(stops.intersection(candidates))
                elif signal:
                    found = sum(map(stops.__contains__, candidates))
                else:
                    found = 0
                    for w in candidates:
                        if w in stops:
                            found += 1
                            if found >= need:
                                break
                if signal:
                    self.signal(doc, "stop_words", found)
                if found < need:
                    return "not_enough_stop_words"
        return None

