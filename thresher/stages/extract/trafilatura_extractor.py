"""Main-text extraction with trafilatura, tuned the way RefinedWeb/FineWeb use it."""

from __future__ import annotations

import logging
from typing import Any

from thresher.stages.extract.base import (
    DEFAULT_MAX_HTML_CHARS,
    DEFAULT_MEMORY_LIMIT_MB,
    DEFAULT_TIMEOUT_S,
    BoundedExtractor,
)


class TrafilaturaExtractor(BoundedExtractor):
    """trafilatura favouring precision, comments off (FineWeb's settings), otherwise its own defaults.

    Tables stay in (``include_tables``, trafilatura's default): older pages lay
    out their whole body in tables, and dropping them emptied those pages.

    Bounded as :class:`~thresher.stages.extract.base.BoundedExtractor` describes:
    pages over ``max_html_chars`` are refused, and with ``timeout_s`` set each
    page runs in a worker process that is killed when it overruns.
    """

    name = "trafilatura"

    def __init__(
        self,
        *,
        favor_precision: bool = True,
        include_comments: bool = False,
        include_tables: bool = True,
        deduplicate: bool = False,
        max_html_chars: int | None = DEFAULT_MAX_HTML_CHARS,
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
        memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
    ) -> None:
        super().__init__(max_html_chars=max_html_chars, timeout_s=timeout_s, memory_limit_mb=memory_limit_mb)
        self.favor_precision = favor_precision
        self.include_comments = include_comments
        self.include_tables = include_tables
        self.deduplicate = deduplicate
        # trafilatura logs every page it finds empty at WARNING level.
        logging.getLogger("trafilatura").setLevel(logging.ERROR)

    def inline_params(self) -> dict[str, Any]:
        return {
            "favor_precision": self.favor_precision,
            "include_comments": self.include_comments,
            "include_tables": self.include_tables,
            "deduplicate": self.deduplicate,
        }

    def extract_inline(self, html: str, url: str = "") -> str | None:
        # Imported here, not at the top: only the extraction worker process calls trafilatura (its
        # warm-up page imports it before the memory cap); the driver and Beam's workers, which only
        # build and ship the extractor, are spared the import (~0.15 CPU-s each).
        import trafilatura

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
