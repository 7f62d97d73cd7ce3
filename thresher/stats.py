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

Distributions (Beam's ``Metrics.distribution``: count, sum, min, max of an
integer measure per document, e.g. ``extract/text_chars``) travel in the same
flat mapping as four keys, ``<name>/dist/count``, ``/dist/sum``, ``/dist/min``
and ``/dist/max``, so per-file results and Spark partitions carry them like
counters; :func:`merge` takes the min of ``/dist/min`` and the max of
``/dist/max`` keys and sums the rest.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from typing import Iterable, Iterator, Literal, Mapping, MutableMapping, Protocol


#: Counters that measure how the work went (time, CPU, what a shuffle carried) rather than what
#: it decided: they differ between runs, engines and worker counts, where every other counter
#: must not. ``storage/`` counts a store's retried requests.
MEASUREMENT_SUFFIXES = ("/time_us", "/cpu_us")
MEASUREMENT_PREFIXES = ("shuffle/", "storage/")


def is_measurement(name: str) -> bool:
    return name.endswith(MEASUREMENT_SUFFIXES) or name.startswith(MEASUREMENT_PREFIXES)


def decisions_only(counters: Mapping[str, int]) -> dict[str, int]:
    """``counters`` without measurements (:func:`is_measurement`): what must be the same on any engine."""
    return {name: value for name, value in counters.items() if not is_measurement(name)}


class StatsSink(Protocol):
    def inc(self, name: str, n: int = 1) -> None: ...

    def observe(self, name: str, value: int) -> None:
        """One value of the distribution ``name`` (an integer measure of one document)."""
        ...


DIST = "/dist/"
_MIN, _MAX = "/dist/min", "/dist/max"


def record_observation(counts: MutableMapping[str, int], name: str, value: int) -> None:
    """Fold ``value`` into the four distribution keys of ``name`` in ``counts``."""
    value = int(value)
    base = name + "/dist"
    counts[base + "/count"] = counts.get(base + "/count", 0) + 1
    counts[base + "/sum"] = counts.get(base + "/sum", 0) + value
    low, high = counts.get(base + "/min"), counts.get(base + "/max")
    counts[base + "/min"] = value if low is None else min(low, value)
    counts[base + "/max"] = value if high is None else max(high, value)


def distributions(counters: Mapping[str, int]) -> dict[str, dict[str, float]]:
    """``{name: {count, sum, min, max, mean}}`` for every distribution in ``counters``."""
    out: dict[str, dict[str, float]] = {}
    for key, value in counters.items():
        name, sep, field = key.rpartition(DIST)
        if sep and field in ("count", "sum", "min", "max"):
            out.setdefault(name, {})[field] = value
    for values in out.values():
        if values.get("count"):
            values["mean"] = round(values.get("sum", 0) / values["count"], 3)
    return dict(sorted(out.items()))


class DictStats:
    """An in-memory sink: unit tests and single-process tools."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def inc(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def observe(self, name: str, value: int) -> None:
        record_observation(self.counts, name, value)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


class NullStats:
    def inc(self, name: str, n: int = 1) -> None:
        pass

    def observe(self, name: str, value: int) -> None:
        pass


def dropped(stage: str, reason: str) -> str:
    return f"{stage}/dropped/{reason}"


def merge(counters: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Counters summed; distribution minima and maxima kept as min and max."""
    total: dict[str, int] = {}
    for c in counters:
        for key, value in c.items():
            old = total.get(key)
            if old is None:
                total[key] = value
            elif key.endswith(_MIN):
                total[key] = min(old, value)
            elif key.endswith(_MAX):
                total[key] = max(old, value)
            else:
                total[key] = old + value
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
    read_cpu = time.thread_time_ns if cpu == "thread" else time.process_time_ns
    # The CPU interval is read inside the wall interval, in nanoseconds: a stage timed in many
    # short blocks must not show more CPU than busy time from clock reads and rounding alone.
    wall, started = time.perf_counter_ns(), read_cpu()
    try:
        yield
    finally:
        cpu_ns = read_cpu() - started
        busy_ns = time.perf_counter_ns() - wall
        stats.inc(f"{stage}/time_us", busy_ns // 1000)
        stats.inc(f"{stage}/cpu_us", cpu_ns // 1000)
