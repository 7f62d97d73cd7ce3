"""Extractors for the bound tests: inputs that must exceed a time bound, whatever the machine's load.

They run in the real bounded worker process (it rebuilds them from this
module by name), so the bound, the kill and the restart under test are the
real ones; only the page's cost is made certain.
"""

from __future__ import annotations

import threading

from thresher.stages.extract.trafilatura_extractor import TrafilaturaExtractor

#: A page holding this never finishes extracting.
STALL = "<!-- stall: this page never finishes -->"


class StallingTrafilatura(TrafilaturaExtractor):
    """Real trafilatura, except that a page holding :data:`STALL` blocks forever (using no CPU)."""

    name = "stalling_trafilatura"

    def extract_inline(self, html: str, url: str = "") -> str | None:
        if STALL in html:
            threading.Event().wait()
        return super().extract_inline(html, url)
