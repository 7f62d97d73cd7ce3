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
#: are words of their own (:mod:`thresher.stages.text.spacy_tokens`), which FineWeb's
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


class PerLanguageParams:
    """A filter's per-language variants, built lazily from a threshold table.

    ``params`` are the filter's own keyword arguments; a document whose
    language the table knows gets a filter built with the table's parameters
    for it on top (stop words keyed by the document's language), one variant
    per (label, language) kept for reuse. Pickles without the table: each
    worker loads it once.
    """

    def __init__(self, cls: type, params: dict, table: str) -> None:
        from thresher.stages.filters.fineweb2 import TABLES

        if table not in TABLES:
            raise ConfigError(
                f"filter {cls.name!r}: language_thresholds must be one of {', '.join(TABLES)}, got {table!r}"
            )
        self.cls = cls
        self.params = params
        self.table_name = table
        self._variants: dict = {}

    def for_document(self, doc: Document) -> tuple[DocumentFilter, str | None]:
        """The filter for ``doc`` and the table label it used (``None``: not in the table)."""
        from thresher.stages.filters.fineweb2 import load_table
        from thresher.stages.text.words import normalize_language

        table = load_table(self.table_name)
        label = table.label_for(doc.language, doc.text)
        language = normalize_language(doc.language)
        key = (label, language)
        variant = self._variants.get(key)
        if variant is None:
            overrides = dict(table.params(label, self.cls.name)) if label is not None else {}
            if "stop_words" in overrides:
                overrides["stop_words"] = {language or "en": overrides["stop_words"]}
            variant = self.cls(**{**self.params, **overrides})
            self._variants[key] = variant
        return variant, label

    def filter(self, parent: DocumentFilter, doc: Document) -> str | None:
        """``parent``'s decision on ``doc``, with the parameters of ``doc``'s language."""
        variant, label = self.for_document(doc)
        variant.record_signals = parent.record_signals
        if label is None:
            doc.signals[f"{parent.name}.no_language_thresholds"] = 1.0
        return variant.filter(doc)

    def __getstate__(self) -> dict:
        return {"cls": self.cls, "params": self.params, "table_name": self.table_name, "_variants": {}}
