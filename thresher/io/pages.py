"""What the readers hand on: an HTML page to extract, or a page whose text is already extracted.

Both carry the same provenance (input file, record offset, record id, URL,
crawl date), so a document can always be traced back to the byte range it
came from, whatever the input format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from thresher.record import document_id


@dataclass(slots=True)
class HtmlPage:
    """An HTTP 200 HTML response, its payload decoded to (still undecoded-charset) bytes."""

    url: str
    crawl_date: str
    record_id: str
    source: str
    offset: int
    body: bytes
    http_charset: str | None

    @property
    def document_id(self) -> str:
        return document_id(self.record_id, self.url, self.crawl_date)


@dataclass(slots=True)
class TextPage:
    """A page whose main text is already extracted: WET conversion records, JSONL/Parquet rows.

    ``offset`` is the record's byte offset for WET files and the 0-based row
    (line) number for JSONL and Parquet. ``record_id`` is the WARC record id
    or the row's id field; when a row has neither id nor URL it is
    ``"<source>#<row>"`` so that ids stay unique.
    """

    url: str
    crawl_date: str
    record_id: str
    source: str
    offset: int
    text: str
    #: A language the producer identified (WET ``WARC-Identified-Content-Language``), if any.
    language_hint: str | None = None
    #: The id the input gave (``input.id_field`` of a JSONL/Parquet row): the document id as it is.
    given_id: str | None = None
    #: Values of ``input.keep_fields`` (by field name), carried to the shards.
    fields: dict | None = None

    @property
    def document_id(self) -> str:
        if self.given_id is not None:
            return self.given_id
        return document_id(self.record_id, self.url, self.crawl_date)


Page = Union[HtmlPage, TextPage]
