"""Read legacy ARC files (Internet Archive, pre-2009 crawls) into HTML pages.

FastWARC does not read ARC, so warcio does (``arc2warc`` maps the ARC header
line to WARC-style headers). Payload decoding, checks and counting are the
same as for WARC (:func:`thresher.io.responses.response_to_page`).
"""

from __future__ import annotations

from typing import Iterator

from thresher.io.dates import normalize_date
from thresher.io.fs import OpenedInput
from thresher.io.pages import HtmlPage
from thresher.io.rejects import ReadAccount
from thresher.io.responses import ArchivedResponse, response_to_page


def read_arc(opened: OpenedInput, account: ReadAccount, max_payload_bytes: int) -> Iterator[HtmlPage]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        account.error("arc_reader_missing", offset=0)  # warcio is a declared dependency; be loud
        return
    records = ArchiveIterator(opened.raw, arc2warc=True)
    offset = 0
    try:
        for record in records:
            if record.rec_type != "response":
                account.skipped_structural(record.rec_type or "unknown_record_type")
                continue
            outcome = _to_page(record, opened.path, max_payload_bytes)
            # warcio knows a record's offset only once its payload has been read. It derives it from
            # gzip member boundaries and declared lengths, so a lying length (a record that starts inside
            # the previous one's member) makes it negative: keep the last good offset, nearest to the bytes.
            offset = max(records.get_record_offset(), offset)
            url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
            if isinstance(outcome, str):
                account.outcome(outcome, url, offset)
                continue
            outcome.offset = offset
            account.forwarded()
            yield outcome
    except Exception as exc:  # noqa: BLE001 - warcio raises ArchiveLoadFailed, ValueError, zlib errors...
        account.error(_arc_error_reason(exc), offset=offset)


def _to_page(record, source: str, max_payload_bytes: int) -> HtmlPage | str:
    http = record.http_headers
    if http is None:
        return "skipped/non_http"
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        return "error/malformed_http"
    headers = record.rec_headers
    response = ArchivedResponse(
        url=(headers.get_header("WARC-Target-URI") or "").strip(),
        crawl_date=normalize_date(headers.get_header("WARC-Date")) or "",
        # ARC has no record ids (warcio's arc2warc invents random ones): ids derive from URL and date.
        record_id="",
        source=source,
        offset=-1,
        status=status,
        content_type=http.get_header("Content-Type"),
        transfer_encoding=http.get_header("Transfer-Encoding"),
        content_encoding=http.get_header("Content-Encoding"),
        identified_type=None,
        declared_length=record.raw_stream.limit,
        crawler_truncated=False,
        read_payload=record.raw_stream.read,
    )
    return response_to_page(response, max_payload_bytes)


def _arc_error_reason(exc: BaseException) -> str:
    message = str(exc).lower()
    if "gzip" in message or "decompress" in message or "zlib" in type(exc).__module__:
        return "corrupt_compression"
    return "malformed_archive"
