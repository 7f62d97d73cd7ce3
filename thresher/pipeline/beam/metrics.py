"""Beam's side of the stats interface: counters in the ``thresher`` namespace."""

from __future__ import annotations

from apache_beam.metrics import Metrics

NAMESPACE = "thresher"


class BeamStats:
    """A :class:`thresher.stats.StatsSink` over Beam ``Metrics.counter``.

    Counters are created lazily and cached per name, so a DoFn can hold one
    instance for its lifetime.
    """

    def __init__(self) -> None:
        self._counters: dict[str, object] = {}

    def inc(self, name: str, n: int = 1) -> None:
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = Metrics.counter(NAMESPACE, name)
        counter.inc(n)

    def __getstate__(self) -> dict:
        # Counter objects are rebuilt on the worker; only the class travels.
        return {}

    def __setstate__(self, state: dict) -> None:
        self._counters = {}
