"""Main-text extraction with Resiliparse (ChatNoir): a fast C++ DOM walker with main-content heuristics.

An order of magnitude faster than trafilatura, somewhat less precise on
article pages (see bench/bench_extract.py); the choice for very large crawls.
Three options make it more precise at two to three times its CPU (the fast
profile of the combined extractor sets them; docs/EXTRACTION.md):
``boilerplate_containers`` leaves out containers named like boilerplate
(:mod:`thresher.stages.extract.boilerplate`), ``headers=False`` leaves out
``<header>`` elements, and ``article_share`` keeps to the page's largest
``<article>`` when that holds most of the text.
"""

from __future__ import annotations

from typing import Any

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import CSSParserException

from thresher.stages.extract.base import (
    DEFAULT_MAX_HTML_CHARS,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIMEOUT_S,
    BoundedExtractor,
)
from thresher.stages.extract.boilerplate import boilerplate_selectors, largest_article
from thresher.stages.extract.scoring import word_count


_TITLE = ["h1"]
_HEADER = ["header"]
#: Leaving out named containers has removed the article itself when the text left has fewer words than this
#: and under a seventh of the text without them (trafilatura's own guard ratio): the page is then read
#: without them. Every page the guard caught on both dev gold sets kept 0-41 words (BENCHMARKS.md, section 6).
OVERPRUNED_WORDS = 50


def lost_the_article(kept: str | None, whole: str | None) -> bool:
    """Whether leaving elements out took the article with them: ``kept`` (the text without them) has under
    :data:`OVERPRUNED_WORDS` words and under a seventh of ``whole``'s characters (the text with them)."""
    return word_count(kept) < OVERPRUNED_WORDS and len(kept or "") * 7 < len(whole or "")


class ResiliparseExtractor(BoundedExtractor):
    """``extract_plain_text(main_content=True)`` with paragraph breaks kept; links, alt texts, comment
    sections and post metadata (bylines, dates) off.

    ``title=False`` leaves out ``<h1>`` elements, the page's title in nearly
    every layout: like trafilatura, the title is metadata, not body text (on
    both dev gold sets this is worth +0.009 / +0.001 F1; bench/bench_extract_quality.py).

    ``headers=False`` leaves out ``<header>`` elements too (a page's or an
    article's header: logo, navigation, title, byline, standfirst), as
    trafilatura does with ``favor_precision``.

    ``boilerplate_containers=True`` also leaves out the page's containers
    whose ``class`` or ``id`` names boilerplate (share bars, related-story
    lists, teasers, captions...), unless that leaves under
    :data:`OVERPRUNED_WORDS` words and a seventh of the text. ``article_share``
    (0..1, None for off) reads only the page's largest ``<article>`` element
    when its text holds at least that share of the page's words.
    """

    name = "resiliparse"

    def __init__(
        self,
        *,
        main_content: bool = True,
        preserve_formatting: bool = True,
        list_bullets: bool = False,
        alt_texts: bool = False,
        comments: bool = False,
        post_meta: bool = False,
        title: bool = False,
        headers: bool = True,
        boilerplate_containers: bool = False,
        article_share: float | None = None,
        max_html_chars: int | None = DEFAULT_MAX_HTML_CHARS,
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
        memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
    ) -> None:
        super().__init__(max_html_chars=max_html_chars, timeout_s=timeout_s, memory_limit_mb=memory_limit_mb)
        self.main_content = main_content
        self.preserve_formatting = preserve_formatting
        self.list_bullets = list_bullets
        self.alt_texts = alt_texts
        self.comments = comments
        self.post_meta = post_meta
        self.title = title
        if article_share is not None and not 0.0 <= article_share <= 1.0:
            raise ValueError(f"article_share must be within 0..1 (or null for off), got {article_share}")
        self.headers = headers
        self.boilerplate_containers = boilerplate_containers
        self.article_share = article_share

    def inline_params(self) -> dict[str, Any]:
        return {
            "main_content": self.main_content,
            "preserve_formatting": self.preserve_formatting,
            "list_bullets": self.list_bullets,
            "alt_texts": self.alt_texts,
            "comments": self.comments,
            "post_meta": self.post_meta,
            "title": self.title,
            "headers": self.headers,
            "boilerplate_containers": self.boilerplate_containers,
            "article_share": self.article_share,
        }

    def extract_inline(self, html: str, url: str = "") -> str | None:
        skip = (boilerplate_selectors(html) if self.boilerplate_containers else []) + ([] if self.headers else _HEADER)
        text = self._guarded(html, skip)
        if self.article_share is not None and (span := largest_article(html)) is not None:
            article = self._guarded(html[span[0]:span[1]], skip)
            if article and word_count(article) >= self.article_share * word_count(text):
                text = article
        return text

    def _guarded(self, html: str, skip: list[str]) -> str | None:
        """The text with ``skip``'s elements left out, or without them when that lost the article."""
        text = self._plain_text(html, skip)
        # Counting the words is cheap; the second reading happens only on pages left nearly empty.
        if skip and word_count(text) < OVERPRUNED_WORDS:
            whole = self._plain_text(html, [])
            if lost_the_article(text, whole):
                return whole
        return text

    def _plain_text(self, html: str, skip: list[str]) -> str | None:
        try:
            return self._read(html, skip)
        except CSSParserException:  # a class name our escaping missed: the page is read without the skips
            return self._read(html, [])

    def _read(self, html: str, skip: list[str]) -> str | None:
        options = {
            "main_content": self.main_content,
            "preserve_formatting": self.preserve_formatting,
            "list_bullets": self.list_bullets,
            "alt_texts": self.alt_texts,
            "links": False,
            "form_fields": False,
            "noscript": False,
            "comments": self.comments,
            "post_meta": self.post_meta,
            "skip_elements": (skip if self.title else _TITLE + skip) or None,
        }
        try:
            text = extract_plain_text(html, **options)
        except TypeError:
            # resiliparse takes only text that encodes as UTF-8: a lone surrogate (never from Thresher's
            # own decoding, which replaces them) becomes U+FFFD, as a decoder would have made it.
            text = extract_plain_text(html.encode("utf-8", "surrogatepass").decode("utf-8", "replace"), **options)
        return text if text and text.strip() else None

