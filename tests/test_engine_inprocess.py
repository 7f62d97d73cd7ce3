"""Small jobs in this process (thresher/engines/inprocess.py) decide and count exactly as Beam does.

A local engine runs its small jobs (a small corpus's dedup, one writer's shards) without
building a Beam pipeline; the golden run (scripts/golden_run.py) checks whole runs, these
check the primitives: groups, cogroups, sides, tagged outputs and unrolled rounds.
"""

from __future__ import annotations

import pytest

from flows import dedup_plan, doc, run_and_collect, run_dedup
from test_dedup_job import PARAMS, _graphs, near_duplicate_corpus
from thresher.engines.base import MapStep, SumTuples
from thresher.run.dedup.components import connected_components as components_job
from thresher.stages.dedup.components import connected_components
from thresher.stats import decisions_only


def test_dedup_decisions_and_counters_equal_beams(tmp_path):
    docs = near_duplicate_corpus(seed=2) + [
        doc("u1", "page one, first crawl", url="https://Example.com/a/", date="2023-05-01"),
        doc("u2", "page one, second crawl", url="https://example.com/a?utm_source=feed", date="2024-02-01"),
        doc("e1", "Hello   World", date="2024-03-01"),
        doc("e2", "hello world\n", date="2024-01-01"),
    ]
    plan = dedup_plan(PARAMS, url_keep="latest", exact_normalization="default", minhash=True)
    beam = run_dedup("beam", docs, plan, tmp_path)
    local = run_dedup("inprocess", docs, plan, tmp_path)
    assert [d.id for d in local[0]] == [d.id for d in beam[0]]
    assert local[1] == beam[1] and len(local[1]) > 20
    assert decisions_only(local[2]) == decisions_only(beam[2])
    assert local[2]["shuffle/elements"] == beam[2]["shuffle/elements"]  # every round ran, as unrolled on Beam


def test_components_equal_union_find_and_too_few_rounds_fail(tmp_path):
    edges = _graphs()
    labels, _ = run_and_collect("inprocess", lambda flow: components_job(
        flow, flow.create("Edges", edges), max_rounds=11, edge_bound=None, stage="dedup_minhash"), tmp_path)
    assert sorted(labels) == sorted(connected_components(edges).items())
    line = [f"n{i:04d}" for i in range(1000)]
    with pytest.raises(Exception, match=r"max_rounds=3.*`max_rounds` in the `dedup\.minhash` config section"):
        run_and_collect("inprocess", lambda flow: components_job(
            flow, flow.create("Edges", list(zip(line, line[1:]))), max_rounds=3, edge_bound=None,
            stage="dedup_minhash"), tmp_path)


def test_side_values_and_combines(tmp_path):
    def build(flow):
        pairs = flow.apply("Pairs", flow.create("Words", ["a b", "b c", "c"]),
                           MapStep(lambda text: [(w, (1, len(w))) for w in text.split()]))
        counts = flow.combine_per_key("Count", pairs, SumTuples(2))
        total = flow.singleton("Total", counts, _TotalOfValues())
        joined = flow.cogroup("Join", {"counts": counts, "letters": flow.create("Letters", [("a", "A"), ("d", "D")])})
        return flow.apply("Share", joined, _WithTotal(), sides={"total": total})

    rows, counters = run_and_collect("inprocess", build, tmp_path)
    assert sorted(rows) == [("a", 1, ["A"], 5), ("b", 2, [], 5), ("c", 2, [], 5), ("d", 0, ["D"], 5)]
    assert counters["shuffle/elements"] == 5 + 3 + 2  # the pairs, then both sides of the cogroup


class _TotalOfValues:
    def create(self):
        return 0

    def add(self, acc, value):
        return acc + value[1][0]

    def merge(self, accs):
        return sum(accs)

    def extract(self, acc):
        return acc


class _WithTotal(MapStep):
    def __init__(self) -> None:
        super().__init__(None)

    def process(self, batch, ctx):
        for key, tags in batch:
            count = sum(c for c, _ in tags["counts"])
            yield key, count, list(tags["letters"]), ctx.sides["total"]
