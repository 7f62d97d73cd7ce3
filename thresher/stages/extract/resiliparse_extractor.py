"""Main-text extraction with Resiliparse (ChatNoir): a fast C++ DOM walker with main-content heuristics.

An order of magnitude faster than trafilatura, somewhat less precise on
article pages (see bench/bench_extract.py); the choice for very large crawls.
"""

from __future__ import annotations

from typing import Any

from resiliparse.extract.html2text import extract_plain_text

from thresher.stages.extract.base import (
    DEFAULT_MAX_HTML_CHARS,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIMEOUT_S,
    BoundedExtractor,
)


_TITLE = ["h1"]


class ResiliparseExtractor(BoundedExtractor):
    """``extract_plain_text(main_content=True)`` with paragraph breaks kept; links, alt texts, comment
    sections and post metadata (bylines, dates) off.

    ``title=False`` leaves out ``<h1>`` elements, the page's title in nearly
    every layout: like trafilatura, the title is metadata, not body text (on
    both dev gold sets this is worth +0.009 / +0.001 F1; bench/bench_extract_quality.py).
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

    def inline_params(self) -> dict[str, Any]:
        return {
            "main_content": self.main_content,
            "preserve_formatting": self.preserve_formatting,
            "list_bullets": self.list_bullets,
            "alt_texts": self.alt_texts,
            "comments": self.comments,
            "post_meta": self.post_meta,
            "title": self.title,
        }

    def extract_inline(self, html: str, url: str = "") -> str | None:
        text = extract_plain_text(
            html,
            main_content=self.main_content,
            preserve_formatting=self.preserve_formatting,
            list_bullets=self.list_bullets,
            alt_texts=self.alt_texts,
            links=False,
            form_fields=False,
            noscript=False,
            comments=self.comments,
            post_meta=self.post_meta,
            skip_elements=None if self.title else _TITLE,
        )
        return text if text and text.strip() else None
