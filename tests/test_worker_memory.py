"""What keeps phase A's workers flat as the crawl grows (issue 19): a work unit's output is written
in byte-bounded batches as it is made, never held whole. Units grow with the input (up to
``runner.unit_bytes``), so anything a unit held whole grew with the crawl (BENCHMARKS.md §9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from thresher.config.load import config_from_dict
from thresher.config.schema import bundled_sample_path
from thresher.engines.base import StepContext
from thresher.io import storage
from thresher.run import phase_a
from thresher.run.plan import build_plan
from thresher.run.results import WorkUnit, piece_file
from thresher.stats import DictStats


def _payload(row: dict[str, Any]) -> int:
    # What ParquetFileWriter weighs a row by: its string and bytes values.
    return sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))


def _one_unit(out: Path, monkeypatch) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The bundled sample as one unit through ProcessUnits: its documents, and each batch written."""
    batches: list[list[dict[str, Any]]] = []
    flush = storage.ParquetFileWriter._flush

    def recording(self) -> None:
        if self.path.endswith(".documents.parquet") and self._batch:
            batches.append(list(self._batch))
        flush(self)

    monkeypatch.setattr(storage.ParquetFileWriter, "_flush", recording)
    sample = bundled_sample_path()
    plan = build_plan(config_from_dict({"input": {"paths": [sample]}, "output": {"path": str(out)}}))
    step = phase_a.ProcessUnits(plan, None)
    step.setup()
    try:
        unit = WorkUnit(source=sample, index=0, count=1, start=0, end=None)
        (piece,) = step.process([unit], StepContext(DictStats()))
    finally:
        step.teardown()
    rows = pq.read_table(piece_file(plan.layout, unit, "documents")).to_pylist()
    assert len(rows) == piece.documents == sum(len(b) for b in batches) > 0
    return rows, batches


def test_a_unit_writes_its_documents_in_byte_bounded_batches(tmp_path, monkeypatch):
    whole, _ = _one_unit(tmp_path / "whole", monkeypatch)
    budget = max(_payload(row) for row in whole) * 3  # a few documents: the sample's unit needs several batches
    monkeypatch.setattr(phase_a, "PIECE_BATCH_BYTES", budget)
    rows, batches = _one_unit(tmp_path / "bounded", monkeypatch)
    assert len(batches) >= 3
    for batch in batches:
        # Written at the row that reached the budget: without it the batch was under the budget.
        assert sum(_payload(row) for row in batch[:-1]) < budget
    assert rows == whole  # batching changes no document



def test_a_worker_bounds_its_allocators_before_its_first_unit(tmp_path, monkeypatch):
    # Freed batches go back to the system, so a worker's peak does not creep up unit after unit.
    calls: list[str] = []
    monkeypatch.setattr(phase_a, "bound_allocators", lambda: calls.append("bound"))
    plan = build_plan(config_from_dict({"input": {"paths": [bundled_sample_path()]}, "output": {"path": str(tmp_path)}}))
    step = phase_a.ProcessUnits(plan, None)
    step.setup()
    step.teardown()
    assert calls == ["bound"]
