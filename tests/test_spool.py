"""The in-process flow's collections on disk (issue 19): spools read back what was written, and a
grouping split into partitions gives the groups an unsplit one gives."""

from __future__ import annotations

import os

import thresher.engines.spool as spool_module
from thresher.engines.base import MapStep
from thresher.engines.inprocess import InProcessFlow, run_in_process
from thresher.engines.spool import Spool, partition_count


def test_a_spool_reads_back_every_element_in_order_as_often_as_asked(tmp_path):
    items = [(i, "x" * (i % 7)) for i in range(3 * spool_module.SPOOL_CHUNK + 5)]
    spool = Spool(str(tmp_path), items)
    assert len(spool) == len(items)
    assert list(spool) == items and list(spool) == items
    assert [p.name for p in tmp_path.iterdir()]  # beyond a chunk, elements went to a file
    assert spool.pickled_bytes() > 0


def test_a_spool_of_large_elements_holds_about_spool_bytes_of_them_in_memory(tmp_path, monkeypatch):
    # Rows of long documents, or whole groups: 1,024 of them would be a corpus in memory.
    monkeypatch.setattr(spool_module, "SPOOL_BYTES", 10_000)
    items = ["x" * 1000 + str(i) for i in range(100)]
    spool = Spool(str(tmp_path), items)
    assert 0 < len(spool._buffer) <= 10  # ~1 KB each pickled
    assert list(spool) == items and len(spool) == 100
    small = Spool(str(tmp_path), range(100))
    assert len(small._buffer) == 100  # small elements still go a chunk of up to SPOOL_CHUNK at a time


def test_partitions_share_one_memory_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_module, "PARTITIONS_BUFFER_BYTES", 400_000)
    items = [(i % 20, "y" * 10_000) for i in range(400)]
    parts = spool_module.partitioned(str(tmp_path), items, 4, lambda r: r[0])
    assert sum(len(p._buffer) for p in parts) <= 4 * 10  # 100 KB each, not 1,024 elements each
    assert sorted(r for p in parts for r in p) == sorted(items)


def test_a_spools_file_goes_with_it(tmp_path):
    spool = Spool(str(tmp_path), range(2 * spool_module.SPOOL_CHUNK))
    assert len(os.listdir(tmp_path)) == 1
    del spool
    assert os.listdir(tmp_path) == []


def test_partitions_follow_the_pickled_size():
    assert partition_count(0) == 1
    assert partition_count(spool_module.PARTITION_BYTES) == 1
    assert partition_count(spool_module.PARTITION_BYTES + 1) == 2


def _groups(monkeypatch, partition_bytes: int) -> tuple[dict, dict, dict]:
    monkeypatch.setattr(spool_module, "PARTITION_BYTES", partition_bytes)
    out: dict = {}

    def build(flow: InProcessFlow) -> None:
        pairs = flow.create("Pairs", [(f"k{i % 97}", i) for i in range(5_000)])
        other = flow.create("Other", [(f"k{i}", -i) for i in range(0, 120, 3)])
        out["group"] = {k: sorted(v) for k, v in flow.group("Group", pairs)}
        out["cogroup"] = {k: {t: sorted(v) for t, v in tags.items()}
                          for k, tags in flow.cogroup("Join", {"a": pairs, "b": other})}
        doubled = flow.apply("Double", pairs, MapStep(lambda kv: [(kv[0], 2 * kv[1])]))
        out["doubled"] = dict(flow.combine_per_key("Sum", doubled, _Sum()))

    counts = run_in_process(build)
    assert counts["shuffle/elements"] == 5_000 + 5_000 + 40 + 5_000
    return out["group"], out["cogroup"], out["doubled"]


class _Sum:
    def create(self):
        return 0

    def add(self, acc, value):
        return acc + value

    def merge(self, accs):
        return sum(accs)

    def extract(self, acc):
        return acc


def test_partitioned_groupings_give_the_same_groups(monkeypatch):
    whole = _groups(monkeypatch, 1 << 40)
    split = _groups(monkeypatch, 1_000)  # tens of partitions
    assert split == whole
    group, cogroup, summed = whole
    assert len(group) == 97 and sum(len(v) for v in group.values()) == 5_000
    assert cogroup["k3"]["b"] == [-3] and cogroup["k99"] == {"a": [], "b": [-99]}
    assert summed["k0"] == 2 * sum(range(0, 5_000, 97))


def test_a_job_spills_under_the_scratch_folder_and_leaves_nothing(tmp_path, monkeypatch):
    scratch = tmp_path / "spill"
    seen: list[list[str]] = []

    def build(flow: InProcessFlow) -> None:
        coll = flow.create("Many", list(range(3 * spool_module.SPOOL_CHUNK)))
        assert len(coll) == 3 * spool_module.SPOOL_CHUNK
        seen.append([name for _, _, files in os.walk(scratch) for name in files])

    run_in_process(build, str(scratch))
    assert seen[0]  # the collection's chunks were files under the scratch folder
    assert not scratch.exists()


def test_a_dedup_job_split_into_partitions_decides_as_one_in_memory(tmp_path, monkeypatch):
    from flows import dedup_plan, doc, run_dedup
    from test_dedup_job import PARAMS, near_duplicate_corpus

    docs = near_duplicate_corpus(seed=11) + [doc("e1", "Hello   World"), doc("e2", "hello world\n")]
    plan = dedup_plan(PARAMS, exact_normalization="default", minhash=True)
    whole = run_dedup("inprocess", docs, plan, tmp_path / "whole")
    monkeypatch.setattr(spool_module, "SPOOL_CHUNK", 8)  # every collection spills ...
    monkeypatch.setattr(spool_module, "PARTITION_BYTES", 512)  # ... and every grouping is split
    split = run_dedup("inprocess", docs, plan, tmp_path / "split")
    assert split[:2] == whole[:2] and whole[1]  # the same kept and removed documents; some were removed
    counted = [{k: v for k, v in counts.items() if not k.endswith(("_us", "/bytes"))} for counts in (whole[2], split[2])]
    assert counted[0] == counted[1]


def test_a_large_group_is_a_spool_of_its_own_read_as_often_as_asked(tmp_path, monkeypatch):
    import pickle

    from thresher.engines.spool import SpooledValues

    monkeypatch.setattr(spool_module, "SPOOL_CHUNK", 8)
    seen: dict = {}

    def build(flow: InProcessFlow) -> None:
        pairs = flow.create("Pairs", [("big" if i % 10 else f"small{i}", i) for i in range(100)])
        groups = dict(flow.group("Group", pairs))
        big = groups["big"]
        seen["big"] = (type(big), len(big), list(big), list(big), len(pickle.dumps(big)) - len(big.path.encode()))
        seen["small"] = groups["small10"]

    run_in_process(build, str(tmp_path / "spill"))
    kind, length, first, again, pickled = seen["big"]
    expected = [i for i in range(100) if i % 10]
    assert kind is SpooledValues and length == 90 and first == again == expected
    # a path and two counts, not the values; the path's length depends on where the test runs
    assert pickled < 150 < len(pickle.dumps(expected))
    assert seen["small"] == [10]
    assert not (tmp_path / "spill").exists()


def test_shards_written_from_spooled_groups_are_the_one_writers_bytes(tmp_path, monkeypatch):
    import json

    from test_shard_sizing import _documents_and_tokenizer
    from thresher.run.plan import OutputPlan
    from thresher.run.shards import shards

    docs, files, tokenizer = _documents_and_tokenizer(tmp_path, count=300, parts=4)
    output = OutputPlan(keep_text=True, shard_target_tokens=1_000, shard_target_bytes=None, shuffle_seed=7,
                        compression="zstd", one_writer_max_bytes=1 << 30)
    made = {}
    for mode, document_bytes in (("one", 0), ("grouped", None)):
        if mode == "grouped":
            monkeypatch.setattr(spool_module, "SPOOL_CHUNK", 8)  # every shard's rows become a spool
            monkeypatch.setattr(spool_module, "PARTITION_BYTES", 4096)
        out = tmp_path / mode
        out.mkdir()
        run_in_process(lambda flow: shards(flow, files, tokenizer, {"vocab_size": 300}, output, str(out),
                                           str(out / "manifest.json"), {}, document_bytes))
        manifest = json.loads((out / "manifest.json").read_text())
        made[mode] = ({p.name: p.read_bytes() for p in out.glob("shard-*.parquet")}, manifest["shards"])
    assert len(made["one"][0]) > 1 and min(s["rows"] for s in made["one"][1]) > 8
    assert made["one"] == made["grouped"]
