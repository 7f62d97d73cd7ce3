"""Gopher's repetition removal (Rae et al. 2021, table A1), as datatrove defines it.

Checked in this order, each a fraction that must not be exceeded (``>`` drops):

* ``dup_para_frac`` (0.30): paragraphs (``\\n{2,}``-separated, text stripped)
  that repeat an earlier paragraph, by count;
* ``dup_para_char_frac`` (0.20): characters in those repeats / ``len(text)``;
* ``dup_line_frac`` (0.30), ``dup_line_char_frac`` (0.20): the same for lines
  (``\\n+``-separated);
* ``top_{n}_gram`` for n = 2, 3, 4 (0.20, 0.18, 0.16): characters covered by
  the most frequent word n-gram, ``len(" ".join(ngram)) * count / len(text)``
  (when several n-grams are equally frequent, the one occurring first);
* ``duplicated_{n}_n_grams`` for n = 5..10 (0.15 .. 0.10): characters in
  duplicated n-grams / ``len(text)``, counted greedily left to right: an
  n-gram already seen adds its characters (words joined without spaces) and
  skips its n words, otherwise it is remembered and the scan moves one word.

Words come from :func:`thresher.stages.text.words.split_words` (punctuation trimmed,
unspaced scripts one unit per character, so for Chinese or Japanese the
n-grams are character n-grams and top n-grams are measured without spaces).
With ``word_splitter="spacy"`` (FineWeb's reading) they are spaCy's tokens,
punctuation marks included, as datatrove counts them
(:mod:`thresher.stages.text.spacy_tokens`); the formulas are the same. N-grams are compared
through 64-bit hashes of the word sequence, so the counting runs in numpy; a
hash collision would need two distinct n-grams with equal 64-bit keys. An
empty or blank text is kept (nothing repeats).

Cheap bounds skip exact work that cannot change the outcome (a top n-gram
share is at most the top count of a shorter gram times n longest words; no
repeated 5-gram means no repeated longer one); with ``record_signals`` every
share is computed exactly and recorded as ``gopher_repetition.<reason>``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from thresher.errors import ConfigError
from thresher.stages.filters.base import DocumentFilter, PerLanguageParams, check_word_splitter
from thresher.record import Document
from thresher.stages.text.view import text_view

_MULT = np.int64(0x100000001B3)  # the 64-bit FNV prime: odd, so mixing is invertible

DEFAULT_TOP_N_GRAMS = ((2, 0.20), (3, 0.18), (4, 0.16))
DEFAULT_DUP_N_GRAMS = ((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10))


def find_duplicates(items: Sequence[str]) -> tuple[int, int]:
    """(number of items repeating an earlier one, characters in those repeats)."""
    unique = set(items)
    return len(items) - len(unique), sum(map(len, items)) - sum(map(len, unique))


def split_lines(text: str) -> list[str]:
    """``re.split(r"\\n+", text)``, without the regex engine."""
    if not text:
        return [""]
    lines = [line for line in text.split("\n") if line]
    if text.startswith("\n"):
        lines.insert(0, "")
    if text.endswith("\n"):
        lines.append("")
    return lines


def split_paragraphs(text: str) -> list[str]:
    """``re.split(r"\\n{2,}", text)`` for a text with no newline at either end."""
    if "\n\n" not in text:
        return [text]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def ngram_keys(hashes: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit key per n-gram (position i covers words i..i+n-1)."""
    m = len(hashes) - n + 1
    keys = hashes[:m].copy()
    for i in range(1, n):
        keys *= _MULT
        keys += hashes[i : i + m]
    return keys


def top_ngram_count(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Sorted keys and the count of the most frequent one."""
    s = np.sort(keys)
    same = s[1:] == s[:-1]
    if not same.any():
        return s, 1
    change = np.empty(len(s) + 1, dtype=bool)
    change[0] = change[-1] = True
    np.logical_not(same, out=change[1:-1])
    return s, int(np.diff(np.flatnonzero(change)).max())


def top_ngram_chars(
    keys: np.ndarray, words: Sequence[str], n: int, sep: int, counted: tuple[np.ndarray, int] | None = None
) -> tuple[int, int]:
    """(characters covered by the most frequent n-gram, its count).

    Among equally frequent n-grams the one occurring first counts, as with
    ``Counter.most_common``. ``counted`` is :func:`top_ngram_count` of
    ``keys`` when already known.
    """
    s, c = counted if counted is not None else top_ngram_count(keys)
    if c == 1:
        p = 0  # all distinct: the first n-gram
    else:
        # Slots i of s where a run of c equal keys ends at i + c - 1.
        top = s[np.flatnonzero(s[c - 1 :] == s[: len(s) - c + 1])]
        if len(top) == 1:
            p = int(np.argmax(keys == top[0]))
        else:
            # A stable sort keeps each key's positions in order: the first
            # slot of each top run is that key's first position.
            order = np.argsort(keys, kind="stable")
            s = keys[order]
            p = int(order[np.flatnonzero(s[c - 1 :] == s[: len(s) - c + 1])].min())
    length = sum(map(len, words[p : p + n])) + sep * (n - 1)
    return length * c, c


def duplicated_ngram_chars(keys: np.ndarray, lengths: np.ndarray, n: int) -> int:
    """datatrove's greedy duplicated-n-gram character count.

    ``lengths`` are the word lengths. Only positions whose key occurs more
    than once can change the outcome, so the scan visits just those: between
    two of them the reference loop only steps forward one word at a time.
    """
    order = np.argsort(keys)
    s = keys[order]
    same = s[1:] == s[:-1]
    if not same.any():
        return 0
    repeated = np.zeros(len(s), dtype=bool)  # sorted slots whose key occurs twice or more
    repeated[1:] |= same
    repeated[:-1] |= same
    positions = np.sort(order[repeated])
    pos_list = positions.tolist()
    key_list = keys[positions].tolist()
    cum = np.concatenate(([0], np.cumsum(lengths))).tolist()
    seen: set[int] = set()
    nxt = 0
    total = 0
    for p, k in zip(pos_list, key_list):
        if p < nxt:
            continue
        if k in seen:
            total += cum[p + n] - cum[p]
            nxt = p + n
        else:
            seen.add(k)
            nxt = p + 1
    return total


def _ngram_spec(value, what: str) -> tuple[tuple[int, float | None], ...]:
    if value is None:
        return ()
    out = []
    try:
        for n, frac in value:
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ConfigError(f"filter 'gopher_repetition': {what}: n-gram size must be a positive integer, got {n!r}")
            if frac is not None and (isinstance(frac, bool) or not isinstance(frac, (int, float))):
                raise ConfigError(f"filter 'gopher_repetition': {what}: threshold for {n}-grams must be a number, got {frac!r}")
            out.append((n, None if frac is None else float(frac)))
    except (TypeError, ValueError):
        raise ConfigError(f"filter 'gopher_repetition': {what} must be a list of [n, fraction] pairs, got {value!r}") from None
    return tuple(out)


class GopherRepetitionFilter(DocumentFilter):
    name = "gopher_repetition"

    def __init__(
        self,
        dup_line_frac: float | None = 0.30,
        dup_para_frac: float | None = 0.30,
        dup_line_char_frac: float | None = 0.20,
        dup_para_char_frac: float | None = 0.20,
        top_n_grams: Sequence[Sequence[float | None]] | None = DEFAULT_TOP_N_GRAMS,
        dup_n_grams: Sequence[Sequence[float | None]] | None = DEFAULT_DUP_N_GRAMS,
        word_splitter: str = "trimmed",
        language_thresholds: str | None = None,
        record_signals: bool = False,
    ) -> None:
        params = {k: v for k, v in locals().items() if k not in ("self", "language_thresholds", "__class__")}
        self.dup_line_frac = dup_line_frac
        self.dup_para_frac = dup_para_frac
        self.dup_line_char_frac = dup_line_char_frac
        self.dup_para_char_frac = dup_para_char_frac
        self.top_n_grams = _ngram_spec(top_n_grams, "top_n_grams")
        self.dup_n_grams = _ngram_spec(dup_n_grams, "dup_n_grams")
        self.word_splitter = check_word_splitter(self.name, word_splitter)
        self.record_signals = record_signals
        self.language_thresholds = language_thresholds
        self._per_language = PerLanguageParams(type(self), params, language_thresholds) if language_thresholds else None

    def filter(self, doc: Document) -> str | None:
        if self._per_language is not None:
            return self._per_language.filter(self, doc)
        text = doc.text
        length = len(text)
        stripped = text.strip()
        if not stripped:
            return None
        signal = self.record_signals

        if self.dup_para_frac is not None or self.dup_para_char_frac is not None:
            paragraphs = split_paragraphs(stripped)
            n_dup, dup_chars = find_duplicates(paragraphs)
            frac, char_frac = n_dup / len(paragraphs), dup_chars / length
            if signal:
                self.signal(doc, "dup_para_frac", frac)
                self.signal(doc, "dup_para_char_frac", char_frac)
            if self.dup_para_frac is not None and frac > self.dup_para_frac:
                return "dup_para_frac"
            if self.dup_para_char_frac is not None and char_frac > self.dup_para_char_frac:
                return "dup_para_char_frac"

        if self.dup_line_frac is not None or self.dup_line_char_frac is not None:
            lines = split_lines(text)
            n_dup, dup_chars = find_duplicates(lines)
            frac, char_frac = n_dup / len(lines), dup_chars / length
            if signal:
                self.signal(doc, "dup_line_frac", frac)
                self.signal(doc, "dup_line_char_frac", char_frac)
            if self.dup_line_frac is not None and frac > self.dup_line_frac:
                return "dup_line_frac"
            if self.dup_line_char_frac is not None and char_frac > self.dup_line_char_frac:
                return "dup_line_char_frac"

        if not self.top_n_grams and not self.dup_n_grams:
            return None
        view = text_view(text, doc.language)
        splitter = self.word_splitter
        words = view.tokens(splitter)
        n_words = len(words)
        if n_words < 2:
            return None
        hashes = view.token_hashes(splitter)
        lengths = view.token_lengths(splitter)
        sep = 0 if view.unspaced and splitter != "spacy" else 1
        longest = int(lengths.max())

        # The count of any n-gram is at most the top count of any shorter
        # m-gram (its prefix), and its length at most n longest words: a
        # cheap bound on the top n-gram share that usually settles n = 3, 4.
        top_counts: dict[int, int] = {}  # n -> count of the top n-gram, where known
        for n, limit in self.top_n_grams:
            if limit is None or n_words < n:
                continue
            count_bound = min((c for m, c in top_counts.items() if m <= n), default=n_words)
            widest = longest * n + sep * (n - 1)
            if not signal and widest * count_bound <= limit * length:
                continue
            if count_bound == 1:
                # Every n-gram is distinct: the "top" one is the first.
                chars = int(lengths[:n].sum()) + sep * (n - 1)
            else:
                keys = ngram_keys(hashes, n)
                counted = top_ngram_count(keys)
                top_counts[n] = counted[1]
                # The top count alone may settle it, without finding the n-gram.
                if not signal and widest * counted[1] <= limit * length:
                    continue
                chars, _ = top_ngram_chars(keys, words, n, sep, counted)
            share = chars / length
            if signal:
                self.signal(doc, f"top_{n}_gram", share)
            if share > limit:
                return f"top_{n}_gram"

        # If no n-gram repeats, no longer one does either.
        unique_from: int | None = min((m for m, c in top_counts.items() if c == 1), default=None)
        for n, limit in self.dup_n_grams:
            if limit is None or n_words < n:
                continue
            if unique_from is not None and n >= unique_from:
                chars = 0
            else:
                chars = duplicated_ngram_chars(ngram_keys(hashes, n), lengths, n)
                if chars == 0:
                    unique_from = n if unique_from is None else min(unique_from, n)
            share = chars / length
            if signal:
                self.signal(doc, f"duplicated_{n}_n_grams", share)
            if share > limit:
                return f"duplicated_{n}_n_grams"
        return None
