"""A per-text cache of the splits several filters need.

Filters run one after another on the same ``doc.text``; each asks
:func:`text_view` for the words, lines or word hashes instead of splitting the
text again. The cache is keyed by the identity of the text object (and the
language), so a filter that rewrites ``doc.text`` naturally gets a fresh view,
and it is thread-local, so it is safe under Beam's multi-threaded workers.

Words are split from the text with typographic punctuation folded to ASCII
(:func:`~thresher.stages.text.words.fold_punctuation`): the same words, except that a
curly apostrophe inside one ("don’t") reads as a straight one, and English
pages with curly quotes take the fast ASCII paths.
"""

from __future__ import annotations

import threading

import numpy as np

from thresher.stages.text.spacy_tokens import TokenCounts
from thresher.stages.text.words import (
    NO_WORD_LENGTH_LANGUAGES,
    UNSPACED_LANGUAGES,
    count_unspaced_units,
    fold_punctuation,
    has_unspaced_script,
    letter_token_counts,
    normalize_language,
    split_words,
)


class TextView:
    """Lazily computed, cached splits of one text. Treat results as read-only."""

    __slots__ = (
        "text", "language", "_folded", "_words", "_lines", "_unspaced", "_hashes", "_lengths", "_letter_counts", "_has_unspaced",
        "_spacy", "_spacy_hashes", "_spacy_lengths",
    )

    def __init__(self, text: str, language: str | None) -> None:
        self.text = text
        self.language = normalize_language(language)
        self._folded: str | None = None
        self._words: list[str] | None = None
        self._lines: list[str] | None = None
        self._unspaced: bool | None = None
        self._hashes: np.ndarray | None = None
        self._lengths: np.ndarray | None = None
        self._letter_counts: tuple[int, int] | None = None
        self._has_unspaced: bool | None = None
        self._spacy: TokenCounts | None = None
        self._spacy_hashes: np.ndarray | None = None
        self._spacy_lengths: np.ndarray | None = None

    @property
    def folded(self) -> str:
        """The text with typographic punctuation folded to ASCII (same length)."""
        if self._folded is None:
            self._folded = fold_punctuation(self.text)
        return self._folded

    @property
    def words(self) -> list[str]:
        """:func:`thresher.stages.text.words.split_words` of the (folded) text."""
        if self._words is None:
            self._words = split_words(self.folded, self.language)
        return self._words

    @property
    def spacy(self) -> TokenCounts:
        """spaCy-style tokens of the (unfolded) text, punctuation marks included,
        with the counts datatrove's rules take from them."""
        if self._spacy is None:
            self._spacy = TokenCounts(self.text)
        return self._spacy

    def tokens(self, splitter: str) -> list[str]:
        """The words a rule counts: ``"trimmed"`` words or ``"spacy"`` tokens."""
        return self.spacy.tokens if splitter == "spacy" else self.words

    def token_hashes(self, splitter: str) -> np.ndarray:
        """:attr:`word_hashes`, or the same of the spaCy-style tokens."""
        if splitter != "spacy":
            return self.word_hashes
        if self._spacy_hashes is None:
            self._spacy_hashes = _int64s(hash, self.spacy.tokens)
        return self._spacy_hashes

    def token_lengths(self, splitter: str) -> np.ndarray:
        """:attr:`word_lengths`, or the same of the spaCy-style tokens."""
        if splitter != "spacy":
            return self.word_lengths
        if self._spacy_lengths is None:
            self._spacy_lengths = _int64s(len, self.spacy.tokens)
        return self._spacy_lengths

    @property
    def lines(self) -> list[str]:
        """``text.splitlines()``."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    @property
    def letter_token_counts(self) -> tuple[int, int]:
        """(whitespace tokens, tokens without a letter)."""
        if self._letter_counts is None:
            self._letter_counts = letter_token_counts(self.folded)
        return self._letter_counts

    @property
    def has_unspaced_script(self) -> bool:
        """Does the text hold any unspaced-script character at all?"""
        if self._has_unspaced is None:
            self._has_unspaced = has_unspaced_script(self.folded)
        return self._has_unspaced

    @property
    def unspaced(self) -> bool:
        """Should the text be judged as unspaced-script text?

        True when the language is one written without spaces, or when most
        word units come from such scripts whatever the label says.
        """
        if self._unspaced is None:
            if self.language in UNSPACED_LANGUAGES:
                self._unspaced = True
            else:
                units = count_unspaced_units(self.folded) if self.has_unspaced_script else 0
                self._unspaced = units > 0 and 2 * units > len(self.words)
        return self._unspaced

    @property
    def word_length_meaningful(self) -> bool:
        """Does the mean word length say anything for this text?"""
        return not self.unspaced and self.language not in NO_WORD_LENGTH_LANGUAGES

    @property
    def word_hashes(self) -> np.ndarray:
        """``hash()`` of each word, as int64 (for fast n-gram counting)."""
        if self._hashes is None:
            words = self.words
            self._hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
        return self._hashes

    @property
    def word_lengths(self) -> np.ndarray:
        """Length of each word, as int64."""
        if self._lengths is None:
            words = self.words
            self._lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        return self._lengths


def _int64s(fn, items: list[str]) -> np.ndarray:
    return np.fromiter(map(fn, items), dtype=np.int64, count=len(items))


_local = threading.local()
_CACHE_SIZE = 2


def text_view(text: str, language: str | None = None) -> TextView:
    """The cached :class:`TextView` of ``text`` (the same object, same language)."""
    cache: list[TextView] | None = getattr(_local, "views", None)
    if cache is None:
        cache = _local.views = []
    lang = normalize_language(language)
    for v in cache:
        if v.text is text and v.language == lang:
            return v
    v = TextView(text, lang)
    cache.insert(0, v)
    del cache[_CACHE_SIZE:]
    return v
