"""What keeps a local runner's driver flat as the corpus grows (issue 19): the small jobs it runs
itself hold bounded batches, never the corpus, and its allocators give freed memory back."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from flows import dedup_plan, doc, run_dedup
from test_dedup_job import PARAMS, near_duplicate_corpus
from test_shard_writer import _row, _write
from thresher.engines.inprocess import InProcessFlow
from thresher.io import storage


def _holds_documents(coll: Any) -> bool:
    """Whether a collection has an element that carries a document's text (a row or a ``(sink, row)``)."""
    for element in coll if isinstance(coll, list) else ():
        for part in element if isinstance(element, tuple) else (element,):
            if isinstance(part, dict) and "text" in part:
                return True
    return False


def test_in_process_dedup_keeps_no_document_in_a_collection(tmp_path, monkeypatch):
    # The in-process flow holds every collection whole: one holding documents is the corpus in memory.
    seen: list[str] = []
    apply = InProcessFlow.apply

    def recording(self, name, coll, step, sides=None):
        out = apply(self, name, coll, step, sides)
        for part in (out.main, *out.tagged.values()) if hasattr(out, "tagged") else (out,):
            if _holds_documents(part):
                seen.append(name)
        return out

    monkeypatch.setattr(InProcessFlow, "apply", recording)
    docs = near_duplicate_corpus(seed=3) + [doc("e1", "Hello   World"), doc("e2", "hello world\n")]
    kept, removed, _ = run_dedup("inprocess", docs, dedup_plan(PARAMS, exact_normalization="default", minhash=True),
                                 tmp_path)
    assert seen == []
    assert len(kept) + len(removed) == len(docs) and removed  # the documents were written, not lost


def test_part_files_are_written_in_byte_bounded_batches(tmp_path):
    schema = pa.schema([("id", pa.string()), ("text", pa.string())])
    rows = [{"id": f"d{i}", "text": "x" * 3_000} for i in range(20)]
    for name, kwargs, groups in (("bounded", {"batch_bytes": 10_000}, [4] * 5), ("rows", {}, [20])):
        path = str(tmp_path / f"{name}.parquet")
        with storage.ParquetFileWriter(path, schema, **kwargs) as writer:
            writer.add_all(rows)
        meta = pq.ParquetFile(path).metadata
        assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == groups
        assert pq.read_table(path).to_pylist() == rows


def test_run_files_are_cut_by_bytes_and_change_no_shard_byte(tmp_path, monkeypatch):
    import thresher.io.shards as shards_module

    monkeypatch.setattr(shards_module, "RUN_BATCH_BYTES", 10_000)
    rows = [_row(i, text_chars=3_000) for i in range(60)]  # 3,000-6,000 UTF-8 bytes of text each
    direct = _write(rows, tmp_path / "direct")
    random.Random(7).shuffle(rows)
    run_groups: list[int] = []
    spill = shards_module.ShardWriter._spill

    def spill_and_look(self):
        spill(self)
        if self._runs:
            meta = pq.ParquetFile(self._runs[-1]).metadata
            run_groups.extend(meta.row_group(g).num_rows for g in range(meta.num_row_groups))

    monkeypatch.setattr(shards_module.ShardWriter, "_spill", spill_and_look)
    assert _write(rows, tmp_path / "spilled", spill_rows=20, merge_fan_in=2) == direct
    assert sum(run_groups) >= 60 and max(run_groups) <= 3  # 10,000 bytes: at most 3 such rows a group


def test_bound_allocators_puts_arrow_on_malloc():
    from thresher.run.memory import bound_allocators, release_freed

    bound_allocators()
    assert pa.default_memory_pool().backend_name == "system"
    release_freed()  # must not fail, on glibc or elsewhere
