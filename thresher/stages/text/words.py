"""Language-aware word splitting.

One rule for every language, driven by the *script* of each character, so that
mixed-script and mislabelled text still splits sensibly:

* Scripts written without spaces between words (Han, Hiragana, Katakana, Thai,
  Lao, Khmer, Myanmar, Tibetan) are segmented into **units**: one base
  character plus the combining marks that follow it (a Thai consonant with its
  vowel and tone marks, a kana with a voicing mark). Every Han character or
  kana is one unit. This is deliberately simple: it needs no dictionary, never
  fails, and gives counts proportional to the amount of text, which is all the
  quality rules need. Rules whose meaning depends on real words (mean word
  length, stop words) are skipped for these scripts by the filters.
* Everything else is split on whitespace, and punctuation/symbols are trimmed
  from the edges of each token; a token made only of punctuation or symbols
  ("--", "|", "…", an emoji) is not a word. Punctuation inside a token is kept
  ("don't", "e-mail", "3.14", "U.S").

Languages are ISO 639 codes as lid.176 reports them (``en``, ``zh``, ``ja``);
region or script suffixes (``zh-Hans``, ``en_US``) and fastText's
``__label__`` prefix are ignored.

Speed: ASCII text (and, after :func:`fold_punctuation`, English with curly
quotes and dashes) is split with ``str.split`` and one ``str.strip`` per
token, all in C; only tokens with non-ASCII edges, or texts holding an
unspaced script, go through the full regular expression. Both paths give the
same words (``split_words_reference`` is the plain-regex definition, tested
against on random strings).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import compress, repeat
from operator import not_

from thresher.stages.text.languages import ISO639_3_TO_LID176

#: Languages whose writing does not separate words by spaces.
UNSPACED_LANGUAGES: frozenset[str] = frozenset(
    {
        "zh", "ja", "th", "lo", "km", "my", "bo", "dz",
        "wuu", "yue", "gan", "hak", "nan", "cdo", "lzh", "cmn", "shn",
    }
)

#: Languages where the Gopher mean-word-length rule is meaningless: the
#: unspaced ones, plus Korean (spaced, but each Hangul block is a syllable, so
#: words are 2-4 characters long).
NO_WORD_LENGTH_LANGUAGES: frozenset[str] = UNSPACED_LANGUAGES | {"ko"}


_GLOTLID_LABEL = re.compile(r"([a-z]{3})[-_][a-z]{4}")


@lru_cache(maxsize=512)
def normalize_language(code: str | None) -> str | None:
    """``"__label__en"``, ``"en_US"``, ``"zh-Hans"`` -> ``"en"``, ``"en"``, ``"zh"``.

    A GlotLID label (ISO 639-3 code and script, ``"deu_Latn"``, ``"cmn_Hani"``)
    reads as lid.176's code for that language (``"de"``, ``"zh"``), so the
    language-aware rules work the same with either model.
    """
    if not code:
        return None
    code = code.strip().lower()
    if code.startswith("__label__"):
        code = code[len("__label__"):]
    glot = _GLOTLID_LABEL.fullmatch(code)
    if glot is not None:
        return ISO639_3_TO_LID176.get(glot.group(1), glot.group(1))
    code = re.split(r"[-_]", code, maxsplit=1)[0]
    return code or None


def is_unspaced_language(language: str | None) -> bool:
    return normalize_language(language) in UNSPACED_LANGUAGES


# --- character classes, built once from the Unicode database -----------------

_HAN_KANA_BASE = [
    (0x3005, 0x3007),  # 々 〆 〇
    (0x303B, 0x303C),
    (0x3041, 0x3096),  # hiragana
    (0x309D, 0x309F),
    (0x30A1, 0x30FA),  # katakana
    (0x30FC, 0x30FF),  # ー ヽ ヾ ヿ
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFF66, 0xFF9D),  # half-width katakana
    (0x20000, 0x3134F),  # CJK extensions B..G
]
_HAN_KANA_MARK = [(0x3099, 0x309A), (0xFF9E, 0xFF9F)]
# Small unspaced-script blocks, classified character by character.
_SCANNED_UNSPACED_BLOCKS = [
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer symbols
    (0xA9E0, 0xA9FF),  # Myanmar extended B
    (0xAA60, 0xAA7F),  # Myanmar extended A
]


# Symbol blocks outside the BMP: emoji, pictographs, mahjong/domino/playing
# cards, musical and mathematical-alphanumeric symbols are not words.
_SMP_SYMBOLS = [(0x1D000, 0x1D24F), (0x1F000, 0x1FAFF), (0xE0000, 0xE007F)]


# Letters outside the BMP, as wide blocks: CJK extensions B-G.
_SMP_LETTERS = [(0x20000, 0x3134F)]


def _char_class(ranges: list[tuple[int, int]]) -> str:
    """The inside of a ``[...]`` class for code point ranges, all escaped."""

    def esc(cp: int) -> str:
        return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"

    parts = []
    for lo, hi in ranges:
        parts.append(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}")
    return "".join(parts)


def _compress(cps: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for cp in sorted(cps):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


class _Classes:
    """Regex character classes (strings), computed lazily once per process."""

    def __init__(self) -> None:
        base = list(_HAN_KANA_BASE)
        mark = list(_HAN_KANA_MARK)
        scanned_base: list[int] = []
        scanned_mark: list[int] = []
        for lo, hi in _SCANNED_UNSPACED_BLOCKS:
            for cp in range(lo, hi + 1):
                cat = unicodedata.category(chr(cp))
                if cat[0] in "LN":
                    scanned_base.append(cp)
                elif cat[0] == "M":
                    scanned_mark.append(cp)
        base += _compress(scanned_base)
        mark += _compress(scanned_mark)
        self.unspaced_base = _char_class(base)
        self.unspaced_mark = _char_class(mark)

        # Punctuation, symbols and invisible format/control characters: never
        # part of a word's edges (whitespace is handled by \s). Only the BMP
        # is classified one by one: ``re`` tests characters outside it range
        # by range, so those are a few wide blocks.
        punct: list[int] = []
        upper: list[int] = []
        letters: list[int] = []
        for cp in range(0x10000):
            ch = chr(cp)
            cat = unicodedata.category(ch)
            if cat[0] == "L":
                letters.append(cp)
                if cat in ("Lu", "Lt"):
                    upper.append(cp)
            elif (cat[0] in "PS" or cat in ("Cc", "Cf")) and not ch.isspace():
                punct.append(cp)
        self.punct = _char_class(_compress(punct) + _SMP_SYMBOLS)
        self.upper = _char_class(_compress(upper))
        self.letters = _char_class(_compress(letters) + _SMP_LETTERS)


@lru_cache(maxsize=1)
def _classes() -> _Classes:
    return _Classes()


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    c = _classes()
    unit = f"[{c.unspaced_base}][{c.unspaced_mark}]*"
    core = f"[^\\s{c.punct}{c.unspaced_base}{c.unspaced_mark}]"
    word = re.compile(f"{unit}|{core}+(?:[{c.punct}]+{core}+)*")
    unit_re = re.compile(unit)
    any_unspaced = re.compile(f"[{c.unspaced_base}{c.unspaced_mark}]")
    return word, unit_re, any_unspaced


def word_pattern() -> re.Pattern[str]:
    """The compiled pattern ``split_words`` uses (``findall`` gives the words)."""
    return _patterns()[0]


@lru_cache(maxsize=1)
def uppercase_pattern() -> re.Pattern[str]:
    """Matches one upper- or title-case letter (any script in the BMP)."""
    return re.compile(f"[{_classes().upper}]")


# ASCII punctuation, symbols and control characters: what the fast paths trim
# from token edges in one C call.
_ASCII_PUNCT = "".join(chr(c) for c in range(128) if not chr(c).isalnum() and not chr(c).isspace())


@lru_cache(maxsize=1)
def _letter_runs() -> re.Pattern[str]:
    return re.compile(f"[{_classes().letters}]+")


def letter_runs(text: str) -> list[str]:
    """The maximal runs of letters (Unicode category L) in ``text``."""
    return _letter_runs().findall(text)


def split_words(text: str, language: str | None = None) -> list[str]:
    """The words of ``text``: see the module docstring for the rules.

    Segmentation is decided by the script of each character, so the result is
    the same whatever ``language`` says; the argument exists so callers state
    what they know and so per-language rules can be added without changing
    call sites. Unspaced-script text yields one item per character unit:

    >>> split_words("東京は晴れ。Hello, world!", "ja")
    ['東', '京', 'は', '晴', 'れ', 'Hello', 'world']
    """
    # Whitespace tokens with ASCII punctuation trimmed, in C calls. Only the
    # tokens still holding non-ASCII characters can need more: the full
    # pattern if the text holds an unspaced script, else edge trimming for
    # those whose first or last character is non-ASCII (a curly quote, a
    # dash, or just a letter like "é"), by the pattern that knows every
    # punctuation mark.
    words = list(filter(None, map(str.strip, text.split(), repeat(_ASCII_PUNCT))))
    if text.isascii():
        return words
    non_ascii = list(compress(range(len(words)), map(not_, map(str.isascii, words))))
    if not non_ascii:
        return words
    word = _patterns()[0]
    if has_unspaced_script(text):
        return word.findall(text)
    search = word.search
    for i in reversed(non_ascii):
        w = words[i]
        if w[0] < "\x80" and w[-1] < "\x80":
            continue
        m = search(w)
        if m is None:
            del words[i]
        else:
            words[i] = m.group()
    return words


def split_words_reference(text: str) -> list[str]:
    """The same segmentation by the full pattern alone (slow; for tests)."""
    return _patterns()[0].findall(text)


# Every unspaced-script character is at or above U+0E00, so encoded in UTF-8
# it starts with a byte of 0xE0 or more: a text without such bytes has none.
_BELOW_E0 = bytes(range(0xE0))


def _may_have_unspaced(text: str) -> bool:
    return not text.isascii() and bool(text.encode("utf-8", "surrogatepass").translate(None, _BELOW_E0))


def count_unspaced_units(text: str) -> int:
    """How many unspaced-script units (Han, kana, Thai...) ``text`` holds."""
    if not _may_have_unspaced(text):
        return 0
    word, unit, any_unspaced = _patterns()
    if any_unspaced.search(text) is None:
        return 0
    return len(unit.findall(text))


def has_unspaced_script(text: str) -> bool:
    """Does ``text`` hold any character of an unspaced script?"""
    return _may_have_unspaced(text) and _patterns()[2].search(text) is not None


#: Typographic punctuation and spaces folded to ASCII by
#: :func:`fold_punctuation`: one character for one, so lengths are kept.
PUNCTUATION_FOLDS: dict[str, str] = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2039": "'",
    "\u203a": "'", "\u2032": "'", "\u2014": "-", "\u2013": "-", "\u2010": "-", "\u2011": "-",
    "\u2012": "-", "\u2015": "-", "\u2212": "-", "\u2026": ".", "\u2022": "*", "\u00b7": "*",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
}
_FOLD_ITEMS = tuple(PUNCTUATION_FOLDS.items())


def fold_punctuation(text: str) -> str:
    """``text`` with curly quotes, dashes, the ellipsis character, bullets and
    odd spaces replaced by ASCII look-alikes (one character for one).

    Word boundaries do not change (each replaced character is punctuation or
    whitespace, and so is its replacement), which lets English pages with
    typographic punctuation take the ASCII fast paths.
    """
    if text.isascii():
        return text
    for ch, rep in _FOLD_ITEMS:
        if ch in text:
            text = text.replace(ch, rep)
    return text


_ASCII_NON_LETTERS = "".join(chr(c) for c in range(128) if not chr(c).isalpha() and not chr(c).isspace())
_LETTER = re.compile(r"[^\W\d_]")
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
# Translating with _TO_A turns a text into runs of "a" (tokens) between
# spaces; deleting _NON_LETTERS first leaves runs only for tokens with letters.
_TO_A = bytes(32 if c in _ASCII_SPACE else 97 for c in range(256))
_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha() and c not in _ASCII_SPACE)


def _count_runs(b: bytes) -> int:
    """Runs of "a" in a bytes string of "a" and " "."""
    return b.count(b" a") + (b[:1] == b"a")


def count_tokens_without_letters(tokens: list[str]) -> int:
    """How many of ``tokens`` hold no letter at all ("2021", "--", "$5", "|")."""
    stripped = list(map(str.strip, tokens, repeat(_ASCII_NON_LETTERS)))
    n = stripped.count("")
    # What is left of an ASCII token starts with a letter; a non-ASCII one may
    # still be letterless ("—", "©2021", "½").
    search = _LETTER.search
    for t in compress(stripped, map(not_, map(str.isascii, stripped))):
        if search(t) is None:
            n += 1
    return n


def letter_token_counts(text: str) -> tuple[int, int]:
    """(whitespace-separated tokens, tokens without any letter) in ``text``.

    An ASCII text is counted with byte translations, never splitting it.
    """
    if not text.isascii():
        tokens = text.split()
        return len(tokens), count_tokens_without_letters(tokens)
    b = text.encode("ascii")
    n_tokens = _count_runs(b.translate(_TO_A))
    with_letters = _count_runs(b.translate(_TO_A, _NON_LETTERS))
    return n_tokens, n_tokens - with_letters
