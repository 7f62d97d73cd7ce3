"""HTTP payload decoding: transfer encoding, then content encoding, with caps.

Crawlers store payloads as they came off the wire, and they lie: a header may
say ``chunked`` over a body that is not, or ``gzip`` over plain bytes. Each
step therefore falls back to the bytes it was given when they do not parse
that way, and raises :class:`PayloadError` only when nothing usable remains.
"""

from __future__ import annotations

import zlib


class PayloadError(Exception):
    """The payload cannot be decoded; ``reason`` is a short machine-readable tag."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def dechunk(body: bytes) -> bytes:
    """Undo ``Transfer-Encoding: chunked``; return ``body`` unchanged if it is not chunked."""
    out = bytearray()
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            break
        size_field = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            # Not chunked after all (or broken at the start): keep what the crawler stored.
            return body if pos == 0 else bytes(out)
        if size == 0:
            return bytes(out)
        start = eol + 2
        out += body[start : start + size]
        pos = start + size + 2
        if start + size > len(body):
            break
    return bytes(out) if out else body


def decode_content(body: bytes, encoding: str | None, max_bytes: int) -> bytes:
    """Undo ``Content-Encoding`` (gzip, deflate, br), never inflating past ``max_bytes``."""
    encoding = (encoding or "").strip().lower()
    if encoding in ("", "identity", "none"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _inflate(body, encoding, max_bytes)
    if encoding == "br":
        try:
            import brotli
        except ImportError as exc:  # pragma: no cover - brotli ships with the install
            raise PayloadError("unsupported_content_encoding") from exc
        try:
            out = brotli.decompress(body)
        except brotli.error:
            return body
        if len(out) > max_bytes:
            raise PayloadError("decompression_bomb")
        return out
    raise PayloadError("unsupported_content_encoding")


def _inflate(body: bytes, encoding: str, max_bytes: int) -> bytes:
    # gzip wrapper, zlib wrapper, then raw deflate: servers send all three as "deflate".
    for wbits in ((31, 15, -15) if encoding != "deflate" else (15, -15, 31)):
        decomp = zlib.decompressobj(wbits)
        try:
            out = decomp.decompress(body, max_bytes + 1)
        except zlib.error:
            continue
        if len(out) > max_bytes:
            raise PayloadError("decompression_bomb")
        return out
    # Header said compressed but the bytes are not: crawlers often store decoded bodies.
    return body
