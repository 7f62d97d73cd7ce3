"""Before a run: the input's columns checked against the config, and the kept fields' Arrow types fixed.

For pre-extracted inputs (JSONL, Parquet) this reads the first few such files' columns (a Parquet
footer, the first rows of a JSONL file) and stops the run with a one-line :class:`ConfigError`
when the text field is not in one of them (naming the columns found and the key to set) or a
``input.keep_fields`` entry is in no file. It also tells whether any input may give its own ids,
which turns on dedup's ``dedup_id`` stage (documents sharing an id: the first keeps it).
Crawl archives (WARC, ARC, WET) named as such are never opened here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pyarrow as pa

from thresher.errors import ConfigError
from thresher.io.fields import InputColumns, kept_field_type, read_columns
from thresher.io.fs import open_input
from thresher.io.inputs import InputOptions, detect_format, format_from_name
from thresher.io.shards import CLUSTER_SIZE, shard_schema

#: Files opened at most to learn the input's columns (the run itself counts any later mismatch).
PROBE_FILES = 4
_ROW_FORMATS = ("jsonl", "parquet")


@dataclass(frozen=True)
class InputFacts:
    #: ``input.keep_fields`` with their Arrow types, in the configured order.
    kept_fields: tuple[pa.Field, ...] = ()
    #: Some input may be rows that carry their own ids (``input.id_field``).
    given_ids: bool = False


def reserved_columns() -> set[str]:
    """Names a kept field cannot take: the shards' own columns."""
    return set(shard_schema(True, True).names) | {CLUSTER_SIZE}


def inspect_inputs(files: Sequence[str], options: InputOptions) -> InputFacts:
    """Check the text field and kept fields against the first row files; the facts the plan needs."""
    for name in options.keep_fields:
        if name in reserved_columns():
            raise ConfigError(f"input.keep_fields: {name!r} is a column the shards already have; "
                              "keep another field (the shards' columns: docs/SHARDS.md)")
    if len(set(options.keep_fields)) != len(options.keep_fields):
        raise ConfigError(f"input.keep_fields: a field is named twice in {list(options.keep_fields)}")
    row_files, maybe_rows = _row_files(files, options)
    given_ids = options.id_field is not None and maybe_rows
    probed = [c for c in (read_columns(path, fmt, options.storage_options) for path, fmt in row_files) if c]
    for columns in probed:
        _check_text_field(columns, options)
    if not options.keep_fields:
        return InputFacts((), given_ids)
    if not maybe_rows:
        raise ConfigError("input.keep_fields: only JSONL and Parquet inputs have fields to keep; "
                          "the inputs are crawl archives (WARC, ARC, WET)")
    kept = []
    for name in options.keep_fields:
        arrow_type = next((t for t in (kept_field_type(c, name) for c in probed) if t is not None), None)
        if arrow_type is None:
            where = probed[0] if probed else None
            found = f" (columns found in {where.path}: {_names(where)})" if where else ""
            raise ConfigError(f"input.keep_fields: no field {name!r} in the input{found}")
        kept.append(pa.field(name, arrow_type, nullable=True))
    return InputFacts(tuple(kept), given_ids)


def _row_files(files: Sequence[str], options: InputOptions) -> tuple[list[tuple[str, str]], bool]:
    """Up to :data:`PROBE_FILES` JSONL/Parquet inputs ``(path, format)``, and whether any input may be one."""
    chosen: list[tuple[str, str]] = []
    maybe_rows = False
    opened = 0
    for path in files:
        fmt = options.format if options.format != "auto" else format_from_name(path)
        if fmt is None and options.format == "auto":
            if opened >= PROBE_FILES:
                maybe_rows = True  # not looked at: it may be rows
                continue
            opened += 1
            fmt = _detect(path, options)
        if fmt in _ROW_FORMATS:
            maybe_rows = True
            if len(chosen) < PROBE_FILES:
                chosen.append((path, fmt))
    return chosen, maybe_rows


def _detect(path: str, options: InputOptions) -> str | None:
    try:
        opened = open_input(path, options.storage_options)
    except Exception:  # noqa: BLE001 - phase A counts an unreadable file
        return None
    try:
        return detect_format(path, opened)
    finally:
        opened.close()


def _check_text_field(columns: InputColumns, options: InputOptions) -> None:
    if columns.has(options.text_field) or (columns.format == "jsonl" and not columns.rows):
        return
    seen = "columns" if columns.format == "parquet" else f"fields of its first {len(columns.rows)} rows"
    raise ConfigError(
        f"input.text_field: {columns.path} has no {options.text_field!r} field ({seen}: {_names(columns)}); "
        "set input.text_field to the field that holds the text"
    )


def _names(columns: InputColumns, limit: int = 20) -> str:
    names = columns.names
    shown = ", ".join(names[:limit]) or "none"
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")

