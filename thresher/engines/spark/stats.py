"""Counters on Spark (dedup and shards): one accumulator whose updates are idempotent per partition.

Stages count through a :class:`thresher.stats.StatsSink`; inside a Spark task
that sink is a :class:`PartitionStats`, a plain Counter for one partition of
one step. When the step has yielded the partition's last record, the Counter
goes to the accumulator keyed by ``(step, partition index)``. (Phase A counts
per input file instead, as data written with each file's result: see
:mod:`thresher.run.phase_a`.)

Why keyed, and not one summed Counter: Spark applies accumulator updates made
in transformations once per *task run*, so a partition computed twice (an
RDD evicted from the cache and recomputed, a retried or speculative task)
would count twice. Keyed by ``(step, partition)``, a second run of the same
partition replaces the first one's entry instead of adding to it. A
partition's records are a deterministic function of the input (the same
records reach the same partition; only their order may change), so every
run of it reports the same counts (measured time, ``*/time_us`` and
``*/cpu_us``, aside: it differs between runs anyway, but is still counted
once per partition, never once per attempt).
A partition that is not read to its end (``take``) reports nothing, so a
partial count never stands in for the full one.

The driver holds one Counter per step and partition until the run ends:
a few hundred bytes per partition and step, small beside any job.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable, Iterator, TypeVar

from pyspark import AccumulatorParam, SparkContext

from thresher.stats import DictStats, merge

In = TypeVar("In")
Out = TypeVar("Out")

#: ``(step name, partition index)``: what one task run of one step counted over.
PartitionKey = tuple[str, int]
PartitionCounters = dict[PartitionKey, Counter]


class PartitionCountersParam(AccumulatorParam):
    """Merges ``{(step, partition): Counter}`` maps; an entry for a key already present replaces it."""

    def zero(self, value: PartitionCounters) -> PartitionCounters:
        return {}

    def addInPlace(self, value1: PartitionCounters, value2: PartitionCounters) -> PartitionCounters:
        value1.update(value2)
        return value1


#: The :class:`~thresher.stats.StatsSink` a task counts into, one partition of one step: the in-memory sink.
PartitionStats = DictStats


#: A step's body: (partition index, the partition's records, the sink to count into) -> output records.
StepBody = Callable[[int, Iterator[In], PartitionStats], Iterable[Out]]


class SparkStats:
    """Driver side: makes counting partition functions and sums what they reported."""

    def __init__(self, sc: SparkContext) -> None:
        self._accumulator = sc.accumulator({}, PartitionCountersParam())
        self._steps: set[str] = set()

    def counted(self, step: str, body: StepBody) -> Callable[[int, Iterator[In]], Iterator[Out]]:
        """A function for ``rdd.mapPartitionsWithIndex`` that runs ``body`` and reports its counts.

        ``step`` names the RDD the function computes; each RDD needs its own
        name, or two RDDs' partitions would replace each other's counts.

        It counts, it does not time: ``body`` is a generator chained with the
        steps before and after it in one task, so timing it here would add
        their work to this step's (and to theirs again, where they are timed
        themselves). Stages time their own work inside ``body``
        (:func:`thresher.engines.base.step_outputs`, :func:`thresher.stats.stage_timer`)
        into the same sink, so time is counted once, under the stage's name.
        """
        if step in self._steps:
            raise ValueError(f"counting step {step!r} is already used: partition counts would collide")
        self._steps.add(step)
        return _CountedStep(step, body, self._accumulator)

    def totals(self) -> dict[str, int]:
        """Every counter summed over steps and partitions (each partition counted once)."""
        return merge(self._accumulator.value.values())


class _CountedStep:
    """Picklable partition function (closes over the accumulator, never the SparkContext)."""

    def __init__(self, step: str, body: StepBody, accumulator) -> None:
        self.step = step
        self.body = body
        self.accumulator = accumulator

    def __call__(self, index: int, items: Iterator[In]) -> Iterator[Out]:
        stats = PartitionStats()
        yield from self.body(index, items, stats)
        # Only reached once the partition was read to its end.
        self.accumulator.add({(self.step, index): stats.counts})
