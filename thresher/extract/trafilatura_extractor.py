"""Main-text extraction with trafilatura, tuned the way RefinedWeb/FineWeb use it."""

from __future__ import annotations

import logging

import trafilatura


class TrafilaturaExtractor:
    """trafilatura favouring precision, comments off (FineWeb's settings).

    ``max_html_chars`` bounds the cost of a pathological page: larger pages are
    refused before trafilatura parses them (the caller counts the refusal).
    """

    name = "trafilatura"

    def __init__(
        self,
        *,
        favor_precision: bool = True,
        include_comments: bool = False,
        include_tables: bool = False,
        deduplicate: bool = False,
        max_html_chars: int | None = 5_000_000,
    ) -> None:
        self.favor_precision = favor_precision
        self.include_comments = include_comments
        self.include_tables = include_tables
        self.deduplicate = deduplicate
        self.max_html_chars = max_html_chars
        # trafilatura logs every page it finds empty at WARNING level.
        logging.getLogger("trafilatura").setLevel(logging.ERROR)

    def too_large(self, html: str) -> bool:
        return self.max_html_chars is not None and len(html) > self.max_html_chars

    def extract(self, html: str, url: str = "") -> str | None:
        return trafilatura.extract(
            html,
            url=url or None,
            favor_precision=self.favor_precision,
            include_comments=self.include_comments,
            include_tables=self.include_tables,
            deduplicate=self.deduplicate,
            output_format="txt",
            with_metadata=False,
        )
