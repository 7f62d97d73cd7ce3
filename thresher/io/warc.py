"""Read WARC (1.0, 1.1, 0.18) and WET files into pages, accounting for every record.

FastWARC parses the records: per-record gzip (the norm), uncompressed, zstd
and lz4 files are read as they are; a whole-file gzip is read through one
decompressed stream so that record offsets stay unique (see
:func:`thresher.io.fs.first_gzip_member_holds_several_records`).

Every record leaves exactly one trace (see :mod:`thresher.io.rejects`).
Responses (and HTML ``resource`` records) become :class:`HtmlPage`; WET
``conversion`` records become :class:`TextPage`. When the archive itself is
broken (a corrupt gzip member, garbage between records) the unreadable
stretch counts as one ``read/error/<reason>`` record, and reading resumes at
the next intact gzip member when the file is per-record gzip, so one bad
member does not cost the rest of a 1 GB file.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from fastwarc.warc import ArchiveIterator, WarcRecord

from thresher.io.dates import normalize_date
from thresher.io.fs import OpenedInput, first_gzip_member_holds_several_records, open_input
from thresher.io.pages import HtmlPage, Page, TextPage
from thresher.io.rejects import NullRejects, ReadAccount, RejectSink
from thresher.io.responses import ArchivedResponse, response_to_page
from thresher.stats import StatsSink

# Re-exported: the pipeline imports HtmlPage from here.
__all__ = ["HtmlPage", "TextPage", "WarcReadOptions", "iter_html_pages", "read_warc", "WARC_PAGE_RECORDS"]

#: Which record types become pages, by input format. Other types are counted as
#: ``read/skipped/<type>``: they are the archive's structure, not lost pages.
WARC_PAGE_RECORDS = {
    "warc": frozenset({"response", "resource"}),
    "wet": frozenset({"conversion"}),
    "auto": frozenset({"response", "resource", "conversion"}),
}

# A resource record that is no web page (a crawler log, a manifest): structure, not a lost page.
_STRUCTURAL_RESOURCE = "skipped/resource"

_CANONICAL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

# How a compressed stream breaks: FastWARC raises OSError; gzip.GzipFile (whole-file gzip) raises
# BadGzipFile (an OSError) on a bad header, but zlib.error on corrupt deflate data and EOFError when
# the file ends inside the stream, neither of them an OSError (both found by fuzzing).
_STREAM_ERRORS = (OSError, EOFError, zlib.error)


@dataclass(frozen=True, slots=True)
class WarcReadOptions:
    #: Payloads larger than this (after decompression) are skipped as ``oversized_payload``.
    max_payload_bytes: int = 10 * 1024 * 1024


def iter_html_pages(
    path: str,
    stats: StatsSink,
    options: WarcReadOptions = WarcReadOptions(),
    rejects: RejectSink | None = None,
) -> Iterator[HtmlPage]:
    """Yield the HTML pages of one WARC file (local path or any fsspec URL).

    Kept for callers that only want HTML; :func:`thresher.io.inputs.iter_input`
    reads every format.
    """
    account = ReadAccount(stats, rejects or NullRejects(), path)
    try:
        opened = open_input(path)
    except OSError as exc:
        account.error(open_error_reason(exc))
        return
    try:
        for page in read_warc(opened, account, options.max_payload_bytes, WARC_PAGE_RECORDS["warc"]):
            if isinstance(page, HtmlPage):
                yield page
    finally:
        opened.close()


def open_error_reason(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file_not_found"
    if isinstance(exc, PermissionError):
        return "permission_denied"
    return "unreadable_file"


def read_warc(
    opened: OpenedInput,
    account: ReadAccount,
    max_payload_bytes: int,
    page_records: frozenset[str],
    byte_range: ByteRange | None = None,
) -> Iterator[Page]:
    """The pages of one opened WARC/WET input; every record is counted in ``account``.

    ``byte_range`` ``(start, end)``: only the records that start in it (``end`` None: to the end of
    the file), for a work unit that reads one range of a large file. See :func:`splits_by_member`.
    """
    reader = _RecordReader(opened.path, account, max_payload_bytes, page_records)
    return _WarcScan(opened, account, reader, byte_range).pages()


#: ``(start, end)`` of a work unit's share of a file; ``end`` None: to the end.
ByteRange = tuple[int, "int | None"]


class _WarcScan:
    """One pass over a WARC file that survives broken stretches.

    FastWARC (in the quirks mode real crawls need) either raises on a broken
    record or quietly stops, so after its iteration ends the scan also checks
    that nothing but blank bytes is left; unread data counts as one error, and
    per-record gzip files resume at the next intact member.
    """

    def __init__(
        self, opened: OpenedInput, account: ReadAccount, reader: "_RecordReader", byte_range: ByteRange | None = None
    ) -> None:
        self.opened = opened
        self.account = account
        self.reader = reader
        self.whole_file_gzip = first_gzip_member_holds_several_records(opened)
        self.per_record_gzip = opened.compression == "gzip" and not self.whole_file_gzip and _seekable(opened.raw)
        self.plain = opened.compression is None and _seekable(opened.raw)
        self.start, self.end = byte_range if byte_range is not None else (0, None)
        #: Where this scan begins (the first intact member at or after ``start``).
        self.origin = 0
        # A later range says nothing about what it cannot read before its first record: that
        # belongs to the range before, which reads on past its end until a record starts.
        self.silent = self.start > 0
        self.last_pos = -1
        self.last_length = 0  # the last record's WARC Content-Length
        # The last record was counted, but its own gzip member broke while reading it.
        self.last_broken = False
        # Inside an unreadable stretch, which counts once however often reading fails in it.
        self.in_error = False

    def _in_range(self, pos: int) -> bool:
        return self.end is None or pos < self.end

    def _starts_next_range(self, pos: int) -> bool:
        """A record at ``pos`` past the end is the next range's when a member starts there (where the next
        range looks for its first record); one inside a member that started before is still this range's."""
        if self._in_range(pos):
            return False
        raw = self.opened.raw
        here = raw.tell()  # FastWARC reads on from here: the position must be given back exactly
        try:
            return _starts_warc_member(raw, pos)
        finally:
            raw.seek(here)

    def pages(self) -> Iterator[Page]:
        raw = self.opened.raw
        if self.start > 0:
            # A later range of the file: only a per-record gzip file splits (each member can be
            # read alone); the first range reads any other file whole.
            first = _next_gzip_member(raw, self.start) if self.per_record_gzip else None
            if first is None or not self._in_range(first):
                return
            self.origin = first
            raw.seek(first)
        # The boundary between ranges is the first record that starts at or after the end and can be
        # read: this range stops there, and the next range's first record is that one.
        stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if self.whole_file_gzip else raw  # type: ignore[assignment]
        while True:
            failure: str | None = None
            past_end = False
            try:
                for record in ArchiveIterator(
                    stream, parse_http=False, quirks_mode=True, stream_detect=not self.whole_file_gzip
                ):
                    if self.per_record_gzip and self._starts_next_range(int(record.stream_pos)):
                        past_end = True  # the next range's first record
                        break
                    self.silent = False
                    self.last_pos = int(record.stream_pos)
                    self.last_length = _declared_length(record)
                    page, self.last_broken = self.reader.handle(record)
                    self.in_error = self.last_broken
                    if page is not None:
                        yield page
            except _STREAM_ERRORS as exc:
                failure = _archive_error_reason(exc)
            if past_end:
                return
            resume = self._after_iteration(failure)
            if resume is None:
                return
            self.last_pos, self.last_length, self.last_broken = resume, 0, False
            raw.seek(resume)

    def _after_iteration(self, failure: str | None) -> int | None:
        """Count what was left unread, if anything; where to resume, or None to stop."""
        if self.per_record_gzip:
            if self.last_broken:
                broken: int | None = self.last_pos  # already counted with its record
            else:
                # The member right after the last good record's is the first one not read.
                broken = _gzip_member_end(self.opened.raw, self.last_pos) if self.last_pos >= 0 else self.origin
                if broken is None:
                    # The last record's own member cannot be delimited (its tail is corrupt, or the
                    # file ends inside it). Whatever intact member follows is where reading goes on.
                    resume = _next_gzip_member(self.opened.raw, self.last_pos + 1)
                    if resume is not None or failure is not None:
                        self._count_once(failure or "corrupt_compression", self.last_pos)
                    return resume
                if failure is None and broken >= _size(self.opened.raw):
                    return None  # read to the end
                self._count_once(failure or "malformed_record", broken if broken is not None else self.last_pos)
            self.in_error = True
            return _next_gzip_member(self.opened.raw, broken + 1) if broken is not None else None
        if failure is not None:
            self._count_once(failure, max(self.last_pos, 0))
        elif self.plain and self._plain_tail_unread():
            # max(): with no record read at all, last_pos is still -1, and a reject needs a real offset.
            self._count_once("malformed_record", max(self.last_pos, 0))
        return None

    def _count_once(self, reason: str, offset: int) -> None:
        if not self.in_error and not self.silent:
            self.account.error(reason, offset=offset)
        self.in_error = True

    def _plain_tail_unread(self) -> bool:
        """True when an uncompressed file holds more than blank bytes after its last record."""
        raw = self.opened.raw
        start = max(self.last_pos, 0)
        raw.seek(start)
        head = raw.read(1 << 16)
        # The header ends at the first blank line, CRLF or (WARC/0.18 writers) bare LF.
        ends = [(at, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (at := head.find(sep)) >= 0]
        if not ends:
            return bool(head.strip())
        blank, gap = min(ends)
        record_end = start + blank + gap + self.last_length
        if record_end >= _size(raw):
            # The declared length runs past the end (a cut record, or a huge Content-Length that a
            # seek would refuse): the tail belongs to that record, already counted, and nothing follows.
            return False
        raw.seek(record_end)
        return bool(raw.read(1 << 16).strip())


def _declared_length(record: WarcRecord) -> int:
    try:
        # A negative Content-Length declares no block at all (and must not move a seek backwards).
        return max(int(record.headers.get("Content-Length") or 0), 0)
    except ValueError:
        return 0


def _size(raw: BinaryIO) -> int:
    here = raw.tell()
    size = raw.seek(0, 2)
    raw.seek(here)
    return size


class _RecordReader:
    def __init__(self, source: str, account: ReadAccount, max_payload_bytes: int, page_records: frozenset[str]):
        self.source = source
        self.account = account
        self.max_payload_bytes = max_payload_bytes
        self.page_records = page_records

    def handle(self, record: WarcRecord) -> tuple[Page | None, bool]:
        """The record's page (or None once it is counted), and whether its bytes were unreadable."""
        record_type = str(record.record_type)
        if record_type not in self.page_records:
            self.account.skipped_structural(record_type if record_type != "unknown" else "unknown_record_type")
            return None, _PayloadReader(record).consume_rest()
        url = _target_uri(record)
        offset = int(record.stream_pos)
        payload = _PayloadReader(record)
        if record_type == "conversion":
            outcome = self._text_page(record, url, offset, payload)
        else:
            outcome = self._html_page(record, record_type, url, offset, payload)
        if outcome == _STRUCTURAL_RESOURCE:
            self.account.skipped_structural("resource")
        elif isinstance(outcome, str):
            self.account.outcome(outcome, url, offset)
        else:
            self._count_date_repair(record)
            self.account.forwarded()
        return (outcome if not isinstance(outcome, str) else None), payload.consume_rest()

    def _html_page(
        self, record: WarcRecord, record_type: str, url: str, offset: int, payload: "_PayloadReader"
    ) -> HtmlPage | str:
        warc_headers = record.headers
        if record_type == "resource":
            # A resource record is the payload itself (no HTTP headers): keep it when it is HTML.
            status = None
            headers = None
            content_type = warc_headers.get("Content-Type")
        else:
            if not record.is_http:
                return "skipped/non_http"
            try:
                record.parse_http(quirks_mode=True)
                headers = record.http_headers
                status = headers.status_code
            except Exception:  # noqa: BLE001 - fastwarc raises varied errors on broken HTTP heads
                return "error/malformed_http"
            if status is None:
                return "error/malformed_http"
            content_type = headers.get("Content-Type")
        if record_type == "resource" and not url.startswith(("http://", "https://")):
            return _STRUCTURAL_RESOURCE
        response = ArchivedResponse(
            url=url,
            crawl_date=_crawl_date(record),
            record_id=record.record_id or "",
            source=self.source,
            offset=offset,
            status=status,
            content_type=content_type,
            transfer_encoding=headers.get("Transfer-Encoding") if headers is not None else None,
            content_encoding=headers.get("Content-Encoding") if headers is not None else None,
            identified_type=warc_headers.get("WARC-Identified-Payload-Type"),
            declared_length=int(record.content_length),
            crawler_truncated=bool(warc_headers.get("WARC-Truncated")),
            read_payload=payload.read,
        )
        page = response_to_page(response, self.max_payload_bytes)
        if record_type == "resource" and isinstance(page, str) and page.startswith("skipped/non_html/"):
            return _STRUCTURAL_RESOURCE  # wget logs, manifests: archive structure, not lost pages
        return page

    def _text_page(self, record: WarcRecord, url: str, offset: int, payload: "_PayloadReader") -> TextPage | str:
        if not url:
            return "error/missing_target_uri"
        length = int(record.content_length)
        if length > self.max_payload_bytes:
            return "skipped/oversized_payload"
        block = payload.read_exactly(length)
        if len(block) < length:
            return "error/truncated_record"
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            # WET is UTF-8 by definition; a few bad bytes are replaced, not fatal.
            text = block.decode("utf-8", errors="replace")
            self.account.warning("undecodable_bytes")
        if not text.strip():
            return "skipped/empty_payload"
        language = (record.headers.get("WARC-Identified-Content-Language") or "").split(",")[0].strip()
        return TextPage(
            url=url,
            crawl_date=_crawl_date(record),
            record_id=record.record_id or "",
            source=self.source,
            offset=offset,
            text=text,
            language_hint=language or None,
        )

    def _count_date_repair(self, record: WarcRecord) -> None:
        raw = (record.headers.get("WARC-Date") or "").strip()
        if _CANONICAL_DATE.match(raw):
            return
        self.account.warning("repaired_date" if normalize_date(raw) else "malformed_date")


class _PayloadReader:
    """Reads a record's payload; a read that fails mid-record counts as a short read."""

    def __init__(self, record: WarcRecord) -> None:
        self.record = record
        self.broken = False

    def read(self, n: int) -> bytes:
        if self.broken:
            return b""
        try:
            return self.record.reader.read(n)
        except _STREAM_ERRORS:
            # The compressed stream broke inside this record: what was read is incomplete.
            self.broken = True
            return b""

    def consume_rest(self) -> bool:
        """Read past the rest of the record, here where a broken member is still this record's fault.

        Returns whether the record's bytes were unreadable."""
        if not self.broken:
            try:
                self.record.reader.consume()
            except _STREAM_ERRORS:
                self.broken = True
        return self.broken

    def read_exactly(self, n: int) -> bytes:
        parts = []
        while n > 0:
            piece = self.read(n)
            if not piece:
                break
            parts.append(piece)
            n -= len(piece)
        return b"".join(parts)


def _target_uri(record: WarcRecord) -> str:
    # wget writes the URI in <brackets> (WARC 1.0 grammar); others write it bare.
    return (record.headers.get("WARC-Target-URI") or "").strip().strip("<>").strip()


def _crawl_date(record: WarcRecord) -> str:
    return normalize_date(record.headers.get("WARC-Date")) or ""


def _archive_error_reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "corrupt_compression"  # the compressed stream ended early
    message = str(exc).lower()
    if any(word in message for word in ("gzip", "decompress", "zstd", "lz4", "inflate")):
        return "corrupt_compression"
    return "malformed_archive"


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except Exception:  # noqa: BLE001 - some remote file objects do not implement it
        return False


_RESYNC_WINDOW = 1 << 20
_RESYNC_LIMIT = 1 << 30


def _next_gzip_member(raw: BinaryIO, start: int) -> int | None:
    """Offset of the next gzip member at or after ``start`` that begins a WARC record.

    A gzip magic can occur by chance inside compressed data, so a candidate
    counts only when its first bytes inflate to ``WARC/``.
    """
    pos = max(start, 0)
    scanned = 0
    while scanned < _RESYNC_LIMIT:
        raw.seek(pos)
        window = raw.read(_RESYNC_WINDOW + 2)
        if len(window) < 3:
            return None
        at = window.find(b"\x1f\x8b\x08")
        while at >= 0:
            if _starts_warc_member(raw, pos + at):
                return pos + at
            at = window.find(b"\x1f\x8b\x08", at + 1)
        step = max(len(window) - 2, 1)
        pos += step
        scanned += step
    return None


def _gzip_member_end(raw: BinaryIO, start: int) -> int | None:
    """Where the (intact) gzip member starting at ``start`` ends: the next member's offset."""
    raw.seek(start)
    decomp = zlib.decompressobj(31)
    consumed = 0
    try:
        while not decomp.eof:
            block = raw.read(1 << 16)
            if not block:
                return None
            decomp.decompress(block, 0)
            while decomp.unconsumed_tail and not decomp.eof:
                decomp.decompress(decomp.unconsumed_tail, 1 << 20)
            consumed += len(block)
    except zlib.error:
        return None
    return start + consumed - len(decomp.unused_data)


def _starts_warc_member(raw: BinaryIO, offset: int) -> bool:
    raw.seek(offset)
    try:
        head = zlib.decompressobj(31).decompress(raw.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")
