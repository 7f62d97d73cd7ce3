"""Pre-extracted corpora: JSONL (plain, .gz, .zst, .bz2, .xz) and Parquet rows as :class:`TextPage`.

Field names are configurable and may name nested fields with dots
(``metadata.url`` for Dolma-style rows) when no top-level key has that exact
name. A row's id is its id field when present; otherwise the document id is
derived from URL and date exactly as for WARC pages
(:func:`thresher.record.document_id`), and a row with neither id nor URL gets
``"<source>#<row>"`` so that ids stay unique. ``offset`` is the 0-based line
(JSONL) or row (Parquet) number.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any, Iterator

from thresher.io.dates import normalize_date
from thresher.io.fs import OpenedInput, decompressed_stream
from thresher.io.pages import TextPage
from thresher.io.rejects import ReadAccount


@dataclass(frozen=True, slots=True)
class RowFields:
    text: str = "text"
    url: str = "url"
    id: str | None = "id"
    date: str | None = None
    #: Fields carried as they are into the shards (``input.keep_fields``).
    keep: tuple[str, ...] = ()


def field_value(row: dict[str, Any], name: str) -> Any:
    """``row[name]``, or the nested value a dotted name points to; None when absent."""
    if name in row:
        return row[name]
    value: Any = row
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def row_to_page(
    row: Any, fields: RowFields, source: str, offset: int, max_text_bytes: int, account: ReadAccount
) -> TextPage | str:
    """The row's page, or ``"skipped/<reason>"`` / ``"error/<reason>"``."""
    if not isinstance(row, dict):
        return "error/malformed_row"
    text = field_value(row, fields.text)
    if text is None:
        return "error/missing_text_field"
    if not isinstance(text, str):
        return "error/malformed_row"
    if not text.strip():
        return "skipped/empty_text"
    if len(text) > max_text_bytes:
        return "skipped/oversized_payload"
    url = field_value(row, fields.url)
    url = url.strip() if isinstance(url, str) else ""
    record_id = ""
    given_id = None
    if fields.id:
        value = field_value(row, fields.id)
        if value is not None and str(value).strip():
            record_id = given_id = str(value).strip()
        else:
            account.warning("missing_id")
    if not record_id and not url:
        record_id = f"{source}#{offset}"
    crawl_date = ""
    if fields.date:
        raw = field_value(row, fields.date)
        if raw is not None:
            crawl_date = normalize_date(raw) or ""
            if not crawl_date:
                account.warning("malformed_date")
    kept = None
    if fields.keep:
        kept = {name: field_value(row, name) for name in fields.keep}
        if any(value is None for value in kept.values()):
            account.warning("missing_field")
    return TextPage(url=url, crawl_date=crawl_date, record_id=record_id, source=source, offset=offset, text=text,
                    given_id=given_id, fields=kept)


def read_jsonl(
    opened: OpenedInput, account: ReadAccount, fields: RowFields, max_payload_bytes: int
) -> Iterator[TextPage]:
    stream = decompressed_stream(opened)
    line_no = -1
    try:
        while True:
            line = stream.readline(max_payload_bytes + 1)
            if not line:
                return
            line_no += 1
            if len(line) > max_payload_bytes and not line.endswith(b"\n"):
                _skip_rest_of_line(stream)
                account.skipped("oversized_payload", offset=line_no)
                continue
            if not line.strip():
                line_no -= 1  # blank lines are no records: row numbers count records only
                continue
            try:
                row = json.loads(line)
            except UnicodeDecodeError:
                row = _loads_replacing(line)
                account.warning("undecodable_bytes")
            except ValueError:
                row = None
            if row is None:
                account.error("malformed_json", offset=line_no)
                continue
            outcome = row_to_page(row, fields, opened.path, line_no, max_payload_bytes, account)
            if isinstance(outcome, str):
                account.outcome(outcome, _row_url(row, fields), line_no)
            else:
                account.forwarded()
                yield outcome
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        # The rest of the file is unreadable (a truncated .gz, a corrupt frame): one errored record.
        account.error(_stream_error_reason(exc), offset=line_no + 1)


def _loads_replacing(line: bytes) -> Any:
    try:
        return json.loads(line.decode("utf-8", errors="replace"))
    except ValueError:
        return None


def _skip_rest_of_line(stream: Any) -> None:
    while True:
        piece = stream.readline(1 << 20)
        if not piece or piece.endswith(b"\n"):
            return


def _row_url(row: Any, fields: RowFields) -> str:
    if isinstance(row, dict):
        url = field_value(row, fields.url)
        if isinstance(url, str):
            return url
    return ""


def _stream_error_reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError) or "end-of-stream" in str(exc).lower():
        return "truncated_file"
    if isinstance(exc, zlib.error) or "crc" in str(exc).lower() or "compress" in str(exc).lower():
        return "corrupt_compression"
    return "unreadable_file"


def read_parquet(
    opened: OpenedInput,
    account: ReadAccount,
    fields: RowFields,
    max_payload_bytes: int,
    byte_range: tuple[int, int | None] | None = None,
) -> Iterator[TextPage]:
    """The rows of a Parquet file as pages; with ``byte_range``, those of the row groups starting in it."""
    import pyarrow.parquet as pq

    first = byte_range is None or byte_range[0] == 0
    try:
        # No read-ahead threads into a Python file object (see thresher.io.storage.open_parquet).
        parquet = pq.ParquetFile(opened.raw, pre_buffer=False)
    except Exception:  # noqa: BLE001 - pyarrow raises ArrowInvalid, OSError... on a broken footer
        if first:
            account.error("malformed_parquet", offset=0)
        return
    available = set(parquet.schema_arrow.names)
    wanted = [f for f in (fields.text, fields.url, fields.id, fields.date, *fields.keep) if f]
    columns = sorted({_column_of(name, available) for name in wanted} - {None})
    if _column_of(fields.text, available) is None:
        # A config/corpus mismatch, not a bad row: one errored record for the whole file.
        if first:
            account.error("missing_text_column", offset=0)
        return
    for group, first_row in _row_groups_in(parquet.metadata, byte_range):
        row_no = first_row - 1
        try:
            for batch in parquet.iter_batches(batch_size=1024, columns=columns, row_groups=[group]):
                for row in batch.to_pylist():
                    row_no += 1
                    outcome = row_to_page(row, fields, opened.path, row_no, max_payload_bytes, account)
                    if isinstance(outcome, str):
                        account.outcome(outcome, _row_url(row, fields), row_no)
                    else:
                        account.forwarded()
                        yield outcome
        except Exception:  # noqa: BLE001 - a corrupt row group: the rest of it counts once, the next one is read
            account.error("malformed_parquet", offset=row_no + 1)


def _row_groups_in(metadata: Any, byte_range: tuple[int, int | None] | None) -> list[tuple[int, int]]:
    """``(row group, file row number of its first row)`` of the row groups whose first byte lies in ``byte_range``."""
    chosen, rows_before = [], 0
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        starts = [group.column(c).dictionary_page_offset or group.column(c).data_page_offset
                  for c in range(group.num_columns)]
        start = min((s for s in starts if s is not None), default=0)
        if byte_range is None or (start >= byte_range[0] and (byte_range[1] is None or start < byte_range[1])):
            chosen.append((index, rows_before))
        rows_before += group.num_rows
    return chosen


def _column_of(name: str, available: set[str]) -> str | None:
    """The top-level column holding field ``name`` (itself, or the struct a dotted name starts with)."""
    if name in available:
        return name
    head = name.split(".", 1)[0]
    return head if head in available else None
