"""The Arrow schema of intermediate document files (phase A/dedup results)."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from thresher.record import Document

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("crawl_date", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("offset", pa.int64(), nullable=False),
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("language", pa.string(), nullable=True),
        pa.field("language_score", pa.float64(), nullable=True),
        # Signal names vary by config: kept as a JSON object.
        pa.field("signals", pa.string(), nullable=False),
        pa.field("duplicate_of", pa.string(), nullable=True),
    ]
)


# Input records that never became pages, with where they were and why (rejects sink).
REJECT_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("offset", pa.int64(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
    ]
)


def document_schema(kept_fields: tuple[pa.Field, ...] | list[pa.Field] = ()) -> pa.Schema:
    """A document file's schema: :data:`DOCUMENT_SCHEMA`, then the kept input columns (``input.keep_fields``)."""
    schema = DOCUMENT_SCHEMA
    for kept in kept_fields:
        schema = schema.append(kept.with_nullable(True))
    return schema


def document_to_row(doc: Document) -> dict[str, Any]:
    row = doc.to_dict()
    row["signals"] = json.dumps(doc.signals, sort_keys=True)
    fields = row.pop("fields")
    if fields:
        row.update(fields)
    return row


def row_to_document(row: dict[str, Any]) -> Document:
    row = dict(row)
    row["signals"] = json.loads(row.get("signals") or "{}")
    return Document.from_dict(row)
