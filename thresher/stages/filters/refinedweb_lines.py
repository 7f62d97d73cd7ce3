"""RefinedWeb's line-wise corrections (Penedo et al. 2023, appendix G.2).

Each non-blank line (``"\\n"``-separated) is checked in this order:

* **single word** -- a line of one word is removed (``remove_single_word_lines``);
* **only digits** -- a line with digits and no letter ("12/05/2021",
  "+1 555 0100") is removed (``remove_numeric_lines``);
* **counter** -- "3 likes", "1.2k views", "12 Comments" is removed
  (``remove_counter_lines``);
* **mostly upper case** -- more than ``max_uppercase_frac`` (0.5) of the
  line's letters are upper case: removed;
* **boilerplate** -- a line of at most ``boilerplate_max_words`` (10) words is
  *edited*: navigation phrases at its start ("sign in", "log in",
  "subscribe", "skip to content", "share this"), at its end ("read more...",
  "continue reading", "click here", "show more") or anywhere ("items in cart",
  "add to cart", "all rights reserved", "back to top") are cut out, and the
  line is removed if nothing is left.

Words here are whitespace tokens (for text holding unspaced scripts,
:func:`~thresher.stages.text.words.split_words` units; a punctuation-only line counts
as one word). The
words removed or cut are summed; if they exceed ``max_removed_words_frac``
(5 %) of the document's words the document is dropped
(``line_corrections_frac``), otherwise ``doc.text`` is rewritten without them.
A document left with no text is dropped (``empty_after_corrections``).
Blank lines are kept as they are.
"""

from __future__ import annotations

import re

from thresher.stages.filters.base import DocumentFilter
from thresher.record import Document
from thresher.stages.text.view import text_view
from thresher.stages.text.words import letter_runs, split_words, uppercase_pattern

_LETTER = re.compile(r"[^\W\d_]")
_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LETTERS = _ASCII_UPPER + bytes(range(ord("a"), ord("z") + 1))
_BOILERPLATE_HINTS = (
    "sign", "log", "register", "subscribe", "skip", "share", "follow", "jump", "read", "continue",
    "learn", "click", "more", "cart", "basket", "wish", "reserved", "top", "print",
)

_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s{2,}")
_COUNTER = re.compile(
    r"^[\W_]*\d[\d.,]*\s*[kKmM]?\+?\s+"
    r"(?:likes?|comments?|shares?|views?|repl(?:y|ies)|retweets?|reposts?|followers?|following|"
    r"votes?|points?|reviews?|ratings?|answers?|reactions?|subscribers?|downloads?|stars?|forks?|"
    r"favou?rites?|notes?|responses?|clicks?|visits?|hits?|reads?|members?|posts?|times?)[\W_]*$",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^\W*(?:sign[\s-]?in|sign[\s-]?up|log[\s-]?in|log[\s-]?out|register|subscribe(?: now)?|"
    r"skip to (?:main )?content|share this(?: (?:article|post|page|story))?|follow us(?: on)?|"
    r"jump to navigation)\b\W*"
    r"|\s*\b(?:read more|continue reading|read the full (?:article|story)|learn more|click here|"
    r"see more|show more|view more|load more|more info)\W*$"
    r"|\b(?:(?:\d+ )?items? in (?:your )?(?:shopping )?(?:cart|basket)|add to (?:cart|basket|wish ?list)|"
    r"all rights reserved|back to top|print this page)\b[\s.!,;:|]*",
    re.IGNORECASE,
)


def _ascii_counts(b: bytes) -> tuple[int, int]:
    n = len(b)
    return n - len(b.translate(None, _ASCII_UPPER)), n - len(b.translate(None, _ASCII_LETTERS))


def is_mostly_upper(s: str, max_frac: float) -> bool:
    """Are more than ``max_frac`` of the letters of ``s`` upper (or title) case?"""
    if s.isascii():
        upper, letters = _ascii_counts(s.encode("ascii"))
        return upper > max_frac * letters
    # Bounds from the ASCII part first: every other character might be
    # either; only when they cannot decide, count exactly.
    b = s.encode("ascii", "ignore")
    upper, letters = _ascii_counts(b)
    other = len(s) - len(b)
    if upper + other <= max_frac * letters:
        return False
    upper = len(uppercase_pattern().findall(s))
    return upper > 0 and upper > max_frac * len("".join(letter_runs(s)))


class RefinedWebLineFilter(DocumentFilter):
    name = "refinedweb_lines"

    def __init__(
        self,
        max_removed_words_frac: float | None = 0.05,
        remove_single_word_lines: bool = True,
        remove_numeric_lines: bool = True,
        remove_counter_lines: bool = True,
        max_uppercase_frac: float | None = 0.5,
        boilerplate_max_words: int | None = 10,
        record_signals: bool = False,
    ) -> None:
        self.max_removed_words_frac = max_removed_words_frac
        self.remove_single_word_lines = remove_single_word_lines
        self.remove_numeric_lines = remove_numeric_lines
        self.remove_counter_lines = remove_counter_lines
        self.max_uppercase_frac = max_uppercase_frac
        self.boilerplate_max_words = boilerplate_max_words
        self.record_signals = record_signals

    def filter(self, doc: Document) -> str | None:
        text = doc.text
        if not text.strip():
            return None
        view = text_view(text, doc.language)
        language = view.language
        unspaced = view.has_unspaced_script
        max_upper = self.max_uppercase_frac
        boiler_max = self.boilerplate_max_words

        # Per-line decisions only need to know whether a line has 1, <= 6 or
        # <= boilerplate_max_words words, so spaced lines are split with a cap;
        # the document's word total comes from one count over the whole text.
        cap = max(6, boiler_max or 0)
        total = 0 if unspaced else view.letter_token_counts[0]
        out: list[str] = []
        removed = 0
        changed = False
        for line in text.split("\n"):
            s = line.strip()
            if not s:
                out.append(line)
                continue
            if unspaced:
                n = len(split_words(s, language)) or 1  # punctuation only: one "word" of junk
                total += n
            else:
                n = len(s.split(None, cap))  # exact up to cap, else cap + 1
            if n == 1 and self.remove_single_word_lines:
                removed += 1
                changed = True
                continue
            if (
                (self.remove_numeric_lines and not s[0].isalpha() and _LETTER.search(s) is None and _DIGIT.search(s))
                or (self.remove_counter_lines and n <= 6 and _COUNTER.match(s))
                or (max_upper is not None and is_mostly_upper(s, max_upper))
            ):
                removed += n if n <= cap else len(s.split())
                changed = True
                continue
            if boiler_max is not None and n <= boiler_max and any(h in s.lower() for h in _BOILERPLATE_HINTS):
                edited = _SPACES.sub(" ", _BOILERPLATE.sub(" ", s)).strip()
                if edited != s:
                    left = len(split_words(edited, language)) if unspaced else len(edited.split())
                    removed += max(n - left, 0)
                    changed = True
                    if not edited:
                        continue
                    line = edited
            out.append(line)

        frac = removed / total if total else 0.0
        if self.record_signals:
            self.signal(doc, "removed_words_frac", frac)
        if not changed:
            return None
        if self.max_removed_words_frac is not None and frac > self.max_removed_words_frac:
            return "line_corrections_frac"
        new_text = "\n".join(out).strip()
        if not new_text:
            return "empty_after_corrections"
        doc.text = new_text
        return None
