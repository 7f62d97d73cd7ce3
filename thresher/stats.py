"""Engine-neutral statistics: stages count through a :class:`StatsSink`.

Each engine supplies its own sink (Beam ``Metrics`` counters, Spark
accumulators, a plain dict in unit tests); stages never know which.

Counter names are ``"<stage>/<what>"``:

* ``<stage>/in`` documents (or records) that entered the stage;
* ``<stage>/kept`` those that left it;
* ``<stage>/dropped/<reason>`` those it removed, by machine-readable reason;
* ``read/skipped/<reason>`` and ``read/error/<reason>`` for input records that
  never became documents.

so that for every stage ``in == kept + sum(dropped)`` and for the run
``records read == kept + all drops + skips + errors``.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from typing import Iterable, Iterator, Literal, Mapping, Protocol


class StatsSink(Protocol):
    def inc(self, name: str, n: int = 1) -> None: ...


class DictStats:
    """An in-memory sink: unit tests and single-process tools."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def inc(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


class NullStats:
    def inc(self, name: str, n: int = 1) -> None:
        pass


def dropped(stage: str, reason: str) -> str:
    return f"{stage}/dropped/{reason}"


def merge(counters: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for c in counters:
        total.update(c)
    return dict(sorted(total.items()))


@contextmanager
def stage_timer(stats: StatsSink, stage: str, cpu: Literal["thread", "process"] = "thread") -> Iterator[None]:
    """Time the enclosed work as ``<stage>/time_us`` (busy wall time) and ``<stage>/cpu_us`` (CPU time).

    ``cpu="thread"`` counts the calling thread only (``time.thread_time``): right
    for Python code, exact even while other threads of the worker run other
    bundles. ``cpu="process"`` counts every thread of the process
    (``time.process_time``): needed around libraries that compute on their own
    threads (the tokenizer's ``encode_batch``). Time spent in child processes is
    added by the stage itself (the extraction worker reports its own CPU).
    Both sum over workers in the run's statistics.
    """
    read_cpu = time.thread_time if cpu == "thread" else time.process_time
    wall, started = time.perf_counter(), read_cpu()
    try:
        yield
    finally:
        stats.inc(f"{stage}/time_us", int((time.perf_counter() - wall) * 1e6))
        stats.inc(f"{stage}/cpu_us", int((read_cpu() - started) * 1e6))
