"""Open an input of any scheme through fsspec, and look at its first bytes.

Paths are local files or any URL fsspec knows (``s3://``, ``gs://``,
``https://``...). Credentials and endpoints come from the usual places of
each filesystem, so nothing is configured in Thresher itself. For S3 against
a custom endpoint (MinIO, Ceph, a local moto server), set one of:

* ``AWS_ENDPOINT_URL_S3=http://host:9000`` (or ``AWS_ENDPOINT_URL``), read by
  botocore, which s3fs uses, together with ``AWS_ACCESS_KEY_ID`` /
  ``AWS_SECRET_ACCESS_KEY``;
* ``FSSPEC_S3_ENDPOINT_URL=http://host:9000``, fsspec's own per-protocol
  environment config (read when fsspec is imported);
* an fsspec config file ``~/.config/fsspec/s3.json`` holding
  ``{"s3": {"endpoint_url": "http://host:9000"}}``;
* or ``storage_options`` (``InputOptions.storage_options``), passed to
  ``fsspec.open`` as keyword arguments; without them, the options configured for the URL
  (:func:`thresher.io.storage.options_for`) apply.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO, Mapping


GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BZ2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
PARQUET_MAGIC = b"PAR1"

_HEAD_BYTES = 1 << 16


@dataclass
class OpenedInput:
    """An open input with its first bytes, raw and (when compressed) decompressed."""

    path: str
    raw: BinaryIO
    #: ``gzip``, ``zstd``, ``bz2``, ``xz`` or None, from the magic bytes.
    compression: str | None
    raw_head: bytes
    #: The first decompressed bytes (the raw ones when not compressed); may be short on a broken file.
    head: bytes

    def close(self) -> None:
        try:
            self.raw.close()
        except Exception:  # noqa: BLE001 - closing a broken remote stream must not mask the real error
            pass


def open_input(path: str, storage_options: Mapping[str, Any] | None = None) -> OpenedInput:
    """Open ``path`` for reading; raises OSError (FileNotFoundError...) when it cannot be opened."""
    from thresher.io import storage, store_retries

    fs, remote = storage.filesystem(path, storage_options)
    raw = fs.open(remote, "rb")
    if storage.is_url(path):
        raw = store_retries.WatchedStream(raw, path)  # a store failing mid-read is no damaged file
    try:
        raw_head = raw.read(_HEAD_BYTES)
        raw.seek(0)
    except Exception:
        raw.close()
        raise
    compression = compression_of(raw_head)
    return OpenedInput(path, raw, compression, raw_head, _decompressed_head(raw_head, compression))


def compression_of(head: bytes) -> str | None:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(BZ2_MAGIC) and head[3:4].isdigit():
        return "bz2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    return None


def _decompressed_head(raw_head: bytes, compression: str | None) -> bytes:
    try:
        if compression == "gzip":
            return _inflate_slices(zlib.decompressobj(31), raw_head, _HEAD_BYTES)[0]
        if compression == "zstd":
            import zstandard

            return zstandard.ZstdDecompressor().decompressobj().decompress(raw_head)[:_HEAD_BYTES]
        if compression == "bz2":
            return bz2.BZ2Decompressor().decompress(raw_head, _HEAD_BYTES)
        if compression == "xz":
            return lzma.LZMADecompressor().decompress(raw_head, _HEAD_BYTES)
    except Exception:  # noqa: BLE001 - a corrupt head only makes format detection fall back to the name
        return b""
    return raw_head


def _inflate_slices(decomp: Any, data: bytes, max_output: int) -> tuple[bytes, bool]:
    """Inflate ``data`` in small slices: ``(output, intact)``.

    A corrupt stretch (a bad CRC at the end of a member, found by fuzzing) makes zlib raise and
    lose all the output of that call; in slices, everything before the damage is kept.
    """
    out = bytearray()
    for at in range(0, len(data), 64):
        if decomp.eof or len(out) >= max_output:
            break
        try:
            out += decomp.decompress(data[at:at + 64], max_output - len(out))
        except zlib.error:
            return bytes(out), False
    return bytes(out), True


def decompressed_stream(opened: OpenedInput) -> BinaryIO:
    """The whole input as one decompressed byte stream (for line- and whole-file formats)."""
    raw = opened.raw
    if opened.compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if opened.compression == "zstd":
        import zstandard

        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        return io.BufferedReader(reader)  # type: ignore[arg-type]
    if opened.compression == "bz2":
        return bz2.BZ2File(raw, mode="rb")  # type: ignore[return-value]
    if opened.compression == "xz":
        return lzma.LZMAFile(raw, mode="rb")  # type: ignore[return-value]
    return raw


def first_gzip_member_holds_several_records(opened: OpenedInput, max_output: int = 8 << 20) -> bool:
    """True for a whole-file gzip WARC (or one whose members hold several records).

    Per-record gzip (the norm) gives each record its own member, whose offset
    is the record's address. In a whole-file gzip every record starts inside
    the same member, so offsets must be taken in the decompressed stream
    instead. Decided on the first member: it holds several records when its
    output runs past the first record's declared length into another record,
    or, when that length is missing or lies, when another WARC header starts
    on a line of its own inside it.
    """
    if opened.compression != "gzip":
        return False
    first_len = _first_record_length(opened.head)
    decomp = zlib.decompressobj(31)
    produced = bytearray()

    def next_record_after_first() -> bool:
        return first_len is not None and len(produced) > first_len + 64 and bytes(
            produced[first_len:first_len + 64]).lstrip(b"\r\n").startswith((b"WARC/", b"filedesc:"))

    try:
        opened.raw.seek(0)
        while not decomp.eof and len(produced) < max_output:
            block = opened.raw.read(1 << 16)
            if not block:
                break
            out, intact = _inflate_slices(decomp, block, max_output - len(produced))
            produced += out
            if next_record_after_first():
                return True
            if not intact:
                break  # what came before the damage decides
    except OSError:
        pass
    finally:
        opened.raw.seek(0)
    if next_record_after_first():
        return True
    if first_len is not None and len(produced) <= first_len + 64:
        return False  # the member holds the first record's bytes and no more: per-record gzip
    # Found by fuzzing: when the first record's Content-Length is missing or lies, a whole-file gzip
    # was taken for per-record gzip, and FastWARC then gave every record in the member the same
    # meaningless offset (the compressed position of its read buffer, often the end of the file).
    return _NEXT_WARC_HEADER.search(produced) is not None


# A WARC version line at the start of a line, followed by a header field: another record's header.
_NEXT_WARC_HEADER = re.compile(rb"\nWARC/\d+\.\d+\r?\n[A-Za-z][A-Za-z0-9-]*:")


def _first_record_length(head: bytes) -> int | None:
    """Header plus block length of the first WARC record in ``head``, if it can be read."""
    end = head.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = head.find(b"\n\n"), 2
    if end < 0:
        return None
    for line in head[:end].split(b"\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return end + sep + int(value.strip())
            except ValueError:
                return None
    return None
