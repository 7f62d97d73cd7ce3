"""The columns of pre-extracted inputs (JSONL, Parquet): what a file offers, and kept fields' Arrow types.

Used before a run starts (:mod:`thresher.run.input_fields`) to check the text field and
``input.keep_fields`` against the input and to fix each kept field's Arrow type for the whole run:
a Parquet column's own type, or for JSONL the type Arrow infers from the first rows. During the
run, :func:`coerce_kept` makes each value fit that type (or null, counted) before it is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import pyarrow as pa

from thresher.io.fs import PARQUET_MAGIC, decompressed_stream, open_input
from thresher.io.rows import field_value

#: JSONL rows read to learn a file's fields and their types.
PROBE_ROWS = 1_000


@dataclass(frozen=True)
class InputColumns:
    """What one JSONL/Parquet file offers: its top-level column names and the rows read to learn them."""

    path: str
    format: str  # jsonl | parquet
    schema: pa.Schema
    #: JSONL: the first rows (for values of dotted names); Parquet: none (its schema is exact).
    rows: tuple[dict[str, Any], ...] = ()

    @property
    def names(self) -> list[str]:
        return list(self.schema.names)

    def has(self, name: str) -> bool:
        return self.type_of(name) is not None

    def type_of(self, name: str) -> pa.DataType | None:
        """The Arrow type of field ``name`` (a column, or a dotted path into structs); None when absent."""
        if name in self.schema.names:
            return self.schema.field(name).type
        parts = name.split(".")
        if parts[0] not in self.schema.names:
            return None
        arrow_type = self.schema.field(parts[0]).type
        for part in parts[1:]:
            if not pa.types.is_struct(arrow_type) or arrow_type.get_field_index(part) < 0:
                return None
            arrow_type = arrow_type.field(part).type
        return arrow_type


def read_columns(path: str, fmt: str, storage_options: Mapping[str, Any] | None = None) -> InputColumns | None:
    """The columns of a JSONL or Parquet file; None when it cannot be read (the run counts that itself)."""
    try:
        opened = open_input(path, storage_options)
    except Exception:  # noqa: BLE001 - unreadable files are the run's to count, not the check's
        return None
    try:
        if fmt == "parquet" or opened.raw_head.startswith(PARQUET_MAGIC):
            import pyarrow.parquet as pq

            schema = pq.ParquetFile(opened.raw, pre_buffer=False).schema_arrow
            return InputColumns(path, "parquet", schema)
        rows = _first_rows(opened)
        return InputColumns(path, "jsonl", infer_schema(rows), tuple(rows))
    except Exception:  # noqa: BLE001 - a broken file: phase A counts it as an errored record
        return None
    finally:
        opened.close()


def _first_rows(opened: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    stream = decompressed_stream(opened)
    while len(rows) < PROBE_ROWS:
        line = stream.readline(16 << 20)
        if not line:
            break
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def infer_schema(rows: Iterable[Mapping[str, Any]]) -> pa.Schema:
    """Each top-level key with the type Arrow infers from its values over ``rows`` (string when they disagree)."""
    values: dict[str, list[Any]] = {}
    for row in rows:
        for key, value in row.items():
            values.setdefault(key, []).append(value)
    fields = []
    for key, seen in values.items():
        try:
            arrow_type = pa.array(seen).type
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            arrow_type = pa.string()
        fields.append(pa.field(key, arrow_type))
    return pa.schema(fields)


def kept_field_type(columns: InputColumns, name: str) -> pa.DataType | None:
    """The Arrow type ``name`` keeps in the shards, learned from ``columns``; None when the file lacks it."""
    arrow_type = columns.type_of(name)
    if arrow_type is None and columns.format == "jsonl" and "." in name:
        # A dotted name into nested JSON objects: the type of the values it reaches.
        seen = [v for v in (field_value(row, name) for row in columns.rows) if v is not None]
        if seen:
            arrow_type = infer_schema({"v": v} for v in seen).field("v").type
    if arrow_type is not None and pa.types.is_null(arrow_type):
        return pa.string()  # only nulls seen: text is the type that holds the most
    return arrow_type


def coerce_kept(row: dict[str, Any], kept: Iterable[pa.Field]) -> int:
    """Make each kept value of ``row`` fit its field's type; how many could not (they become null).

    A string column takes any value as text (JSON for objects and lists).
    """
    misfits = 0
    for kept_field in kept:
        value = row.get(kept_field.name)
        if value is None:
            continue
        if pa.types.is_string(kept_field.type) and not isinstance(value, str):
            # A text column holds any value as text (a JSON field whose values disagree in type).
            row[kept_field.name] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
            continue
        try:
            pa.scalar(value, type=kept_field.type)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            row[kept_field.name] = None
            misfits += 1
    return misfits
