"""Beam's side of the stats interface: counters in the ``thresher`` namespace."""

from __future__ import annotations

from apache_beam.metrics import Metrics
from apache_beam.metrics.metric import MetricsFilter

from thresher.stats import merge

NAMESPACE = "thresher"


class BeamStats:
    """A :class:`thresher.stats.StatsSink` over Beam ``Metrics.counter``.

    Counters are created lazily and cached per name, so a DoFn can hold one
    instance for its lifetime.
    """

    def __init__(self) -> None:
        self._counters: dict[str, object] = {}
        self._distributions: dict[str, object] = {}

    def inc(self, name: str, n: int = 1) -> None:
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = Metrics.counter(NAMESPACE, name)
        counter.inc(n)

    def observe(self, name: str, value: int) -> None:
        distribution = self._distributions.get(name)
        if distribution is None:
            distribution = self._distributions[name] = Metrics.distribution(NAMESPACE, name)
        distribution.update(int(value))

    def __getstate__(self) -> dict:
        # Counter objects are rebuilt on the worker; only the class travels.
        return {}

    def __setstate__(self, state: dict) -> None:
        self._counters = {}
        self._distributions = {}


def metric_counters(result) -> dict[str, int]:
    """A finished pipeline's ``thresher`` counters and distributions as one flat mapping.

    Counters of the same name in several steps add up; a distribution becomes
    its four ``<name>/dist/...`` keys (see :mod:`thresher.stats`), merged over steps.
    """
    query = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))
    parts: list[dict[str, int]] = []
    for counter in query["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        parts.append({counter.key.metric.name: int(value or 0)})
    for dist in query["distributions"]:
        value = dist.committed if dist.committed is not None else dist.attempted
        if value is None or not value.count:
            continue
        base = dist.key.metric.name + "/dist"
        parts.append({f"{base}/count": int(value.count), f"{base}/sum": int(value.sum),
                      f"{base}/min": int(value.min), f"{base}/max": int(value.max)})
    return merge(parts)
