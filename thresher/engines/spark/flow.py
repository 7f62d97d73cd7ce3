"""The Flow primitives over Spark RDDs: steps as partition functions, groups as shuffles, sides computed at once.

Spark is lazy until an action. Side values (:meth:`SparkFlow.singleton`) and the rounds
of :meth:`SparkFlow.iterate` are actions taken while the job is built; whatever a job
leaves unread at the end (a step whose output nobody takes: the writers and commits) is
run by :meth:`SparkFlow.finish`.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from pyspark import RDD, SparkContext, StorageLevel

from thresher.engines.base import Combiner, MeasureShuffle, Outputs, Step, StepContext, Tagged, batches, step_outputs
from thresher.engines.spark.stats import PartitionStats, SparkStats
from thresher.io import worker_storage
from thresher.io.live_counts import LiveCounts, LiveStats, live_dir

_MAIN = "\x00main"


class _StepRunner:
    """A step as a ``mapPartitionsWithIndex`` body: setup per partition, batches, ``finish`` at its end."""

    def __init__(self, step: Step, sides: dict[str, Any], name: str = "") -> None:
        self.step = step
        self.sides = sides
        self.name = name
        self.live_dir = live_dir()  # the progress display's directory, named on the driver
        self.uid = uuid.uuid4().hex  # with the partition index, names this step's live-count files
        self.storage = worker_storage.job_options()  # where the stores are, for executors elsewhere; no secret

    def __call__(self, index: int, items: Iterator[Any], stats: PartitionStats) -> Iterator[Any]:
        step = self.step
        tagged = bool(step.outputs)
        worker_storage.install(self.storage)
        step.setup()
        # Spark may run a partition's task again (a retry, a recomputed stage): its file is replaced.
        live = LiveStats(stats, LiveCounts(self.live_dir, key=f"{self.uid}-{index:05d}"))
        # The partition index names the step's files: a retried task rewrites the same ones.
        ctx = StepContext(live, dict(self.sides), token=f"{index:05d}")
        try:
            for batch in batches(step, items):
                live.elements(self.name, len(batch))
                for value in step_outputs(step, batch, ctx):
                    yield _tag(value) if tagged else value
            for value in step.finish(ctx):
                yield _tag(value) if tagged else value
        finally:
            live.flush()
            step.teardown()


def _tag(value: Any) -> tuple[str, Any]:
    return (value.tag, value.value) if isinstance(value, Tagged) else (_MAIN, value)


def _has_tag(tag: str, record: tuple[str, Any]) -> bool:
    return record[0] == tag


def _untag(record: tuple[str, Any]) -> Any:
    return record[1]


def _with_position(position: int, record: tuple[Any, Any]) -> tuple[Any, tuple[int, Any]]:
    key, value = record
    return key, (position, value)


def _split_positions(tags: Sequence[str], values: Iterable[tuple[int, Any]]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {tag: [] for tag in tags}
    for position, value in values:
        out[tags[position]].append(value)
    return out


def _fold_partition(combiner: Combiner, values: Iterator[Any]) -> Iterator[Any]:
    acc = combiner.create()
    for value in values:
        acc = combiner.add(acc, value)
    yield acc


def _first_value(combiner: Combiner, value: Any) -> Any:
    return combiner.add(combiner.create(), value)


def _merge_two(combiner: Combiner, a: Any, b: Any) -> Any:
    return combiner.merge([a, b])


class SparkFlow:
    """:class:`~thresher.engines.base.Flow` over one SparkContext, for one job."""

    def __init__(self, sc: SparkContext, stats: SparkStats, partitions: int) -> None:
        self.sc = sc
        self.stats = stats
        self.partitions = partitions
        self._persisted: list[RDD] = []
        self._step_outputs: list[RDD] = []
        self._consumed: set[int] = set()

    def _uses(self, *colls: RDD) -> None:
        self._consumed.update(id(c) for c in colls)

    def create(self, name: str, items: Sequence[Any]) -> RDD:
        # Spread over the job's partitions: setup (models) runs once per partition, not per item.
        return self.sc.parallelize(list(items), max(1, min(len(items), self.partitions)))

    def apply(self, name: str, coll: RDD, step: Step, sides: Mapping[str, Any] | None = None) -> Any:
        self._uses(coll)
        rdd = coll.mapPartitionsWithIndex(self.stats.counted(name, _StepRunner(step, dict(sides or {}), name)))
        if not step.outputs:
            self._step_outputs.append(rdd)
            return rdd
        rdd = self.cache(rdd)  # each output reads it once
        main = rdd.filter(partial(_has_tag, _MAIN)).map(_untag)
        self._step_outputs.append(main)
        return Outputs(main, {tag: rdd.filter(partial(_has_tag, tag)).map(_untag) for tag in step.outputs})

    def _measured(self, name: str, coll: RDD) -> RDD:
        measured = self.apply(f"{name}.Measure", coll, MeasureShuffle())
        self._uses(measured)
        return measured

    def group(self, name: str, coll: RDD) -> RDD:
        return self._measured(name, coll).groupByKey(self.partitions)

    def combine_per_key(self, name: str, coll: RDD, combiner: Combiner) -> RDD:
        return self._measured(name, coll).combineByKey(
            partial(_first_value, combiner), combiner.add, partial(_merge_two, combiner), self.partitions
        ).mapValues(combiner.extract)

    def cogroup(self, name: str, colls: Mapping[str, RDD]) -> RDD:
        tags = tuple(colls)
        measured = [self._measured(f"{name}.{tag}", rdd) for tag, rdd in colls.items()]
        positioned = [rdd.map(partial(_with_position, i)) for i, rdd in enumerate(measured)]
        return self.sc.union(positioned).groupByKey(self.partitions).mapValues(partial(_split_positions, tags))

    def flatten(self, name: str, colls: Sequence[RDD]) -> RDD:
        self._uses(*colls)
        return self.sc.union(list(colls)) if colls else self.sc.emptyRDD()

    def singleton(self, name: str, coll: RDD, combiner: Combiner) -> Any:
        self._uses(coll)
        parts = coll.mapPartitions(partial(_fold_partition, combiner)).collect()
        return combiner.extract(combiner.merge(parts))

    def iterate(
        self,
        name: str,
        state: RDD,
        round_: Callable[[Any, Any, str], Any],
        unsettled: Callable[[Any], bool],
        max_rounds: int,
        not_converged: Callable[[int | None], Exception],
    ) -> RDD:
        # Spark loops: one small job counts the unsettled records after each round.
        state = self.cache(state)
        left = state.filter(unsettled).count()
        rounds = 0
        while left:
            if rounds == max_rounds:
                raise not_converged(left)
            following = self.cache(round_(self, state, f"{name}.Round{rounds + 1}"))
            left = following.filter(unsettled).count()
            self._release(state)
            state, rounds = following, rounds + 1
        return state

    def cache(self, coll: RDD) -> RDD:
        coll.persist(StorageLevel.MEMORY_AND_DISK)
        self._persisted.append(coll)
        return coll

    def _release(self, coll: RDD) -> None:
        coll.unpersist()
        self._persisted.remove(coll)

    def finish(self) -> None:
        """Run every step output nobody read (writers, commits): the job's last actions."""
        for rdd in self._step_outputs:
            if id(rdd) not in self._consumed:
                rdd.count()

    def release(self) -> None:
        for rdd in self._persisted:
            rdd.unpersist()
        self._persisted.clear()
