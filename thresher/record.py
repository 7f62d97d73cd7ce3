"""The document record every stage reads and writes, whatever engine runs it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import xxhash


def document_id(record_id: str | None, url: str, crawl_date: str) -> str:
    """A stable 32-hex-digit id from the WARC record id, else from URL and crawl date.

    Content- and provenance-derived, so the same input gives the same ids on any
    engine, worker count or hash seed.
    """
    key = record_id if record_id else f"{url}\x00{crawl_date}"
    return xxhash.xxh3_128_hexdigest(key.encode("utf-8", "surrogatepass"))


@dataclass(slots=True)
class Document:
    """One web page on its way through the pipeline.

    ``source`` and ``offset`` name the input file and the byte offset of the
    record in it, so any document (kept or dropped) can be traced back.
    """

    id: str
    url: str
    text: str
    crawl_date: str = ""
    source: str = ""
    offset: int = -1
    record_id: str = ""
    language: str | None = None
    language_score: float | None = None
    # Measured quality signals (ratios, scores), kept when the config asks for them.
    signals: dict[str, float] = field(default_factory=dict)
    # Dedup provenance: the id of the document this one duplicated (on removed documents).
    duplicate_of: str | None = None
    # Input columns carried to the shards as they are (``input.keep_fields``), by name.
    fields: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in fields})


@dataclass(slots=True)
class DroppedDocument:
    """What an audit sample keeps of a dropped page: where it came from and why it went."""

    reason: str  # "<stage>/<reason>", e.g. "filters/gopher_quality/gopher_short_doc"
    url: str
    id: str
    source: str
    offset: int
    snippet: str = ""
    signals: dict[str, float] = field(default_factory=dict)
    # What was dropped, whole (the Document, or the page when there was none yet): for
    # ``output.keep_dropped``. Not part of the audit sample (``to_dict`` leaves it out).
    dropped: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "dropped"}
