"""Where the report finds a finished run's files.

The places come from :class:`thresher.run.layout.RunLayout` (the one module that knows a run's
layout) and from each phase-A result's ``result.json`` (:mod:`thresher.run.results`), which
names its data files. Runs from before either existed are read from the fixed names they used
(``documents.parquet`` beside ``result.json``, every ``*.parquet`` of a dataset directory).
"""

from __future__ import annotations

import glob
import os
from typing import Any, Callable, Iterable

from thresher.io import storage
from thresher.run.layout import RunLayout, dataset_files
from thresher.run.results import read_result

BATCH = 8192


def dataset_parts(directory: str) -> list[str]:
    """The part files of a dataset directory: those its ``_manifest.json`` names, else (older runs) all."""
    files = dataset_files(directory)
    return files if files else sorted(glob.glob(os.path.join(directory, "*.parquet")))


def result_files(directory: str, kind: str) -> list[str] | None:
    """A phase-A result's ``kind`` files ("documents", "rejects", "dropped"); None when it has none of them.

    result.json names them (``<kind>_files``); a result from before that names none, and its
    data sits in ``<kind>.parquet`` beside it.
    """
    try:
        result = read_result(directory)
    except (KeyError, TypeError):  # a result.json of another shape: read the fixed names
        result = None
    if result is not None and isinstance(result.data.get(f"{kind}_files"), list):
        return result.files(kind)
    legacy = storage.join(directory, f"{kind}.parquet")
    return [legacy] if storage.exists(legacy) else None


def phase_a_results(root: str) -> list[str]:
    """The directories of the run's committed phase-A results (``result.json`` is written last)."""
    return [d for d in RunLayout.of(root).file_results() if ".tmp-" not in os.path.basename(d)]


def scan_phase_a_documents(
    root: str, ids: set[str], columns: Iterable[str], visit: Callable[[dict[str, Any]], None]
) -> bool:
    """Call ``visit(row)`` for every phase-A document whose id is in ``ids``; False when there are none on disk.

    Streams batch by batch, so a run's whole text is never in memory at once.
    """
    import pyarrow.compute as pc

    files = [path for d in phase_a_results(root) for path in (result_files(d, "documents") or [])]
    if not files:
        return False
    if not ids:
        return True
    wanted = value_set(ids)
    columns = ["id", *(c for c in columns if c != "id")]
    for path in files:
        for batch in storage.open_parquet(path).iter_batches(columns=columns, batch_size=BATCH):
            for row in batch.filter(pc.is_in(batch.column("id"), wanted)).to_pylist():
                visit(row)
    return True


def value_set(ids: Iterable[str]):
    import pyarrow as pa

    return pa.array(sorted(ids), pa.string())
