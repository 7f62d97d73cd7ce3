"""Rule-based sentence splitting, for counting sentences (C4's "at least five").

No model, no download: a sentence ends at terminal punctuation (``. ! ?`` and
the ellipsis, possibly followed by closing quotes or brackets) followed by
whitespace, unless the word before a full stop is a known abbreviation
("Dr.", "e.g.") or a single letter (an initial, "J. Smith"). Scripts with their
own full stops end a sentence there without needing a following space:
Chinese/Japanese ``。！？``, Devanagari ``।``, Arabic ``؟``, Burmese ``။``,
Khmer ``។``, Armenian ``։``, Ethiopic ``።``. A non-empty text without any
terminal punctuation is one sentence.

Thai and Lao (``language="th"``/``"lo"``) have no sentence punctuation: a space
ends a sentence (or clause) there, so for them every whitespace-separated
piece counts as one.
"""

from __future__ import annotations

import re

from thresher.stages.text.words import normalize_language

#: Languages whose sentences are separated by spaces, not punctuation.
SPACE_SEPARATED_SENTENCES = frozenset({"th", "lo"})

_CLOSERS = "\"'”’»)\\]」』）】》〉"
# Full stops of scripts that need no space after them.
_UNSPACED_STOPS = "。！？｡।॥؟۔။។։።"
_LATIN_STOPS = ".!?…"
# One character class first lets the regex engine skip ahead fast; whether a
# Latin-style mark is followed by whitespace is checked afterwards.
_END = re.compile(rf"[{_LATIN_STOPS}{_UNSPACED_STOPS}]+[{_CLOSERS}]*")
_HAS_WORD = re.compile(r"[^\W_]").search

ABBREVIATIONS: frozenset[str] = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft vs etc eg e.g ie i.e cf al approx apt
    ave blvd co corp dept est fig figs gen gov inc jan feb mar apr jun jul aug
    sep sept oct nov dec ltd no nos op pp rev sgt vol vols u.s u.k a.m p.m
    z.b bzw usw ca nr s.a sra sta dra
    """.split()
)


def _is_abbreviation(text: str, dot_at: int) -> bool:
    """Is the "." at ``dot_at`` the end of an abbreviation or an initial?"""
    # Abbreviations are short: look back a few characters only (an unbounded
    # look-back would make long texts quadratic).
    lo = max(0, dot_at - 10)
    space = max(text.rfind(" ", lo, dot_at), text.rfind("\n", lo, dot_at), text.rfind("\t", lo, dot_at))
    if space == -1 and lo > 0:
        return False
    start = space + 1
    if dot_at - start > 8:
        return False  # longer than any abbreviation, even with a quote before it
    token = text[start:dot_at].lstrip("\"'(“‘[").lower()
    if not token:
        return False
    if len(token) == 1 and token.isalpha():
        return True  # an initial: "J. Smith"
    return token in ABBREVIATIONS


def _iter_ends(text: str, need_words: bool = False):
    """Sentence ends; with ``need_words``, only those closing a piece that holds
    a letter or digit since the previous yielded end (what counting needs)."""
    n = len(text)
    checked = 0  # no letter or digit between the last yielded end and here
    for m in _END.finditer(text):
        if need_words:
            if not _HAS_WORD(text, checked, m.start()):
                checked = m.end()
                continue
        mark = m.group()
        end = m.end()
        if mark.isascii() or not mark.strip(_LATIN_STOPS + _CLOSERS):
            # Latin-style: a sentence ends only before whitespace or the end,
            # and not at the full stop of an abbreviation.
            if end < n and not text[end].isspace():
                continue
            if mark[0] == "." and (len(mark) == 1 or mark.rstrip(_CLOSERS) == ".") and _is_abbreviation(
                text, m.start()
            ):
                continue
        checked = end
        yield end


def sentence_ends(text: str) -> list[int]:
    """Offsets just past each sentence-ending mark (abbreviations skipped)."""
    return list(_iter_ends(text))


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """The sentences of ``text``, stripped; pieces without a letter or digit
    (stray punctuation) are left out.

    The rules are script-driven and the same for every language except Thai
    and Lao, where whitespace separates sentences.
    """
    if normalize_language(language) in SPACE_SEPARATED_SENTENCES:
        return [s for s in text.split() if _HAS_WORD(s)]
    out: list[str] = []
    prev = 0
    for end in _iter_ends(text):
        if _HAS_WORD(text, prev, end):
            out.append(text[prev:end].strip())
        prev = end
    if _HAS_WORD(text, prev):
        out.append(text[prev:].strip())
    return out


def count_sentences(text: str, language: str | None = None, limit: int | None = None) -> int:
    """``len(split_sentences(text))``, without building the pieces.

    With ``limit``, counting stops once ``limit`` sentences are found.
    """
    if normalize_language(language) in SPACE_SEPARATED_SENTENCES:
        return len(split_sentences(text, language))
    n = 0
    prev = 0
    for end in _iter_ends(text, need_words=True):
        n += 1
        if limit is not None and n >= limit:
            return n
        prev = end
    if _HAS_WORD(text, prev):
        n += 1
    return n
