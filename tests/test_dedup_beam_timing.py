"""Busy and CPU time of the Beam dedup stages: recorded per stage, bounded, and only the step's own work."""

from __future__ import annotations

import resource
import time

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from thresher.engines.beam.dedup import ExactDedup, MinHashDedup, UrlDedup
from thresher.engines.beam.dedup.timing import BATCH, TimedFlatMap, timed_chunks
from thresher.stats import DictStats

from tests.test_dedup_beam import IN_MEMORY, _counters, near_duplicate_corpus, run_dedup

STAGES = ("dedup_url", "dedup_exact", "dedup_minhash")


class CallCounter(DictStats):
    """Counts how often each counter is incremented: one ``time_us`` increment per timer."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: dict[str, int] = {}

    def inc(self, name: str, n: int = 1) -> None:
        super().inc(name, n)
        self.calls[name] = self.calls.get(name, 0) + 1


def test_timed_chunks_yields_everything_with_one_timer_per_chunk():
    for n in (0, 1, BATCH, BATCH + 1, 3 * BATCH):
        stats = CallCounter()
        assert list(timed_chunks(stats, "s", iter(range(n)))) == list(range(n))
        assert stats.calls["s/time_us"] == n // BATCH + 1  # plus the short (maybe empty) last chunk
        assert stats.calls["s/cpu_us"] == stats.calls["s/time_us"]


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def test_each_dedup_stage_records_its_time(tmp_path):
    docs = near_duplicate_corpus(seed=2)
    cpu_before = _process_cpu()
    _, removed, counters = run_dedup(
        docs, lambda: [UrlDedup(), ExactDedup(), MinHashDedup(max_rounds=4)], tmp_path, IN_MEMORY
    )
    cpu_used = _process_cpu() - cpu_before
    assert removed  # the stages did work
    timed = {name.rsplit("/", 1)[0] for name in counters if name.endswith(("/time_us", "/cpu_us"))}
    assert timed == set(STAGES)  # every stage, and no other name (the funnel keys on these)
    for stage in STAGES:
        busy, cpu = counters[f"{stage}/time_us"], counters[f"{stage}/cpu_us"]
        assert busy > 0 and cpu > 0
        assert cpu <= busy * 1.05 + 20_000  # thread CPU within busy time (clock granularity aside)
    # One process ran everything: the stages' CPU is part of it.
    assert sum(counters[f"{s}/cpu_us"] for s in STAGES) / 1e6 <= cpu_used
    # MinHash (signatures, rounds, decisions) is the heaviest of the three.
    assert counters["dedup_minhash/cpu_us"] > counters["dedup_url/cpu_us"]


def _sleep_then_pass(value: int) -> int:
    time.sleep(0.05)
    return value


def test_downstream_work_is_not_counted():
    """A slow step fused after a timed one: its time must not count as the timed step's."""
    pipeline = beam.Pipeline(options=PipelineOptions(IN_MEMORY))
    _ = (
        pipeline
        | beam.Create(list(range(10)))
        | beam.ParDo(TimedFlatMap("timed", lambda x: (x,)))
        | beam.Map(_sleep_then_pass)
    )
    result = pipeline.run()
    result.wait_until_finish()
    counters = _counters(result)
    downstream_s = 10 * 0.05  # sleeping in the step after the timed one
    assert 0 < counters["timed/time_us"] / 1e6 < downstream_s / 5


def test_dedup_refuses_windowed_input():
    """Timed steps emit a bundle's last outputs in the global window: windowed input must fail, not regroup."""
    from apache_beam.transforms.window import FixedWindows

    pipeline = beam.Pipeline(options=PipelineOptions(IN_MEMORY))
    windowed = pipeline | beam.Create([]) | beam.WindowInto(FixedWindows(60))
    for transform in (UrlDedup(), MinHashDedup()):
        with pytest.raises(ValueError, match="global window"):
            _ = windowed | transform
