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
    for element in coll:
        for part in element if isinstance(element, tuple) else (element,):
            if isinstance(part, dict) and "text" in part:
                return True
    return False


def test_in_process_dedup_keeps_no_document_in_a_collection(tmp_path, monkeypatch):
    # A collection holding documents would be the corpus, in memory or in the job's spill files.
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


def _record_reads(monkeypatch) -> list[tuple[bool, int]]:
    """``(pre-buffered, batch size)`` of every ``iter_batches`` over a Parquet file from here on."""
    reads: list[tuple[bool, int]] = []
    init, iter_batches = pq.ParquetFile.__init__, pq.ParquetFile.iter_batches

    def recording_init(self, source, *args, pre_buffer=True, **kwargs):
        self._pre_buffered = pre_buffer
        init(self, source, *args, pre_buffer=pre_buffer, **kwargs)

    def recording_iter(self, batch_size=65536, *args, **kwargs):
        reads.append((self._pre_buffered, batch_size))
        return iter_batches(self, batch_size, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "__init__", recording_init)
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", recording_iter)
    return reads


def test_in_process_dedup_streams_its_files_in_small_batches(tmp_path, monkeypatch):
    # A pre-buffered iteration caches the whole file, and batches larger than a small run's files
    # are filled only by larger runs: either makes the driver's peak follow the corpus (issue 19).
    from thresher.run.dedup.light import READ_ROWS, SIGN_BATCH

    reads = _record_reads(monkeypatch)
    docs = near_duplicate_corpus(seed=5) + [doc(f"x{i}", f"lone words number {i} " * 40) for i in range(150)]
    kept, removed, _ = run_dedup("inprocess", docs, dedup_plan(PARAMS, exact_normalization="default", minhash=True),
                                 tmp_path)
    assert len(kept) + len(removed) == len(docs)
    assert reads and all(not pre_buffered for pre_buffered, _ in reads)
    assert max(size for _, size in reads) <= READ_ROWS <= 64 and SIGN_BATCH <= 64


def test_light_records_sign_bounded_batches(tmp_path):
    from thresher.run.dedup import light

    path = tmp_path / "docs.parquet"
    from flows import write_documents

    write_documents([doc(f"d{i}", "word " * (100 + i)) for i in range(300)], path)
    sizes = [len(batch) for batch in light.document_batches(str(path))]
    assert sum(sizes) == 300 and max(sizes) <= light.SIGN_BATCH


def test_tokenizer_phase_reads_without_pre_buffering(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from flows import write_documents

    from thresher.run import tokenizer
    from thresher.run.layout import write_dataset_manifest

    documents = tmp_path / "documents"
    documents.mkdir()
    write_documents([doc(f"d{i:03d}", f"text {i}") for i in range(250)], documents / "part-0.parquet")
    write_dataset_manifest(str(documents), [("part-0.parquet", 250)], "documents")
    reads = _record_reads(monkeypatch)
    texts = list(tokenizer.iter_kept_texts(SimpleNamespace(documents=str(documents)), limit=100))
    assert len(texts) == 100
    assert reads and all(not pre_buffered and size <= tokenizer.READ_BATCH for pre_buffered, size in reads)


def test_shard_row_groups_are_cut_at_four_mib(tmp_path):
    # A group is encoded whole: a cap above a small run's shard lets the writer's peak follow the corpus.
    import thresher.io.shards as shards_module

    assert shards_module.ROW_GROUP_BYTES <= 4 * 1024 * 1024
    rows = [_row(i, text_chars=700_000) for i in range(14)]  # 0.7-1.4 MB of UTF-8 text each: ~14 MB
    _write(rows, tmp_path / "big")
    meta = pq.ParquetFile(tmp_path / "big" / "s.parquet").metadata
    assert meta.num_row_groups >= 3 and meta.num_rows == 14


def test_one_writer_hands_memory_back_after_each_merge_pass(tmp_path, monkeypatch):
    # Freed merge buffers left in the heap lay under the final merge's peak, only for runs large
    # enough to need several passes: the driver's peak followed the corpus (issue 19).
    import thresher.run.shards as run_shards
    from thresher.io.shards import ShardWriter

    released: list[int] = []
    monkeypatch.setattr(run_shards, "release_freed", lambda: released.append(1))
    rows = [_row(i, text_chars=200) for i in range(60)]
    plain = _write(rows, tmp_path / "plain")
    directory = tmp_path / "released"
    with run_shards.ReleasingShardWriter(str(directory), "s.parquet", keep_text=True, spill_rows=10,
                                         merge_fan_in=2) as writer:
        assert isinstance(writer, ShardWriter)
        writer.add_all(rows)
        writer.close()
    assert (directory / "s.parquet").read_bytes() == plain
    assert len(released) >= 3  # six runs at fan-in 2: passes before the final merge, each released
