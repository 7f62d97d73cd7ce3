"""The contract every document filter follows (datatrove style).

A filter is configured by keyword arguments carrying the published defaults;
passing ``None`` for a threshold switches that check off. ``filter`` returns
``None`` to keep the document or a short machine-readable reason
(``"dup_line_frac"``) to drop it. A filter may rewrite ``doc.text`` (line-wise
corrections) and may record measured values in ``doc.signals`` when
``record_signals`` is set.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from thresher.errors import ConfigError
from thresher.record import Document

#: How the rules that count words split them (the ``word_splitter`` parameter):
#: ``"trimmed"``, Thresher's language-aware words (whitespace-separated,
#: punctuation trimmed off, unspaced scripts one unit per character); or
#: ``"spacy"``, the tokens datatrove gets from spaCy, where punctuation marks
#: are words of their own (:mod:`thresher.text.spacy_tokens`), which FineWeb's
#: and FineWeb-2's thresholds were measured on.
WORD_SPLITTERS = ("trimmed", "spacy")


def check_word_splitter(filter_name: str, value: str) -> str:
    if value not in WORD_SPLITTERS:
        raise ConfigError(
            f"filter {filter_name!r}: word_splitter must be one of {', '.join(WORD_SPLITTERS)}, got {value!r}"
        )
    return value


class DocumentFilter(ABC):
    #: Stable name used in configs and in statistics (``filters/<name>/...``).
    name: ClassVar[str]

    record_signals: bool = False

    @abstractmethod
    def filter(self, doc: Document) -> str | None:
        """Return ``None`` to keep ``doc``, else the drop reason."""

    def signal(self, doc: Document, key: str, value: float) -> None:
        if self.record_signals:
            doc.signals[f"{self.name}.{key}"] = float(value)
