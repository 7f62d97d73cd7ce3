"""A run's dropped documents (``output.keep_dropped``): counts by stage and reason, the documents, a validation.

The dataset is ``OUTPUT/dropped/``: Parquet files and the ``_manifest.json`` written last that
names them (:mod:`thresher.io.storage`'s commit rule); only the files it names are read, one
record batch at a time.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterator

import pyarrow as pa

from thresher.errors import ThresherError
from thresher.io import storage
from thresher.io.dropped import DROPPED_SCHEMA_NAME, dropped_schema
from thresher.run.layout import DATASET_MANIFEST, DROPPED, MANIFEST, read_dataset_manifest
from thresher.tools.inspect.schema import schema_differences
from thresher.tools.inspect.validate import EXAMPLES_PER_CHECK, Problem, ValidationReport

_SNIPPET_CHARS = 160
_BATCH_ROWS = 4096
#: Dedup stages: their rows name the document each one duplicated.
_DEDUP_PREFIX = "dedup_"


@dataclass(frozen=True)
class DroppedDataset:
    directory: str
    manifest: dict[str, Any]

    @property
    def files(self) -> list[tuple[str, int]]:
        return [(entry["name"], int(entry["rows"])) for entry in self.manifest.get("files", [])]

    def path(self, name: str) -> str:
        return storage.join(self.directory, name)

    def rows(self, stage: str | None = None, reason: str | None = None) -> Iterator[dict[str, Any]]:
        """Every dropped document, file by file in the manifest's order, optionally of one stage and/or reason."""
        for name, _ in self.files:
            for batch in storage.open_parquet(self.path(name)).iter_batches(batch_size=_BATCH_ROWS):
                for row in batch.to_pylist():
                    if (stage is None or row["stage"] == stage) and (reason is None or row["reason"] == reason):
                        yield row


def find_dropped(path: str, required: bool = True) -> DroppedDataset | None:
    """The dropped dataset at ``path`` (the dataset itself, or the run directory holding it)."""
    path = path.rstrip("/") or path
    if path.endswith("/" + MANIFEST) or path == MANIFEST:
        path = path[: -len(MANIFEST)].rstrip("/") or "."
    for directory in (path, storage.join(path, DROPPED)):
        try:
            manifest = read_dataset_manifest(directory)
        except (OSError, ValueError):
            manifest = None
        if manifest is not None and manifest.get("schema") == DROPPED_SCHEMA_NAME:
            return DroppedDataset(directory, manifest)
    if required:
        raise ThresherError(
            f"{path}: no dropped documents recorded here (no {DROPPED}/{DATASET_MANIFEST}); "
            "run with output.keep_dropped: true to keep them"
        )
    return None


def is_dropped_dataset(path: str) -> bool:
    """``path`` is a dropped dataset directory itself (``inspect head``/``validate`` then read it)."""
    try:
        manifest = read_dataset_manifest(path.rstrip("/") or path)
    except (OSError, ValueError):
        return False
    return manifest is not None and manifest.get("schema") == DROPPED_SCHEMA_NAME


def dropped_listing(dataset: DroppedDataset, count: int, stage: str | None = None,
                    reason: str | None = None) -> dict[str, Any]:
    """Counts by stage and reason (of the rows matching the filters), and the first ``count`` of them."""
    if count < 0:
        raise ThresherError(f"-n must be 0 or more, got {count}")
    counts: Counter = Counter()
    shown: list[dict[str, Any]] = []
    for row in dataset.rows(stage, reason):
        counts[(row["stage"], row["reason"])] += 1
        if len(shown) < count:
            shown.append(dropped_document(row))
    return {
        "path": dataset.directory,
        "filters": {"stage": stage, "reason": reason},
        "total": sum(counts.values()),
        "by_reason": [{"stage": s, "reason": r, "documents": n} for (s, r), n in sorted(counts.items())],
        "documents": shown,
    }


def dropped_document(row: dict[str, Any], full: bool = False) -> dict[str, Any]:
    """A dropped row for people: signals parsed, the text cut to a snippet unless ``full``."""
    document = dict(row)
    try:
        document["signals"] = json.loads(row.get("signals") or "{}")
    except ValueError:
        pass
    text = row.get("text")
    if not full and isinstance(text, str) and len(text) > _SNIPPET_CHARS:
        document["text"] = text[:_SNIPPET_CHARS] + "…"
    return document


def head_dropped(dataset: DroppedDataset, count: int, full: bool = False) -> list[dict[str, Any]]:
    if count < 0:
        raise ThresherError(f"-n must be 0 or more, got {count}")
    found = []
    for row in dataset.rows():
        if len(found) >= count:
            break
        found.append(dropped_document(row, full))
    return found


def validate_dropped(dataset: DroppedDataset, report: ValidationReport | None = None) -> ValidationReport:
    """The manifest's files present and readable, their schema, row counts, and every row's stage and reason."""
    alone = report is None
    report = report or ValidationReport(path=dataset.directory)
    where_manifest = storage.join(DROPPED, DATASET_MANIFEST)

    def fail(check: str, where: str, message: str) -> None:
        report.problems.append(Problem(check, where, message))

    listed = dataset.files
    if sum(rows for _, rows in listed) != dataset.manifest.get("rows"):
        fail("dropped", where_manifest, f"rows is {dataset.manifest.get('rows')!r} but the files add up to "
             f"{sum(rows for _, rows in listed)}")
    fs, directory = storage.filesystem(dataset.directory)
    names = {name for name, _ in listed}
    for path in sorted(fs.glob(directory.rstrip("/") + "/*.parquet")):
        name = path.rsplit("/", 1)[-1]
        if name not in names:
            report.warnings.append(Problem("dropped", storage.join(DROPPED, name),
                                           "not listed in dropped/_manifest.json (an earlier attempt's file): not read"))
    for name, rows in listed:
        seen = _check_file(dataset, name, rows, fail)
        if alone:
            report.documents += seen
    return report


def _check_file(dataset: DroppedDataset, name: str, rows: int, fail) -> int:
    """Check one file; the rows read."""
    path, where = dataset.path(name), storage.join(DROPPED, name)
    if not storage.exists(path):
        fail("dropped", where, "listed in dropped/_manifest.json but missing")
        return 0
    try:
        parquet = storage.open_parquet(path)
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        fail("dropped", where, f"not a readable Parquet file ({exc})")
        return 0
    base = dropped_schema()
    kept = [f for f in schema if f.name not in base.names]
    differences = [d for d in schema_differences(schema, dropped_schema(kept)) if "schema_version" not in d]
    for difference in differences:
        fail("schema", where, difference)
    if differences:
        return 0
    seen, bad = 0, Counter()
    examples: list[str] = []
    for batch in parquet.iter_batches(batch_size=_BATCH_ROWS, columns=["id", "stage", "reason", "duplicate_of"]):
        for row in batch.to_pylist():
            seen += 1
            problem = None
            if not row["stage"] or not row["reason"]:
                problem = f"document {row['id']}: no stage or reason"
            elif row["stage"].startswith(_DEDUP_PREFIX) and not row["duplicate_of"] and row["stage"] != "dedup_index":
                problem = f"document {row['id']}: removed by {row['stage']} but duplicate_of is empty"
            if problem:
                bad["rows"] += 1
                if len(examples) < EXAMPLES_PER_CHECK:
                    examples.append(problem)
    for message in examples:
        fail("dropped", where, message)
    if bad["rows"] > len(examples):
        fail("dropped", where, f"... and {bad['rows'] - len(examples)} more")
    if seen != rows:
        fail("rows", where, f"holds {seen} documents, dropped/_manifest.json says {rows}")
    return seen
