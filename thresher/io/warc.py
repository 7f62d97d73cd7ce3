"""Read WARC files into HTML pages, accounting for every record.

Every record leaves exactly one trace in the stats sink: ``read/forwarded``
(an HTML page handed on), ``read/skipped/<reason>`` or ``read/error/<reason>``;
``read/records`` counts them all, so the identity
``records == forwarded + skipped + errors`` holds per file. A file that cannot
be read to its end counts one ``read/error/<reason>`` record for the unreadable
rest, and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from fastwarc.warc import ArchiveIterator, WarcRecord

from thresher.io.http import PayloadError, decode_content, dechunk
from thresher.stats import StatsSink

HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml"})

# Record types that never carry a page to extract (fastwarc's types are not hashable:
# they are keyed by name).
_SKIPPED_TYPES = frozenset(
    {"warcinfo", "request", "metadata", "resource", "revisit", "conversion", "continuation"}
)


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


@dataclass(frozen=True, slots=True)
class WarcReadOptions:
    #: Payloads larger than this (after decompression) are skipped as ``oversized_payload``.
    max_payload_bytes: int = 10 * 1024 * 1024


def iter_html_pages(
    path: str, stats: StatsSink, options: WarcReadOptions = WarcReadOptions()
) -> Iterator[HtmlPage]:
    """Yield the HTML pages of one WARC file (local path or any fsspec URL)."""
    try:
        records = ArchiveIterator(path, parse_http=True, quirks_mode=True, auto_decode="none")
        for record in records:
            stats.inc("read/records")
            page, reason = _classify(record, path, options)
            if page is not None:
                stats.inc("read/forwarded")
                yield page
            else:
                stats.inc(reason)
    except OSError as exc:
        # The rest of the file is unreadable (truncated gzip member, garbage between
        # records): count it as one errored record and let the run go on.
        stats.inc("read/records")
        stats.inc(f"read/error/{_archive_error_reason(exc)}")


def _archive_error_reason(exc: OSError) -> str:
    message = str(exc).lower()
    if "gzip" in message or "decompress" in message:
        return "corrupt_compression"
    if "no such file" in message or isinstance(exc, FileNotFoundError):
        return "file_not_found"
    return "malformed_archive"


def _classify(
    record: WarcRecord, source: str, options: WarcReadOptions
) -> tuple[HtmlPage | None, str]:
    record_type = str(record.record_type)
    if record_type in _SKIPPED_TYPES:
        return None, f"read/skipped/{record_type}"
    if record_type != "response":
        return None, "read/skipped/unknown_record_type"
    if not record.is_http:
        return None, "read/skipped/non_http"
    try:
        status = record.http_headers.status_code
    except Exception:  # noqa: BLE001 - fastwarc raises varied errors on broken status lines
        return None, "read/error/malformed_http"
    if status != 200:
        return None, f"read/skipped/http_{status}"
    content_type = (record.http_content_type or "").lower()
    if content_type and content_type not in HTML_CONTENT_TYPES:
        return None, "read/skipped/non_html"
    if record.content_length > options.max_payload_bytes:
        return None, "read/skipped/oversized_payload"
    try:
        body = record.reader.read()
    except OSError:
        return None, "read/error/truncated_payload"
    headers = record.http_headers
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        body = dechunk(body)
    try:
        body = decode_content(body, headers.get("Content-Encoding"), options.max_payload_bytes)
    except PayloadError as exc:
        return None, f"read/skipped/{exc.reason}"
    if not body.strip():
        return None, "read/skipped/empty_payload"
    if not content_type and not _looks_like_html(body):
        return None, "read/skipped/non_html"
    url = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>")
    return (
        HtmlPage(
            url=url,
            crawl_date=_crawl_date(record),
            record_id=record.record_id or "",
            source=source,
            offset=int(record.stream_pos),
            body=body,
            http_charset=record.http_charset,
        ),
        "",
    )


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head


def _crawl_date(record: WarcRecord) -> str:
    try:
        date = record.record_date
    except Exception:  # noqa: BLE001 - malformed WARC-Date (ClueWeb writes '2008-10-294T...')
        date = None
    if date is not None:
        return date.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (record.headers.get("WARC-Date") or "").strip()
