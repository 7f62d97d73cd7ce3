"""From one archived response (WARC or ARC) to an :class:`HtmlPage` or a reason it is none.

The checks run cheapest first and read the payload only when the headers
leave the page a candidate: status, content type, declared size, then the
bytes (complete?), transfer and content encoding, emptiness, sniffing.
Outcomes are ``"skipped/<reason>"`` or ``"error/<reason>"``: a skip is a
record that is fine but is no page (a redirect, a PDF); an error is a record
that is broken (cut short, undecodable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from thresher.io import content_types
from thresher.io.http import PayloadError, decode_payload
from thresher.io.pages import HtmlPage

# Reasons that are limits we chose, not broken input.
_SKIP_PAYLOAD_REASONS = frozenset({"decompression_bomb"})


@dataclass(slots=True)
class ArchivedResponse:
    """What the readers know of a response before reading its payload."""

    url: str
    crawl_date: str
    record_id: str
    source: str
    offset: int
    #: HTTP status, or None for a record without HTTP headers (a WARC ``resource``).
    status: int | None
    #: HTTP ``Content-Type`` (or the WARC one for a resource record).
    content_type: str | None
    transfer_encoding: str | None
    content_encoding: str | None
    #: ``WARC-Identified-Payload-Type`` (Common Crawl sets it from content sniffing).
    identified_type: str | None
    #: Payload bytes the archive says the record holds.
    declared_length: int
    #: The crawler cut the payload on purpose (``WARC-Truncated``): keep what is there.
    crawler_truncated: bool
    #: Reads at most n payload bytes; fewer than declared means the file ended early.
    read_payload: Callable[[int], bytes]


def charset_param(content_type: str | None) -> str | None:
    """``text/html; charset="Shift_JIS"`` → ``Shift_JIS``."""
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            value = value.strip().strip("\"'").strip()
            return value or None
    return None


def response_to_page(response: ArchivedResponse, max_payload_bytes: int) -> HtmlPage | str:
    """The page, or ``"skipped/<reason>"`` / ``"error/<reason>"``."""
    if not response.url:
        return "error/missing_target_uri"
    if response.status is not None and response.status != 200:
        return f"skipped/http_{response.status}"
    mime = content_types.mime_type(response.content_type)
    if content_types.needs_sniffing(mime) and response.identified_type:
        # Common Crawl's sniffed type is better evidence than a generic header.
        mime = content_types.mime_type(response.identified_type)
    sniff = content_types.needs_sniffing(mime)
    if not sniff and mime not in content_types.HTML_TYPES:
        return f"skipped/non_html/{content_types.family(mime)}"
    if response.declared_length > max_payload_bytes:
        return "skipped/oversized_payload"
    body = _read_all(response.read_payload, response.declared_length)
    if len(body) < response.declared_length:
        return "error/truncated_record"
    try:
        body = decode_payload(
            body,
            response.transfer_encoding,
            response.content_encoding,
            max_payload_bytes,
            allow_truncated=response.crawler_truncated,
        )
    except PayloadError as exc:
        kind = "skipped" if exc.reason in _SKIP_PAYLOAD_REASONS else "error"
        return f"{kind}/{exc.reason}"
    if not body.strip():
        return "skipped/empty_payload"
    if sniff and not content_types.looks_like_html(body):
        return f"skipped/non_html/{content_types.family(mime)}"
    if looks_binary(body):
        return "error/undecodable_payload"  # declared HTML, but no charset makes text of it
    return HtmlPage(
        url=response.url,
        crawl_date=response.crawl_date,
        record_id=response.record_id,
        source=response.source,
        offset=response.offset,
        body=body,
        http_charset=charset_param(response.content_type),
    )


def _read_all(read: Callable[[int], bytes], length: int) -> bytes:
    parts = []
    remaining = length
    while remaining > 0:
        piece = read(remaining)
        if not piece:
            break
        parts.append(piece)
        remaining -= len(piece)
    return b"".join(parts)


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(body: bytes) -> bool:
    """Bytes no charset makes text of: many control bytes (NULs...) and no UTF-16 byte order mark."""
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 10
