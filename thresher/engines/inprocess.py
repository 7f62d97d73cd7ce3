"""Small jobs in this process, without an engine: the Flow primitives over plain lists.

A local engine's small jobs (dedup of a small corpus, the shards of one writer) cost more in
the engine's fixed cost than in their work: a Beam pipeline of ~80 steps is built, translated
and fused, and every step's DoFn introspected, for ~1,000 light records (about 1.5 CPU-s and
seconds of wall, measured in BENCHMARKS.md §7). Here each primitive runs eagerly, in the order
the job is built, with the same step lifecycle an engine gives it: a copy per step through its pickling
hooks (as shipped to a worker), ``setup``, the batches of :class:`~thresher.engines.base.Batcher`,
``finish`` once (one bundle), ``teardown``. Rounds are unrolled as on Beam, so every counter
comes out as the Beam engine counts it.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any, Callable, Iterable, Mapping, Sequence

from thresher.engines.base import Combiner, MeasureShuffle, Outputs, Step, StepContext, Tagged, batches, step_outputs
from thresher.io.live_counts import LiveCounts, LiveStats, live_dir
from thresher.stats import DictStats, merge


class _Single:
    """A singleton side value (the combiner's result over a collection)."""

    def __init__(self, value: Any) -> None:
        self.value = value


class InProcessFlow:
    """:class:`~thresher.engines.base.Flow` over Python lists, run as it is built."""

    def __init__(self) -> None:
        self.sink = DictStats()
        self.live_dir = live_dir()

    def create(self, name: str, items: Sequence[Any]) -> list[Any]:
        return list(items)

    def apply(self, name: str, coll: list[Any], step: Step, sides: Mapping[str, _Single] | None = None) -> Any:
        # A copy through the step's own pickling hooks, as a worker would receive it.
        step = copy.deepcopy(step)
        stats = LiveStats(self.sink, LiveCounts(self.live_dir))
        ctx = StepContext(stats)
        if sides:
            ctx.sides = {key: side.value for key, side in sides.items()}
        main: list[Any] = []
        tagged: dict[str, list[Any]] = {tag: [] for tag in step.outputs}

        def put(value: Any) -> None:
            if isinstance(value, Tagged):
                tagged[value.tag].append(value.value)
            else:
                main.append(value)

        step.setup()
        try:
            for batch in batches(step, coll):
                stats.elements(name, len(batch))
                for value in step_outputs(step, batch, ctx):
                    put(value)
            for value in step.finish(ctx):
                put(value)
            stats.flush()
        finally:
            step.teardown()
        return Outputs(main, tagged) if step.outputs else main

    def _measured(self, name: str, coll: list[Any]) -> list[Any]:
        return self.apply(f"{name}.Measure", coll, MeasureShuffle())

    def group(self, name: str, coll: list[Any]) -> list[Any]:
        groups: dict[Any, list[Any]] = defaultdict(list)
        for key, value in self._measured(name, coll):
            groups[key].append(value)
        return list(groups.items())

    def combine_per_key(self, name: str, coll: list[Any], combiner: Combiner) -> list[Any]:
        return [(key, _combined(combiner, values)) for key, values in self.group(name, coll)]

    def cogroup(self, name: str, colls: Mapping[str, list[Any]]) -> list[Any]:
        joined: dict[Any, dict[str, list[Any]]] = {}
        for tag, coll in colls.items():
            for key, value in self._measured(f"{name}.{tag}", coll):
                joined.setdefault(key, {t: [] for t in colls})[tag].append(value)
        return list(joined.items())

    def flatten(self, name: str, colls: Sequence[list[Any]]) -> list[Any]:
        return [value for coll in colls for value in coll]

    def singleton(self, name: str, coll: list[Any], combiner: Combiner) -> _Single:
        return _Single(_combined(combiner, coll))

    def iterate(
        self,
        name: str,
        state: list[Any],
        round_: Callable[[Any, Any, str], Any],
        unsettled: Callable[[Any], bool],
        max_rounds: int,
        not_converged: Callable[[int | None], Exception],
    ) -> list[Any]:
        # Every round, as the Beam engine unrolls them: the same steps run, the same counters count.
        for number in range(1, max_rounds + 1):
            state = round_(self, state, f"{name}.Round{number}")
        left = sum(1 for record in state if unsettled(record))
        if left:
            raise not_converged(left)
        return state

    def cache(self, coll: list[Any]) -> list[Any]:
        return coll

    def counters(self) -> dict[str, int]:
        return merge([dict(self.sink.counts)])


def _combined(combiner: Combiner, values: Iterable[Any]) -> Any:
    acc = combiner.create()
    for value in values:
        acc = combiner.add(acc, value)
    return combiner.extract(acc)


def run_in_process(build: Callable[[InProcessFlow], None]) -> dict[str, int]:
    """Build and run a job here; the counters its steps counted."""
    flow = InProcessFlow()
    build(flow)
    return flow.counters()
