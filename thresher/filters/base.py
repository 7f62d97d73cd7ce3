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

from thresher.record import Document


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
