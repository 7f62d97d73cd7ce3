"""The extractor interface: HTML text in, main text (or None) out."""

from __future__ import annotations

from typing import Protocol


class Extractor(Protocol):
    #: Short name used in configs.
    name: str

    def extract(self, html: str, url: str = "") -> str | None:
        """Return the page's main text, or None when it has none worth keeping."""
        ...
