"""HTTP payload decoding: transfer encoding, then content encoding, with caps and truncation checks.

Crawlers store payloads as they came off the wire, and they lie: a header may
say ``chunked`` over a body that a crawler already de-chunked, or ``gzip``
over bytes it already inflated. Each step therefore keeps the bytes it was
given when they plainly are not encoded that way (a body that does not even
start like the declared encoding), and raises :class:`PayloadError` when they
are encoded that way but broken or cut short: a truncated page must not pass
for a complete one.

Reasons (``PayloadError.reason``): ``bad_chunked_encoding``,
``truncated_payload``, ``bad_content_encoding``,
``unsupported_content_encoding``, ``decompression_bomb``.
"""

from __future__ import annotations

import re
import zlib

from thresher.io.content_types import looks_like_html


class PayloadError(Exception):
    """The payload cannot be decoded; ``reason`` is a short machine-readable tag."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_CHUNK_SIZE_LINE = re.compile(rb"^[0-9a-fA-F]{1,16}[ \t]*(;[^\r\n]*)?\r?$")
_MAX_CHUNK_LINE = 1024


def decode_payload(
    body: bytes,
    transfer_encoding: str | None,
    content_encoding: str | None,
    max_bytes: int,
    *,
    allow_truncated: bool = False,
) -> bytes:
    """Undo transfer and content encoding. ``allow_truncated`` keeps a cut-off body
    (records the crawler marked ``WARC-Truncated``) instead of raising ``truncated_payload``."""
    if "chunked" in (transfer_encoding or "").lower():
        body, complete = dechunk_checked(body)
        if not complete and not allow_truncated:
            raise PayloadError("truncated_payload")
    return decode_content(body, content_encoding, max_bytes, allow_truncated=allow_truncated)


def dechunk(body: bytes) -> bytes:
    """Undo ``Transfer-Encoding: chunked``; return ``body`` unchanged if it is not chunked.

    Raises ``bad_chunked_encoding`` for a broken chunk stream and
    ``truncated_payload`` for one that ends before its last chunk.
    """
    out, complete = dechunk_checked(body)
    if not complete:
        raise PayloadError("truncated_payload")
    return out


def dechunk_checked(body: bytes) -> tuple[bytes, bool]:
    """``(decoded bytes, complete)``; a body that does not start with a chunk-size line is returned as is."""
    first_eol = body.find(b"\n", 0, _MAX_CHUNK_LINE)
    if first_eol < 0 or not _CHUNK_SIZE_LINE.match(body[:first_eol]):
        # Not chunked after all: the crawler stored the de-chunked body and kept the header.
        return body, True
    out = bytearray()
    pos = 0
    while True:
        eol = body.find(b"\n", pos, pos + _MAX_CHUNK_LINE)
        if eol < 0:
            if len(body) - pos < _MAX_CHUNK_LINE:
                return bytes(out), False  # the body ends inside a chunk-size line
            raise PayloadError("bad_chunked_encoding")
        line = body[pos:eol]
        if not _CHUNK_SIZE_LINE.match(line):
            raise PayloadError("bad_chunked_encoding")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            return bytes(out), True  # trailers, if any, carry nothing we use
        start = eol + 1
        end = start + size
        out += body[start:end]
        if end > len(body):
            return bytes(out), False
        # Chunk data ends with CRLF (some servers send a bare LF).
        if body.startswith(b"\r\n", end):
            pos = end + 2
        elif body.startswith(b"\n", end):
            pos = end + 1
        elif end == len(body):
            return bytes(out), False
        else:
            raise PayloadError("bad_chunked_encoding")
        if pos >= len(body):
            return bytes(out), False


def decode_content(
    body: bytes, encoding: str | None, max_bytes: int, *, allow_truncated: bool = False
) -> bytes:
    """Undo ``Content-Encoding`` (gzip, deflate, br, zstd), never inflating past ``max_bytes``."""
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity", "none", "utf-8", "utf8", "text", "binary"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate", "x-deflate"):
        return _inflate(body, encoding, max_bytes, allow_truncated)
    if encoding == "br":
        return _unbrotli(body, max_bytes, allow_truncated)
    if encoding == "zstd":
        return _unzstd(body, max_bytes, allow_truncated)
    raise PayloadError("unsupported_content_encoding")


def _stored_decoded(body: bytes) -> bool:
    """True when a body declared compressed is plainly stored decoded (crawlers do this)."""
    return not body.strip() or looks_like_html(body) or body.lstrip()[:1] == b"<"


def _inflate(body: bytes, encoding: str, max_bytes: int, allow_truncated: bool) -> bytes:
    if _stored_decoded(body):
        return body
    # gzip wrapper, zlib wrapper, then raw deflate: servers send all three as "deflate".
    orders = (31, 15, -15) if not encoding.endswith("deflate") else (15, -15, 31)
    for wbits in orders:
        try:
            return _inflate_with(body, wbits, max_bytes, allow_truncated)
        except zlib.error:
            continue
    raise PayloadError("bad_content_encoding")


def _inflate_with(body: bytes, wbits: int, max_bytes: int, allow_truncated: bool) -> bytes:
    out = bytearray()
    data = body
    while True:
        decomp = zlib.decompressobj(wbits)
        out += decomp.decompress(data, max_bytes + 1 - len(out))
        if len(out) > max_bytes:
            raise PayloadError("decompression_bomb")
        if not decomp.eof:
            if decomp.unconsumed_tail:  # pragma: no cover - only when the cap was hit exactly
                raise PayloadError("decompression_bomb")
            if allow_truncated:
                return bytes(out)
            raise PayloadError("truncated_payload")
        data = decomp.unused_data
        # Some servers concatenate gzip members; anything else after the stream is padding.
        if wbits != 31 or not data.startswith(b"\x1f\x8b"):
            return bytes(out)


def _unbrotli(body: bytes, max_bytes: int, allow_truncated: bool) -> bytes:
    try:
        import brotli
    except ImportError as exc:  # pragma: no cover - brotli ships with the install
        raise PayloadError("unsupported_content_encoding") from exc
    if _stored_decoded(body):
        return body
    decomp = brotli.Decompressor()
    try:
        try:
            out = decomp.process(body, output_buffer_limit=max_bytes + 1)
        except TypeError:  # brotli < 1.2 has no output limit: the size check below still applies
            out = decomp.process(body)
    except brotli.error as exc:
        raise PayloadError("bad_content_encoding") from exc
    if len(out) > max_bytes:
        raise PayloadError("decompression_bomb")
    if not decomp.is_finished() and not allow_truncated:
        raise PayloadError("truncated_payload")
    return out


def _unzstd(body: bytes, max_bytes: int, allow_truncated: bool) -> bytes:
    try:
        import zstandard
    except ImportError as exc:
        raise PayloadError("unsupported_content_encoding") from exc
    if _stored_decoded(body):
        return body
    try:
        # A stream reader bounds the output; it cannot tell a cut-off frame, so a
        # second (now bounded) pass with a decompressobj checks for the frame's end.
        reader = zstandard.ZstdDecompressor().stream_reader(body)
        out = bytearray()
        while len(out) <= max_bytes:
            piece = reader.read(1 << 16)
            if not piece:
                break
            out += piece
        if len(out) > max_bytes:
            raise PayloadError("decompression_bomb")
        checker = zstandard.ZstdDecompressor().decompressobj()
        checker.decompress(body)
    except zstandard.ZstdError as exc:
        raise PayloadError("bad_content_encoding") from exc
    if not checker.eof and not allow_truncated:
        raise PayloadError("truncated_payload")
    return bytes(out)
