"""Phase A results per input file: complete or absent, so a relaunch redoes only what is missing.

Each input file's result is a directory ``_work/phase_a/<key>/`` holding
``documents.parquet`` (kept documents), ``rejects.parquet`` (rejected
records), ``audit.json`` (the audit candidates: per drop reason the N
smallest-id dropped documents) and ``result.json`` (the file's counters and
the fingerprint of the config that made it). It is written under a temporary
name and renamed into place: a reader sees all of it or none of it.

``<key>`` is a hash of the input path, never derived from its text: no path
traversal from hostile names.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from typing import Any, Iterable, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from thresher.io.documents import DOCUMENT_SCHEMA, REJECT_SCHEMA
from thresher.record import DroppedDocument
from thresher.stats import merge

RESULT_FILE = "result.json"
FORMAT_VERSION = 1


def file_key(path: str) -> str:
    return hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def config_fingerprint(config_sections: Mapping[str, Any]) -> str:
    """A hash of the config sections that shape phase A's output."""
    canonical = json.dumps(config_sections, sort_keys=True, default=str)
    return hashlib.sha256(f"{FORMAT_VERSION}:{canonical}".encode()).hexdigest()


def write_file_result(
    directory: str,
    source: str,
    fingerprint: str,
    documents: Iterable[dict[str, Any]],
    counters: Mapping[str, int],
    audit: Iterable[DroppedDocument],
    rejects: Iterable[dict[str, Any]],
) -> str:
    """Write one input file's phase-A result atomically; returns its final directory."""
    final = os.path.join(directory, file_key(source))
    tmp = f"{final}.tmp-{uuid.uuid4().hex}"
    os.makedirs(tmp)
    rows = sorted(documents, key=lambda r: r["id"])
    pq.write_table(_table(rows, DOCUMENT_SCHEMA), os.path.join(tmp, "documents.parquet"))
    reject_rows = sorted(rejects, key=lambda r: (r["offset"], r["reason"]))
    pq.write_table(_table(reject_rows, REJECT_SCHEMA), os.path.join(tmp, "rejects.parquet"))
    with open(os.path.join(tmp, "audit.json"), "w", encoding="utf-8") as fh:
        json.dump([d.to_dict() for d in sorted(audit, key=lambda d: (d.reason, d.id))], fh, ensure_ascii=False)
    with open(os.path.join(tmp, RESULT_FILE), "w", encoding="utf-8") as fh:
        json.dump({"source": source, "fingerprint": fingerprint, "counters": dict(sorted(counters.items()))}, fh)
    # A retried bundle may have written the same result already: the newer one wins whole.
    if os.path.exists(final):
        shutil.rmtree(final)
    os.rename(tmp, final)
    return final


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pydict({f.name: [r.get(f.name) for r in rows] for f in schema}, schema=schema)


def completed_results(directory: str, fingerprint: str) -> dict[str, str]:
    """``{source path: result dir}`` of finished results made with this config.

    Leftovers of an interrupted write, and results of another config, are removed.
    """
    done: dict[str, str] = {}
    if not os.path.isdir(directory):
        return done
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        result = _read_result(path)
        if ".tmp-" in name or result is None or result.get("fingerprint") != fingerprint:
            shutil.rmtree(path, ignore_errors=True)
            continue
        done[result["source"]] = path
    return done


def _read_result(path: str) -> dict[str, Any] | None:
    try:
        with open(os.path.join(path, RESULT_FILE), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def merged_counters(result_dirs: Iterable[str]) -> dict[str, int]:
    results = (_read_result(path) for path in result_dirs)
    return merge(result["counters"] for result in results if result is not None)


def merged_audit(result_dirs: Iterable[str], per_reason: int) -> dict[str, list[dict[str, Any]]]:
    """Per reason the ``per_reason`` smallest-id drops over all files: the same
    selection a single global pass would make, since each file kept its own smallest."""
    by_reason: dict[str, list[dict[str, Any]]] = {}
    for path in result_dirs:
        try:
            with open(os.path.join(path, "audit.json"), encoding="utf-8") as fh:
                items = json.load(fh)
        except (OSError, ValueError):
            continue
        for item in items:
            by_reason.setdefault(item["reason"], []).append(item)
    return {
        reason: sorted(items, key=lambda d: d["id"])[:per_reason]
        for reason, items in sorted(by_reason.items())
    }
