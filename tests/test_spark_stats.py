"""Counters on Spark: the idempotent accumulator, its task-side sink, and exactness under recomputation."""

from __future__ import annotations

from collections import Counter

import pytest

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")

from thresher.engines.spark.stats import (  # noqa: E402
    PartitionCountersParam,
    PartitionStats,
    SparkStats,
    _CountedStep,
)

pytest_plugins = ["spark_cluster"]


class _RecordingAccumulator:
    def __init__(self) -> None:
        self.updates: list[dict] = []

    def add(self, term: dict) -> None:
        self.updates.append(term)


def _counting_body():
    """A step body, made in a function so that it pickles by value (executors cannot import tests)."""

    def count_numbers(index, numbers, stats: PartitionStats):
        for number in numbers:
            stats.inc("numbers/in")
            stats.inc("numbers/sum", number)
            yield number

    return count_numbers


def test_a_partition_replaces_its_earlier_report_and_partitions_add_up():
    param = PartitionCountersParam()
    value = param.zero({})
    value = param.addInPlace(value, {("step", 0): Counter(a=2)})
    value = param.addInPlace(value, {("step", 1): Counter(a=3, b=1)})
    value = param.addInPlace(value, {("step", 0): Counter(a=2)})  # partition 0 computed again
    value = param.addInPlace(value, {("other", 0): Counter(a=1)})
    assert value == {("step", 0): Counter(a=2), ("step", 1): Counter(a=3, b=1), ("other", 0): Counter(a=1)}


def test_the_sink_reports_a_partition_once_it_was_read_to_its_end():
    accumulator = _RecordingAccumulator()
    step = _CountedStep("numbers", _counting_body(), accumulator)

    assert list(step(7, iter([1, 2, 3]))) == [1, 2, 3]
    assert accumulator.updates == [{("numbers", 7): Counter({"numbers/in": 3, "numbers/sum": 6})}]

    partial = step(8, iter([1, 2, 3]))
    next(partial)
    partial.close()  # as when a `take` stops reading
    assert len(accumulator.updates) == 1, "a partially read partition must not report"


def test_a_counted_step_adds_no_time_of_its_own_and_keeps_the_bodys():
    import time

    from thresher.stats import stage_timer

    def doubling_body(index, numbers, stats: PartitionStats):
        for number in numbers:
            with stage_timer(stats, "numbers"):  # the stage times its own work
                doubled = 2 * number
            yield doubled

    accumulator = _RecordingAccumulator()
    step = _CountedStep("numbers/double", doubling_body, accumulator)
    for _ in step(0, iter(range(3))):
        time.sleep(0.05)  # a slow consumer: the next step, chained in the same task
    ((_key, counts),) = accumulator.updates[0].items()
    timed = {name for name in counts if name.endswith(("/time_us", "/cpu_us"))}
    assert timed == {"numbers/time_us", "numbers/cpu_us"}  # the body's counters, nothing under the step's name
    assert counts["numbers/time_us"] < 50_000  # the consumer's 150 ms is not this stage's time


def test_counts_are_exact_when_spark_computes_a_partition_twice(spark_sc):
    stats = SparkStats(spark_sc)
    naive = spark_sc.accumulator(0)  # a plain summing accumulator, to show the recomputation

    def count_naively(number):
        naive.add(1)
        return number

    numbers = spark_sc.parallelize(range(100), 4).mapPartitionsWithIndex(
        stats.counted("numbers", _counting_body())
    ).map(count_naively)
    assert numbers.count() == 100
    assert numbers.sum() == 4950  # not cached: every partition runs again
    assert naive.value == 200
    assert stats.totals() == {"numbers/in": 100, "numbers/sum": 4950}

    numbers.take(3)  # reads part of a partition
    assert stats.totals() == {"numbers/in": 100, "numbers/sum": 4950}


def test_a_step_name_serves_one_rdd_only(spark_sc):
    stats = SparkStats(spark_sc)
    stats.counted("numbers", _counting_body())
    with pytest.raises(ValueError, match="already used"):
        stats.counted("numbers", _counting_body())
