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

from collections import Counter
from typing import Iterable, Mapping, Protocol


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
