"""The engine interface itself, on every engine: batching, timing, extra outputs, groups and side values."""

from __future__ import annotations

import resource
import time
from typing import Any, Iterator

import pytest

from flows import ENGINES, dedup_plan, run_and_collect, run_dedup
from test_dedup_job import near_duplicate_corpus
from thresher.stages.dedup.params import MinHashParams
from thresher.engines.base import (
    DEFAULT_BATCH,
    Batcher,
    MapStep,
    Step,
    StepContext,
    SumTuples,
    Tagged,
    ToList,
    step_outputs,
)
from thresher.stats import DictStats

STAGES = ("dedup_url", "dedup_exact", "dedup_minhash")


class CallCounter(DictStats):
    """Counts how often each counter is incremented: one ``time_us`` increment per timer."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: dict[str, int] = {}

    def inc(self, name: str, n: int = 1) -> None:
        super().inc(name, n)
        self.calls[name] = self.calls.get(name, 0) + 1


def _identity(x: Any) -> Iterator[Any]:
    yield x


def test_step_outputs_yields_everything_with_one_timer_per_chunk():
    for n in (0, 1, DEFAULT_BATCH, DEFAULT_BATCH + 1, 3 * DEFAULT_BATCH):
        stats = CallCounter()
        step = MapStep(_identity, stage="s")
        assert list(step_outputs(step, list(range(n)), StepContext(stats))) == list(range(n))
        assert stats.calls["s/time_us"] == n // DEFAULT_BATCH + 1  # plus the short (maybe empty) last chunk
        assert stats.calls["s/cpu_us"] == stats.calls["s/time_us"]
        assert stats["s/cpu_us"] <= stats["s/time_us"] + 1  # CPU read inside the wall interval


class _Weighted(Step):
    batch_size = 10
    max_batch_weight = 100

    def weight(self, element: str) -> int:
        return len(element)


def test_batches_close_on_count_or_weight():
    batcher = Batcher(_Weighted())
    assert [batcher.add("x") for _ in range(9)] == [False] * 9
    assert batcher.add("x") and len(batcher.drain()) == 10
    assert not batcher.add("y" * 60) and batcher.add("y" * 40)  # 100 characters: full at two elements
    assert batcher.drain() == ["y" * 60, "y" * 40] and batcher.drain() == []


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def test_each_dedup_stage_records_its_time(tmp_path):
    docs = near_duplicate_corpus(seed=2)
    cpu_before = _process_cpu()
    plan = dedup_plan(MinHashParams(max_rounds=4), url_keep="latest", exact_normalization="default", minhash=True)
    _, removed, counters = run_dedup("beam", docs, plan, tmp_path)
    cpu_used = _process_cpu() - cpu_before
    assert removed  # the stages did work
    timed = {name.rsplit("/", 1)[0] for name in counters if name.endswith(("/time_us", "/cpu_us"))}
    assert timed == set(STAGES)  # every stage, and no other name (the funnel keys on these)
    for stage in STAGES:
        busy, cpu = counters[f"{stage}/time_us"], counters[f"{stage}/cpu_us"]
        assert busy > 0 and cpu > 0
        assert cpu <= busy * 1.05 + 20_000  # thread CPU within busy time (clock granularity aside)
    # One process ran everything (one worker, in memory): the stages' CPU is part of it.
    assert sum(counters[f"{s}/cpu_us"] for s in STAGES) / 1e6 <= cpu_used
    # MinHash (signatures, components, decisions) is the heaviest of the three.
    assert counters["dedup_minhash/cpu_us"] > counters["dedup_url/cpu_us"]


def _sleep_then_pass(value: int) -> Iterator[int]:
    time.sleep(0.05)
    yield value


@pytest.mark.parametrize("engine", ENGINES)
def test_downstream_work_is_not_counted(engine, tmp_path):
    """A slow step after a timed one (fused into one stage): its time must not count as the timed step's."""

    def build(flow):
        timed = flow.apply("Timed", flow.create("Numbers", list(range(10))), MapStep(_identity, stage="timed"))
        return flow.apply("Slow", timed, MapStep(_sleep_then_pass))

    out, counters = run_and_collect(engine, build, tmp_path)
    assert sorted(out) == list(range(10))
    assert 0 < counters["timed/time_us"] / 1e6 < 10 * 0.05 / 5


class _EvenOdd(Step):
    outputs = ("odd",)

    def process(self, batch: list[int], ctx: StepContext) -> Iterator[Any]:
        for n in batch:
            ctx.stats.inc("numbers/seen")
            yield n if n % 2 == 0 else Tagged("odd", n)


def _key_mod3(n: int) -> Iterator[tuple[int, int]]:
    yield n % 3, n


def _sorted_group(group: tuple[int, Any]) -> Iterator[tuple[int, list]]:
    key, values = group
    yield key, sorted(values) + sorted(values)  # grouped values can be read twice


def _lists(group: tuple[int, dict]) -> Iterator[tuple[int, dict]]:
    key, tags = group
    yield key, {tag: sorted(values) for tag, values in tags.items()}


class _Offset(Step):
    def process(self, batch: list[int], ctx: StepContext) -> Iterator[int]:
        for n in batch:
            yield n + ctx.sides["total"][0]


@pytest.mark.parametrize("engine", ENGINES)
def test_primitives_agree_on_every_engine(engine, tmp_path):
    numbers = list(range(20))

    def build(flow):
        split = flow.apply("Split", flow.create("Numbers", numbers), _EvenOdd())
        even_groups = flow.apply("EvenSorted", flow.group("GroupEven", flow.apply("KeyEven", split.main, MapStep(_key_mod3))),
                                 MapStep(_sorted_group))
        joined = flow.apply("Lists", flow.cogroup("Join", {
            "even": flow.apply("KeyEven2", split.main, MapStep(_key_mod3)),
            "odd": flow.apply("KeyOdd", split["odd"], MapStep(_key_mod3)),
        }), MapStep(_lists))
        total = flow.singleton("Total", flow.apply("One", split["odd"], MapStep(lambda n: [(n,)])), SumTuples(1))
        shifted = flow.apply("Shift", flow.flatten("Both", [split.main, split["odd"]]), _Offset(), sides={"total": total})
        listed = flow.singleton("Listed", shifted, ToList())
        return flow.flatten("All", [
            flow.apply("Tag1", even_groups, MapStep(lambda g: [("group", g)])),
            flow.apply("Tag2", joined, MapStep(lambda g: [("join", g)])),
            flow.apply("Tag3", flow.create("Once", [0]), _Offset2(), sides={"listed": listed}),
        ])

    out, counters = run_and_collect(engine, build, tmp_path)
    groups = sorted(v for k, v in out if k == "group")
    assert groups == [(k, sorted(n for n in numbers if n % 2 == 0 and n % 3 == k) * 2) for k in range(3)]
    joins = sorted(v for k, v in out if k == "join")
    assert joins == [(k, {"even": [n for n in numbers if n % 2 == 0 and n % 3 == k],
                          "odd": [n for n in numbers if n % 2 and n % 3 == k]}) for k in range(3)]
    shifted = [v for k, v in out if k == "listed"][0]
    assert shifted == [n + 100 for n in numbers]  # the odd numbers sum to 100
    assert counters["numbers/seen"] == 20


class _Offset2(Step):
    def process(self, batch: list[int], ctx: StepContext) -> Iterator[tuple[str, list]]:
        yield "listed", list(ctx.sides["listed"])
