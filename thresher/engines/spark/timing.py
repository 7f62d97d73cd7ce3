"""Busy and CPU time of a step's own work, for steps that stream (Spark partition functions).

:func:`thresher.stats.stage_timer` times a block. A Spark step is a
generator chained with its neighbours in one task: timing its whole life
would add the time its consumer spends between records and the time its
producer spends making them (the previous step, the shuffle reader). So
:func:`timed` measures only the step's own work: the time inside the body's
``next()`` minus the time inside its input's ``next()``, summed over the
partition, and records it once at the end under the same counter names
and clocks as ``stage_timer``: ``<stage>/time_us`` and ``<stage>/cpu_us``
(summing floats and rounding once: per-record rounding would lose whole
microseconds per record).
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any, Callable, Iterable, Iterator

from thresher.engines.spark.stats import PartitionStats, StepBody


class _Clock:
    """Wall and CPU seconds spent in the step's own work so far."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def measure(self, iterator: Iterator[Any], sign: float) -> Iterator[Any]:
        """``iterator`` unchanged; the time spent in each ``next()`` added times ``sign``."""
        while True:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                self.wall += sign * (time.perf_counter() - wall)
                self.cpu += sign * (time.thread_time() - cpu)
            yield item


def timed(stage: str, body: StepBody) -> StepBody:
    """``body`` recording its own busy and CPU time as ``<stage>/time_us`` and ``<stage>/cpu_us``."""
    return partial(_run_timed, stage=stage, body=body)


def _run_timed(index: int, items: Iterator[Any], stats: PartitionStats, *, stage: str, body: StepBody):
    clock = _Clock()
    inputs = clock.measure(iter(items), -1.0)  # the producer's time, subtracted
    try:
        yield from clock.measure(iter(body(index, inputs, stats)), 1.0)
    finally:
        stats.inc(f"{stage}/time_us", max(0, int(clock.wall * 1e6)))
        stats.inc(f"{stage}/cpu_us", max(0, int(clock.cpu * 1e6)))


def per_record(fn: Callable[[Any], Iterable[Any]]) -> StepBody:
    """A step body flat-mapping ``fn`` over a partition's records: a ``flatMap`` that can be timed and counted."""
    return partial(_flat_map, fn=fn)


def _flat_map(index: int, records: Iterator[Any], stats: PartitionStats, *, fn: Callable) -> Iterator[Any]:
    for record in records:
        yield from fn(record)
