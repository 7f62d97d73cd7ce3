"""A small, deterministic WARC/1.0 writer: one gzip member per record.

Only the standard library is used, and nothing depends on the clock, the host or
the hash seed: record ids come from a hash of what the caller passes, dates are
given by the caller, and every gzip member has mtime 0 and a fixed OS byte.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import uuid
import zlib
from dataclasses import dataclass
from typing import BinaryIO

WARC_VERSION = b"WARC/1.0"
CRLF = b"\r\n"


def record_id(key: str) -> str:
    """A ``<urn:uuid:...>`` derived from ``key``: the same key always gives the same id."""
    digest = hashlib.sha1(key.encode("utf-8")).digest()[:16]
    return f"<urn:uuid:{uuid.UUID(bytes=digest, version=4)}>"


def sha1_base32(data: bytes) -> str:
    """A WARC digest value: ``sha1:`` and the base32 SHA-1 of ``data``."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def gzip_member(data: bytes, level: int = 6) -> bytes:
    """One gzip member with mtime 0 and OS byte 255 ("unknown"), so bytes never vary by host.

    (``gzip.compress`` would take the OS byte from the zlib build.)
    """
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x00\xff"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + body + trailer


@dataclass(frozen=True)
class WrittenRecord:
    """Where a record went: its id and the byte offset of its gzip member."""

    record_id: str
    offset: int
    warc_type: str


class WarcWriter:
    """Appends WARC records, each as its own gzip member, to a binary stream."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._offset = 0
        self.counts: dict[str, int] = {}

    def write(self, warc_type: str, rid: str, date: str, block: bytes,
              content_type: str | None = None, headers: list[tuple[str, str]] | None = None,
              payload: bytes | None = None) -> WrittenRecord:
        """Write one record. ``payload`` (the HTTP body) adds a WARC-Payload-Digest."""
        fields: list[tuple[str, str]] = [
            ("WARC-Type", warc_type),
            ("WARC-Date", date),
            ("WARC-Record-ID", rid),
        ]
        fields += headers or []
        if payload is not None:
            fields.append(("WARC-Payload-Digest", sha1_base32(payload)))
        fields.append(("WARC-Block-Digest", sha1_base32(block)))
        if content_type is not None:
            fields.append(("Content-Type", content_type))
        fields.append(("Content-Length", str(len(block))))
        head = CRLF.join([WARC_VERSION] + [f"{k}: {v}".encode("utf-8") for k, v in fields])
        member = gzip_member(head + CRLF + CRLF + block + CRLF + CRLF)
        written = WrittenRecord(rid, self._offset, warc_type)
        self._stream.write(member)
        self._offset += len(member)
        self.counts[warc_type] = self.counts.get(warc_type, 0) + 1
        return written
