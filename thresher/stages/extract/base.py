"""The extractor interface (HTML text in, main text or None out) and its cost bounds.

A page can make an extractor slow or memory-hungry (megabytes of dense
markup cost trafilatura ~2 s per MB; a parser bug can loop). Engines run
extraction in worker threads (Beam DoFns), where ``signal.alarm`` cannot
interrupt anything, so the bound is a process boundary: with ``timeout_s``
set, each extractor instance runs its pages in one persistent child process
(:mod:`thresher.stages.extract.worker`), killed and restarted when a page overruns.
A size cap (``max_html_chars``) refuses the largest pages before any work,
and ``memory_limit_mb`` caps the child's address space.

A page that hits a bound raises an :class:`ExtractionBoundHit` subclass whose
``reason`` the caller counts (``extract/dropped/<reason>``):
``html_too_large``, ``timeout``, ``memory_limit``, ``extractor_crashed``.
"""

from __future__ import annotations

import threading
from typing import Any

from thresher.stages.extract.outcomes import (  # re-exported: the extractors' interface
    ChildCpu,
    Extraction,
    ExtractionBoundHit,
    ExtractionCrashed,
    ExtractionTimeout,
    ExtractionTooLarge,
    Extractor,
)

__all__ = ["BoundedExtractor", "ChildCpu", "Extraction", "ExtractionBoundHit", "ExtractionCrashed",
           "ExtractionTimeout", "ExtractionTooLarge", "Extractor"]

#: Defaults: the size cap keeps the worst linear case near 10 s; the timeout catches the rest.
DEFAULT_MAX_HTML_CHARS = 5_000_000
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_LIMIT_MB = 2048


class BoundedExtractor:
    """Base of the extractors: a size cap, then the page run inline or in a bounded worker process.

    Subclasses implement :meth:`extract_inline` (or :meth:`extract_labelled_inline`,
    when the text can come from more than one library) and :meth:`inline_params`
    (the keyword arguments that rebuild the same extractor in the worker).
    ``timeout_s=None`` runs in-process with no time bound (benchmarks, tests).
    """

    name = "base"

    def __init__(
        self,
        *,
        max_html_chars: int | None = DEFAULT_MAX_HTML_CHARS,
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
        memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB,
    ) -> None:
        if timeout_s is not None and timeout_s <= 0:
            raise ValueError("timeout_s must be positive (or null for no time bound)")
        self.max_html_chars = max_html_chars
        self.timeout_s = timeout_s
        self.memory_limit_mb = memory_limit_mb
        self._worker: Any = None
        self._lock = threading.Lock()

    def inline_params(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def extract_inline(self, html: str, url: str = "") -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def extract_labelled_inline(self, html: str, url: str = "") -> Extraction:
        """:meth:`extract_inline` with this extractor's name (the worker process calls this)."""
        return Extraction(self.extract_inline(html, url), self.name)

    def too_large(self, html: str) -> bool:
        return self.max_html_chars is not None and len(html) > self.max_html_chars

    def extract(self, html: str, url: str = "", child_cpu: ChildCpu | None = None) -> str | None:
        """The page's main text; with a worker process, its CPU for the page goes to ``child_cpu``.

        Inline extraction (``timeout_s=None``) runs on the caller's thread, whose
        own CPU clock already counts it: ``child_cpu`` is not called.
        """
        return self.extract_labelled(html, url, child_cpu).text

    def extract_labelled(self, html: str, url: str = "", child_cpu: ChildCpu | None = None) -> Extraction:
        """:meth:`extract`, with the name of the extractor whose text it is."""
        if self.too_large(html):
            raise ExtractionTooLarge(f"{len(html)} characters > max_html_chars={self.max_html_chars}")
        if self.timeout_s is None:
            return self.extract_labelled_inline(html, url)
        # One worker per extractor instance; the lock keeps a shared instance safe across threads.
        with self._lock:
            if self._worker is None:
                from thresher.stages.extract.worker import ExtractionWorker

                params = dict(self.inline_params(), timeout_s=None, max_html_chars=None)
                self._worker = ExtractionWorker(type(self), params, self.memory_limit_mb)
            return self._worker.extract(html, url, self.timeout_s, child_cpu)

    def close(self) -> None:
        """Stop the worker process, if any (it also stops when the extractor is collected)."""
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None

    def __getstate__(self) -> dict[str, Any]:
        # Picklable without its process or lock (engines ship configs, and sometimes objects).
        state = dict(self.__dict__)
        state["_worker"] = None
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
