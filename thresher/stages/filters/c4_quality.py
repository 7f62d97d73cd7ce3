"""C4's heuristic clean-up (Raffel et al. 2020, section 2.2), line by line.

Lines (``splitlines()``, stripped; or sentences with ``split_paragraph=False``)
are processed in C4's order; a line that fails a line rule is removed and the
rules after it do not look at it:

1. citation markers (``[1]``, ``[edit]``, ``[citation needed]``) are removed
   from the line (``remove_citations``);
2. lines that do not end in terminal punctuation, or end in an ellipsis, are
   removed -- **off by default** (``filter_no_terminal_punct=False``), as in
   FineWeb; terminal marks include the CJK, Devanagari, Arabic... full stops;
3. lines with fewer than ``min_words_per_line`` (3) words are removed (words by
   whitespace; for unspaced scripts, character units);
4. a line containing "lorem ipsum" drops the page (``lorem_ipsum``);
5. lines containing "javascript" are removed (``filter_javascript``);
6. a line containing ``{`` drops the page (``curly_bracket``);
7. lines containing cookie / terms-of-use boilerplate ("terms of use",
   "privacy policy", "cookie policy", "uses cookies", "use of cookies",
   "use cookies") are removed (``filter_policy``).

Page rules: a whitespace-separated word longer than ``max_word_length``
(1,000) characters anywhere drops the page (``too_long_word``; with
``too_long_word_drops_page=False`` only its line is removed, before any other
line rule, as C4's code and datatrove do); fewer than
``min_num_sentences`` (5) sentences in the kept lines drop it
(``too_few_sentences``; sentences are counted only up to that number, and the
``c4_quality.sentences`` signal is capped there too); with ``bad_words_file``
set, a page holding any listed word (whole words; substrings for unspaced
scripts) is dropped (``bad_words``). A kept page's text is rewritten to its
kept lines joined by newlines.

Sentences are counted per kept line, as C4 does, by
:func:`thresher.stages.text.sentences.count_sentences` (rule-based, no NLTK model) or,
with ``sentence_splitter="spacy"`` (FineWeb's reading), as spaCy's sentencizer
counts them on spaCy's tokens: every non-empty line is at least one sentence
and a sentence-final mark followed by a word starts the next
(:func:`thresher.stages.text.spacy_tokens.count_spacy_sentences`). A line's words (for
``min_words_per_line``) are counted before its citation markers are removed, as
datatrove does.
"""

from __future__ import annotations

import re

from thresher.stages.filters._lists import read_list
from thresher.stages.filters.base import DocumentFilter
from thresher.record import Document
from thresher.errors import ConfigError
from thresher.stages.text.sentences import count_sentences, split_sentences
from thresher.stages.text.spacy_tokens import count_spacy_sentences, spacy_tokens
from thresher.stages.text.view import text_view
from thresher.stages.text.words import has_unspaced_script, split_words

CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
END_PUNCTUATION = (
    ".", "?", "!", '"', "'", "”", "’", "»",
    "。", "！", "？", "｡", "」", "』", "।", "॥", "؟", "۔", "။", "។", "։", "።",
)
ELLIPSES = ("...", "…")
POLICY_SUBSTRINGS = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)


class C4QualityFilter(DocumentFilter):
    name = "c4_quality"

    def __init__(
        self,
        split_paragraph: bool = True,
        remove_citations: bool = True,
        filter_no_terminal_punct: bool = False,
        min_num_sentences: int | None = 5,
        min_words_per_line: int | None = 3,
        max_word_length: int | None = 1000,
        filter_lorem_ipsum: bool = True,
        filter_javascript: bool = True,
        filter_curly_bracket: bool = True,
        filter_policy: bool = True,
        bad_words_file: str | None = None,
        too_long_word_drops_page: bool = True,
        sentence_splitter: str = "rules",
        record_signals: bool = False,
    ) -> None:
        self.split_paragraph = split_paragraph
        self.remove_citations = remove_citations
        self.filter_no_terminal_punct = filter_no_terminal_punct
        self.min_num_sentences = min_num_sentences
        self.min_words_per_line = min_words_per_line
        self.max_word_length = max_word_length
        self.filter_lorem_ipsum = filter_lorem_ipsum
        self.filter_javascript = filter_javascript
        self.filter_curly_bracket = filter_curly_bracket
        self.filter_policy = filter_policy
        self.bad_words_file = bad_words_file
        self.too_long_word_drops_page = too_long_word_drops_page
        if sentence_splitter not in ("rules", "spacy"):
            raise ConfigError(f"filter 'c4_quality': sentence_splitter must be rules or spacy, got {sentence_splitter!r}")
        self.sentence_splitter = sentence_splitter
        self.record_signals = record_signals
        self._bad_spaced = self._bad_unspaced = None
        if bad_words_file:
            words = read_list(bad_words_file, what="bad words")
            spaced = [w for w in words if not has_unspaced_script(w)]
            unspaced = [w for w in words if has_unspaced_script(w)]
            alt = lambda ws: "|".join(map(re.escape, sorted(ws, key=len, reverse=True)))  # noqa: E731
            if spaced:
                self._bad_spaced = re.compile(rf"(?<!\w)(?:{alt(spaced)})(?!\w)")
            if unspaced:
                self._bad_unspaced = re.compile(alt(unspaced))

    def filter(self, doc: Document) -> str | None:
        text = doc.text
        view = text_view(text, doc.language)
        max_len = self.max_word_length
        long_lines = max_len is not None and len(text) > max_len
        if long_lines and self.too_long_word_drops_page:
            # A word longer than the limit needs a line longer than it.
            for line in view.lines:
                if len(line) > max_len and max(map(len, line.split()), default=0) > max_len:
                    return "too_long_word"

        language = view.language
        unspaced_text = view.has_unspaced_script
        # Page-level look-ups first: the per-line checks only run when the
        # page holds the phrase at all (folding only touches punctuation).
        lower_text = view.folded.lower()
        check_lorem = self.filter_lorem_ipsum and "lorem ipsum" in lower_text
        check_js = self.filter_javascript and "javascript" in lower_text
        check_curly = self.filter_curly_bracket and "{" in text
        check_policy = self.filter_policy and any(p in lower_text for p in POLICY_SUBSTRINGS)
        check_lower = check_lorem or check_js or check_policy
        # Sentences only need counting up to the threshold (the recorded
        # signal too: it is the count, capped at the threshold).
        enough = self.min_num_sentences

        lines = view.lines if self.split_paragraph else split_sentences(text, language)
        min_words = self.min_words_per_line
        terminal = self.filter_no_terminal_punct
        citations = self.remove_citations
        kept: list[str] = []
        n_sentences = 0
        removed = 0
        drop_long = long_lines and not self.too_long_word_drops_page
        spacy_sentences = self.sentence_splitter == "spacy"
        for line in lines:
            line = line.strip()
            if drop_long and len(line) > max_len and max(map(len, line.split()), default=0) > max_len:
                removed += 1
                continue
            if min_words is not None:
                n = len(line.split(None, min_words))  # counts up to min_words only
                if n < min_words and unspaced_text and n:
                    n = len(split_words(line, language))
            if citations and "[" in line:
                line = CITATION.sub("", line)
            if terminal and (not line.endswith(END_PUNCTUATION) or line.endswith(ELLIPSES)):
                removed += 1
                continue
            if min_words is not None:
                if n < min_words:
                    removed += 1
                    continue
            if check_lower:
                lower = line.lower()
                if check_lorem and "lorem ipsum" in lower:
                    return "lorem_ipsum"
                if check_js and "javascript" in lower:
                    removed += 1
                    continue
            if check_curly and "{" in line:
                return "curly_bracket"
            if check_policy and any(p in lower for p in POLICY_SUBSTRINGS):
                removed += 1
                continue
            if not self.split_paragraph:
                n_sentences += 1
            elif spacy_sentences:
                if enough is None or n_sentences < enough:
                    n_sentences += count_spacy_sentences(spacy_tokens(line))
            elif enough is None:
                n_sentences += count_sentences(line, language)
            elif n_sentences < enough:
                n_sentences += count_sentences(line, language, enough - n_sentences)
            kept.append(line)

        if self.record_signals:
            self.signal(doc, "sentences", n_sentences)  # capped at min_num_sentences
            self.signal(doc, "removed_lines", removed)
        if self.min_num_sentences is not None and n_sentences < self.min_num_sentences:
            return "too_few_sentences"
        new_text = ("\n" if self.split_paragraph else " ").join(kept).strip()
        if self._bad_spaced is not None or self._bad_unspaced is not None:
            lower = new_text.lower()
            if (self._bad_spaced is not None and self._bad_spaced.search(lower)) or (
                self._bad_unspaced is not None and self._bad_unspaced.search(lower)
            ):
                return "bad_words"
        if new_text != text:
            doc.text = new_text
        return None
