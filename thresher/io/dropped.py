"""Dropped documents, whole: the rows of ``OUTPUT/dropped/*.parquet`` (``output.keep_dropped``).

One row per document a stage dropped: the URL filter, extraction (where the page had a URL or
text), language ID, each quality filter, and every dedup stage. ``stage`` and ``reason`` are the
names stats.json counts the drop under (``<stage>/dropped/<reason>``), ``signals`` what the stage
measured (a JSON object), ``duplicate_of`` the id a dedup removal duplicated. Kept input columns
(``input.keep_fields``) follow, as in the shards.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

import pyarrow as pa

from thresher.record import Document, DroppedDocument

DROPPED_SCHEMA_NAME = "dropped"

_FIELDS = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("url", pa.string(), nullable=False),
    pa.field("crawl_date", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("offset", pa.int64(), nullable=False),
    pa.field("stage", pa.string(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    # Null where the page never had text (an HTML page whose extraction failed, a URL filter drop).
    pa.field("text", pa.string(), nullable=True),
    pa.field("language", pa.string(), nullable=True),
    pa.field("language_score", pa.float64(), nullable=True),
    pa.field("signals", pa.string(), nullable=False),
    pa.field("duplicate_of", pa.string(), nullable=True),
]


def dropped_schema(kept_fields: Iterable[pa.Field] = ()) -> pa.Schema:
    schema = pa.schema(_FIELDS, metadata={b"thresher.dataset": DROPPED_SCHEMA_NAME.encode()})
    for kept in kept_fields:
        schema = schema.append(kept.with_nullable(True))
    return schema


def split_reason(reason: str) -> tuple[str, str]:
    """``"filters/gopher_quality/short_doc"`` -> ``("filters/gopher_quality", "short_doc")``; others split at the first ``/``."""
    parts = reason.split("/")
    cut = 2 if parts[0] == "filters" and len(parts) > 2 else 1
    return "/".join(parts[:cut]), "/".join(parts[cut:])


def phase_a_row(drop: DroppedDocument, kept_fields: Iterable[pa.Field] = ()) -> dict[str, Any]:
    """The row of a document phase A dropped (the URL filter, extraction, language ID, a filter)."""
    stage, reason = split_reason(drop.reason)
    what = drop.dropped
    row: dict[str, Any] = {
        "id": drop.id, "url": drop.url, "crawl_date": getattr(what, "crawl_date", "") or "",
        "source": drop.source, "offset": drop.offset, "stage": stage, "reason": reason,
        "text": getattr(what, "text", None), "language": getattr(what, "language", None),
        "language_score": getattr(what, "language_score", None),
        "signals": json.dumps(drop.signals, sort_keys=True), "duplicate_of": None,
    }
    fields = what.fields if isinstance(what, Document) else (getattr(what, "fields", None) or {})
    for kept in kept_fields:
        row[kept.name] = fields.get(kept.name)
    return row


def dedup_row(document: Mapping[str, Any], stage: str, reason: str, duplicate_of: str | None,
              kept_fields: Iterable[pa.Field] = ()) -> dict[str, Any]:
    """The row of a document dedup removed, from its document-file row."""
    row = {name: document.get(name) for name in ("id", "url", "crawl_date", "source", "offset", "text",
                                                  "language", "language_score", "signals")}
    row.update(stage=stage, reason=reason, duplicate_of=duplicate_of)
    row["signals"] = row["signals"] or "{}"
    for kept in kept_fields:
        row[kept.name] = document.get(kept.name)
    return row
