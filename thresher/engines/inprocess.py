"""Jobs in this process, without an engine: the Flow primitives over spooled collections.

A local engine's small jobs (dedup of a small corpus, the shards of one writer) cost more in
the engine's fixed cost than in their work: a Beam pipeline of ~80 steps is built, translated
and fused, and every step's DoFn introspected, for ~1,000 light records (about 1.5 CPU-s and
seconds of wall, measured in BENCHMARKS.md §7). Here each primitive runs eagerly, in the order
the job is built, with the same step lifecycle an engine gives it: a copy per step through its pickling
hooks (as shipped to a worker), ``setup``, the batches of :class:`~thresher.engines.base.Batcher`,
``finish`` once (one bundle), ``teardown``. Rounds are unrolled as on Beam, so every counter
comes out as the Beam engine counts it.

Collections are spools (:class:`~thresher.engines.spool.Spool`): beyond a chunk of elements they live in
files under the job's scratch folder, and a grouping holds one partition of its input at a time,
and a group of many values (a shard's documents) is a spool of its own, so memory does not grow
with the job (the direct runner runs every job but phase A here, at any size: Beam's FnApiRunner
would hold each collection in the driver's memory).
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from thresher.engines.base import Combiner, MeasureShuffle, Outputs, Step, StepContext, Tagged, batches, step_outputs
from thresher.engines import spool as spools
from thresher.engines.spool import Spool, SpooledValues, partition_count, partitioned
from thresher.io.live_counts import LiveCounts, LiveStats, live_dir
from thresher.stats import DictStats, merge


class _Single:
    """A singleton side value (the combiner's result over a collection)."""

    def __init__(self, value: Any) -> None:
        self.value = value


class InProcessFlow:
    """:class:`~thresher.engines.base.Flow` over spooled collections, run as it is built.

    ``directory``: where collections spill (removed by :func:`run_in_process` when the job ends).
    """

    def __init__(self, directory: str) -> None:
        self.sink = DictStats()
        self.live_dir = live_dir()
        self.directory = directory
        self._held: list[Spool] = []

    def _spool(self, items: Iterable[Any] = ()) -> Spool:
        return Spool(self.directory, items)

    def create(self, name: str, items: Sequence[Any]) -> Spool:
        return self._spool(items)

    def apply(self, name: str, coll: Iterable[Any], step: Step, sides: Mapping[str, _Single] | None = None) -> Any:
        # A copy through the step's own pickling hooks, as a worker would receive it.
        step = copy.deepcopy(step)
        stats = LiveStats(self.sink, LiveCounts(self.live_dir))
        ctx = StepContext(stats)
        if sides:
            ctx.sides = {key: side.value for key, side in sides.items()}
        main = self._spool()
        tagged = {tag: self._spool() for tag in step.outputs}

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

    def _measured(self, name: str, coll: Iterable[Any]) -> Spool:
        return self.apply(f"{name}.Measure", coll, MeasureShuffle())

    def _grouped(self, records: Iterable[tuple[Any, Any]], pickled_bytes: int, count: int) -> Spool:
        """``(key, value)`` records -> ``(key, values)``, one partition of keys in memory at a time; a
        group's values beyond :data:`~thresher.engines.spool.SPOOL_CHUNK` (or
        :data:`~thresher.engines.spool.SPOOL_BYTES` of them, pickled) go to a spool of their own (a shard's documents)."""
        parts = partition_count(pickled_bytes)
        # A group's values in a list up to a chunk's worth of them; beyond it, a spool.
        in_list = spools.chunk_elements(pickled_bytes, count)
        out = self._spool()
        for part in [records] if parts == 1 else partitioned(self.directory, records, parts, _first):
            groups: dict[Any, list[Any] | Spool] = {}
            for key, value in part:
                values = groups.get(key)
                if values is None:
                    groups[key] = [value]
                    continue
                values.append(value)
                if type(values) is list and len(values) >= in_list:
                    groups[key] = self._spool(values)
            out.extend((key, self._sealed(values)) for key, values in groups.items())
        return out

    def _sealed(self, values: list[Any] | Spool) -> list[Any] | SpooledValues:
        if type(values) is list:
            return values
        self._held.append(values)  # its file lives as long as the job
        return values.seal()

    def group(self, name: str, coll: Iterable[Any]) -> Spool:
        measured = self._measured(name, coll)
        return self._grouped(measured, measured.pickled_bytes(), len(measured))

    def combine_per_key(self, name: str, coll: Iterable[Any], combiner: Combiner) -> Spool:
        return self._spool((key, _combined(combiner, values)) for key, values in self.group(name, coll))

    def cogroup(self, name: str, colls: Mapping[str, Iterable[Any]]) -> Spool:
        measured = {tag: self._measured(f"{name}.{tag}", coll) for tag, coll in colls.items()}
        grouped = self._grouped(_tagged_records(measured), sum(coll.pickled_bytes() for coll in measured.values()),
                                sum(len(coll) for coll in measured.values()))
        return self._spool((key, _by_tag(colls, tagged)) for key, tagged in grouped)

    def flatten(self, name: str, colls: Sequence[Iterable[Any]]) -> Spool:
        return self._spool(value for coll in colls for value in coll)

    def singleton(self, name: str, coll: Iterable[Any], combiner: Combiner) -> _Single:
        return _Single(_combined(combiner, coll))

    def iterate(
        self,
        name: str,
        state: Spool,
        round_: Callable[[Any, Any, str], Any],
        unsettled: Callable[[Any], bool],
        max_rounds: int,
        not_converged: Callable[[int | None], Exception],
    ) -> Spool:
        # Every round, as the Beam engine unrolls them: the same steps run, the same counters count.
        for number in range(1, max_rounds + 1):
            state = round_(self, state, f"{name}.Round{number}")
        left = sum(1 for record in state if unsettled(record))
        if left:
            raise not_converged(left)
        return state

    def cache(self, coll: Spool) -> Spool:
        return coll

    def counters(self) -> dict[str, int]:
        return merge([dict(self.sink.counts)])


def _combined(combiner: Combiner, values: Iterable[Any]) -> Any:
    acc = combiner.create()
    for value in values:
        acc = combiner.add(acc, value)
    return combiner.extract(acc)


def _first(record: tuple) -> Any:
    return record[0]


def _tagged_records(colls: Mapping[str, Iterable[Any]]) -> Iterator[tuple[Any, tuple[str, Any]]]:
    for tag, coll in colls.items():
        for key, value in coll:
            yield key, (tag, value)


def _by_tag(tags: Iterable[str], tagged: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    """A cogrouped key's ``(tag, value)`` pairs as ``{tag: values}``, every tag present."""
    out: dict[str, list[Any]] = {tag: [] for tag in tags}
    for tag, value in tagged:
        out[tag].append(value)
    return out


def run_in_process(build: Callable[[InProcessFlow], None], scratch: str | None = None,
                   flow: Callable[[str], InProcessFlow] = InProcessFlow) -> dict[str, int]:
    """Build and run a job here; the counters its steps counted.

    Its collections spill under ``scratch`` (the run's local scratch folder; the system's temporary
    folder when None), in a folder of the job's own that goes when the job ends. ``flow`` makes the
    job's flow from that folder (the local engine's spreads some steps over worker processes).
    """
    if scratch is not None:
        os.makedirs(scratch, exist_ok=True)
    directory = tempfile.mkdtemp(prefix="thresher-job-", dir=scratch)
    try:
        made = flow(directory)
        build(made)
        return made.counters()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        if scratch is not None:
            try:
                os.rmdir(scratch)  # the run's scratch keeps no empty folder of ours
            except OSError:
                pass
