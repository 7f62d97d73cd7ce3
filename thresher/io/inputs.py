"""The one entry point for reading input: any crawl format, any filesystem, every record accounted for.

``iter_input(path, stats, options, rejects)`` yields :class:`HtmlPage` (WARC
responses, ARC records: the pipeline extracts their text) and
:class:`TextPage` (WET conversion records, JSONL/Parquet rows: text already
extracted). With ``format: auto`` the format is decided per file by its magic
bytes (``WARC/``, ``filedesc://``, ``PAR1``, ``{``, under gzip/zstd/bz2/xz),
the file name breaking ties (``.wet``) and deciding when the bytes cannot.

Whatever happens, the read identity holds for every file:
``read/records == read/forwarded + read/skipped/* + read/error/*``; a file
that cannot be opened, or is no known format, counts one errored record.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from thresher.io import store_retries
from thresher.io.fs import PARQUET_MAGIC, OpenedInput, open_input
from thresher.io.pages import HtmlPage, Page, TextPage
from thresher.io.rejects import NullRejects, ReadAccount, RejectSink
from thresher.io.rows import RowFields, read_jsonl, read_parquet
from thresher.io.sniff import whole_file_skip
from thresher.io.warc import WARC_PAGE_RECORDS, ByteRange, open_error_reason, read_warc
from thresher.stats import StatsSink

__all__ = ["FORMATS", "InputOptions", "HtmlPage", "TextPage", "Page", "detect_format", "iter_input"]

FORMATS = ("auto", "warc", "arc", "wet", "jsonl", "parquet")

_COMPRESSION_SUFFIX = re.compile(r"\.(gz|gzip|zst|zstd|bz2|xz|lz4)$", re.IGNORECASE)


@dataclass(frozen=True)
class InputOptions:
    #: ``auto``, ``warc``, ``arc``, ``wet``, ``jsonl`` or ``parquet``.
    format: str = "auto"
    #: Payloads (and pre-extracted texts) larger than this are counted and skipped.
    max_payload_bytes: int = 10 * 1024 * 1024
    #: Field names of pre-extracted JSONL/Parquet rows (dots reach nested fields).
    text_field: str = "text"
    url_field: str = "url"
    id_field: str | None = "id"
    date_field: str | None = None
    #: Fields carried into the shards as they are (``input.keep_fields``).
    keep_fields: tuple[str, ...] = ()
    #: Keyword arguments for ``fsspec.open`` (credentials, ``endpoint_url``...).
    storage_options: Mapping[str, Any] = field(default_factory=dict)
    #: The run reads crawl archives: other files are skipped as ``not_a_crawl_file`` (thresher.io.sniff).
    crawl_only: bool = False

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"input format {self.format!r} is not one of {', '.join(FORMATS)}")
        if self.max_payload_bytes <= 0:
            raise ValueError("max_payload_bytes must be positive")

    @classmethod
    def from_config(cls, config: Any, storage_options: Mapping[str, Any] | None = None) -> "InputOptions":
        """From the pipeline's ``InputConfig`` (read by attribute, so io never imports the pipeline)."""
        return cls(
            format=config.format,
            max_payload_bytes=config.max_payload_bytes,
            text_field=config.text_field,
            url_field=config.url_field,
            id_field=config.id_field,
            date_field=config.date_field,
            keep_fields=tuple(getattr(config, "keep_fields", ()) or ()),
            storage_options=dict(storage_options or getattr(config, "storage_options", None) or {}),
        )

    @property
    def row_fields(self) -> RowFields:
        return RowFields(self.text_field, self.url_field, self.id_field, self.date_field, self.keep_fields)


def iter_input(
    path: str,
    stats: StatsSink,
    options: InputOptions = InputOptions(),
    rejects: RejectSink | None = None,
    byte_range: ByteRange | None = None,
) -> Iterator[Page]:
    """Yield the pages of one input file (local path or any fsspec URL).

    ``byte_range`` ``(start, end)``: only the records that start in that range of the file (a work
    unit's share). Per-record gzip WARC/WET files split at any byte (each range starts at its first
    intact gzip member) and Parquet files by row group; any other file is read whole by the range
    that starts at 0, and later ranges give nothing. What concerns the whole file (it cannot be
    opened, its format is unknown, it gave no record) is counted by the range that starts at 0 only.
    """
    account = ReadAccount(stats, rejects or NullRejects(), path)
    first = byte_range is None or byte_range[0] == 0
    try:
        opened = open_input(path, options.storage_options)
    except OSError as exc:
        store_retries.check(path, exc)  # a store that kept failing stops the run: nothing counted as lost
        if first:
            account.error(open_error_reason(exc), offset=0, cause=exc)
        return
    except Exception as exc:  # noqa: BLE001 - unknown scheme, bad credentials: the run goes on
        store_retries.check(path, exc)
        if first:
            account.error("unreadable_file", offset=0, cause=exc)
        return
    try:
        skip = whole_file_skip(opened, options.crawl_only, format_from_name(path))
        if skip is not None:
            if first:
                account.skipped(skip, offset=0)
            return
        fmt = options.format if options.format != "auto" else detect_format(path, opened)
        if fmt is None:
            if first:
                account.error("unknown_format", offset=0)
            return
        yield from _read(fmt, options.format == "auto", opened, account, options, byte_range)
        if first and account.records == 0 and opened.raw_head:
            # A non-empty file that gave no record (an ARC read as WARC, a wrong format) must not vanish.
            account.error("no_records", offset=0)
    finally:
        opened.close()
        failure = getattr(opened.raw, "failure", None)
        if failure is not None and sys.exc_info()[0] is None:
            raise failure  # what the reader counted as damage was the store failing


def _read(
    fmt: str, auto: bool, opened: OpenedInput, account: ReadAccount, options: InputOptions,
    byte_range: ByteRange | None,
) -> Iterator[Page]:
    if fmt in ("warc", "wet"):
        # Auto-detected WARCs turn both responses and conversion records into pages.
        mode = "auto" if auto and fmt == "warc" else fmt
        yield from read_warc(opened, account, options.max_payload_bytes, WARC_PAGE_RECORDS[mode], byte_range)
    elif fmt == "parquet":
        yield from read_parquet(opened, account, options.row_fields, options.max_payload_bytes, byte_range)
    elif byte_range is not None and byte_range[0] > 0:
        return  # read whole by the file's first range
    elif fmt == "arc":
        from thresher.io.arc import read_arc

        yield from read_arc(opened, account, options.max_payload_bytes)
    elif fmt == "jsonl":
        yield from read_jsonl(opened, account, options.row_fields, options.max_payload_bytes)
    else:  # pragma: no cover - InputOptions validates the format
        raise ValueError(fmt)


def detect_format(path: str, opened: OpenedInput) -> str | None:
    """The format by magic bytes, the name breaking ties; None when neither tells."""
    by_name = format_from_name(path)
    head = opened.head
    if opened.raw_head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(b"WARC/"):
        return "wet" if by_name == "wet" else "warc"
    if head.startswith(b"filedesc://"):
        return "arc"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "jsonl"
    return by_name


def format_from_name(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1].lower()
    name = _COMPRESSION_SUFFIX.sub("", name)
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith(".arc"):
        return "arc"
    if ".wet" in name:
        return "wet"
    if name.endswith(".warc"):
        return "warc"
    return None
