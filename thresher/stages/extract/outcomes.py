"""What an extraction gives back, and the bounds it can hit: shared by the extractors and their worker process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol

from thresher.stages.langid.fasttext_lid import LanguagePrediction

#: Receives CPU seconds an extraction worker process spent (engines add it to ``extract/cpu_us``).
ChildCpu = Callable[[float], None]


@dataclass(frozen=True)
class Extraction:
    """A page's main text (None: none worth keeping) and the extractor whose text it is.

    ``extractor`` is ``trafilatura`` or ``resiliparse`` (for the combined
    extractor, the library whose text it chose); ``signals`` are the numbers
    the choice was made on, for the document's signals. ``gate_prediction``: the
    combined extractor's language gate's prediction for ``text``, when it kept
    resiliparse's text without running trafilatura (the page is in a language
    the run does not keep; :mod:`thresher.stages.extract.language_gate`).
    """

    text: str | None
    extractor: str
    signals: dict[str, float] = field(default_factory=dict)
    gate_prediction: LanguagePrediction | None = None

    @property
    def gated_language(self) -> str | None:
        return self.gate_prediction.language if self.gate_prediction is not None else None


class Extractor(Protocol):
    #: Short name used in configs.
    name: str

    def extract(self, html: str, url: str = "", child_cpu: ChildCpu | None = None) -> str | None:
        """Return the page's main text, or None when it has none worth keeping.

        Work done in another process is invisible to the caller's CPU clock:
        ``child_cpu`` is called with the seconds of CPU it cost.
        """
        ...

    def extract_labelled(self, html: str, url: str = "", child_cpu: ChildCpu | None = None) -> Extraction:
        """:meth:`extract`, with the name of the extractor that produced the text."""
        ...


class ExtractionBoundHit(Exception):
    """Extraction of one page was cut off by a bound; ``reason`` is the counter suffix."""

    reason = "bound_hit"


class ExtractionTooLarge(ExtractionBoundHit):
    """The page is larger than ``max_html_chars``, or its extraction ran out of memory."""

    reason = "html_too_large"

    def __init__(self, message: str = "", reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class ExtractionTimeout(ExtractionBoundHit):
    """Extraction ran past ``timeout_s``; the worker process was killed (and restarts on the next page)."""

    reason = "timeout"


class ExtractionCrashed(ExtractionBoundHit):
    """The worker process died on the page (a crash in native code, the memory limit)."""

    reason = "extractor_crashed"
