"""What an engine provides (a :class:`Flow` of a few dataflow primitives) and what it runs (:class:`Step`).

A run is a handful of jobs: phase-A passes, dedup, shards. Each job is built once, by
engine-neutral code (:mod:`thresher.run.phase_a`, :mod:`thresher.run.dedup`,
:mod:`thresher.run.shards`), against a :class:`Flow`. An engine implements the
primitives over its own collections (Beam PCollections, Spark RDDs) and runs the job;
it knows nothing of pages, documents or dedup.

The primitives:

* ``create``: a small list from the driver (files, work units), spread over workers;
* ``apply``: run a :class:`Step` over a collection, in batches, with per-worker setup,
  optional extra outputs and side values;
* ``group`` / ``combine_per_key`` / ``cogroup``: by key, with re-iterable grouped values;
* ``flatten``: several collections as one;
* ``singleton``: a whole collection combined into one value, handed to later steps as a side value;
* ``iterate``: repeat a round until every record is settled (Beam unrolls, Spark loops);
* ``cache``: a hint that a collection is read more than once.

Everything about batching, timing and counting a step is here, written once: engines call
:func:`step_outputs` and :class:`Batcher` and differ only in how elements reach them.
"""

from __future__ import annotations

import pickle
import uuid
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Generic, Iterable, Iterator, Literal, Mapping, Protocol, Sequence, TypeVar

from thresher.stats import StatsSink, stage_timer

Acc = TypeVar("Acc")

#: Elements a step gets per batch unless it says otherwise, and outputs per timer reading.
DEFAULT_BATCH = 256
#: Documents per batch for steps that sign or encode documents (numpy and Rust work per batch) ...
DOCUMENT_BATCH = 512
#: ... and at most this many characters of text per batch, so a batch of huge pages stays small.
DOCUMENT_BATCH_CHARS = 8_000_000


@dataclass(frozen=True, slots=True)
class Tagged:
    """An output for the extra output ``tag`` of a step (:attr:`Step.outputs`)."""

    tag: str
    value: Any


@dataclass
class StepContext:
    """What a step sees of where it runs: the stats sink, side values, and a name for its files."""

    stats: StatsSink
    sides: dict[str, Any] = field(default_factory=dict)
    #: Unique to this partition or bundle attempt: data files a step writes carry it in their name.
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:16])


class Step:
    """Engine-neutral work over the elements of a collection: subclass and override :meth:`process`.

    Engines call :meth:`setup` once per worker (Beam ``DoFn.setup``, Spark per partition),
    :meth:`process` on batches of elements, :meth:`finish` at the end of each bundle or
    partition, and :meth:`teardown`. Outputs must depend only on each element (or, for a
    grouped element, its group), never on how elements were batched: engines batch
    differently. A step is pickled to workers; expensive state is built in :meth:`setup`.
    """

    #: The time of the step's work counts as ``<stage>/time_us`` and ``<stage>/cpu_us``
    #: (None: the step times its own work, or has none worth timing).
    stage: str | None = None
    #: ``thread`` CPU for Python work, ``process`` for libraries computing on their own threads.
    cpu: Literal["thread", "process"] = "thread"
    #: Elements per batch, and a cap on the batch's summed :meth:`weight` (None: no cap).
    batch_size: int = DEFAULT_BATCH
    max_batch_weight: int | None = None
    #: Names of extra outputs; values yielded as ``Tagged(tag, value)`` go to them.
    outputs: tuple[str, ...] = ()

    def setup(self) -> None:
        """Load models and build expensive state, once per worker."""

    def weight(self, element: Any) -> int:
        """An element's share of :attr:`max_batch_weight` (e.g. a document's characters)."""
        return 0

    def process(self, batch: list[Any], ctx: StepContext) -> Iterable[Any]:
        raise NotImplementedError

    def finish(self, ctx: StepContext) -> Iterable[Any]:
        """Outputs due at the end of a bundle or partition (files closed, counts flushed)."""
        return ()

    def teardown(self) -> None:
        """Release what :meth:`setup` built (child processes, handles)."""


class MapStep(Step):
    """``fn(element) -> iterable of outputs`` as a step (a flat map), timed as ``stage``."""

    def __init__(self, fn: Callable[[Any], Iterable[Any]], stage: str | None = None) -> None:
        self.fn = fn
        self.stage = stage

    def process(self, batch: list[Any], ctx: StepContext) -> Iterator[Any]:
        fn = self.fn
        for element in batch:
            yield from fn(element)


class MeasureShuffle(Step):
    """Counts what enters a shuffle: ``shuffle/elements`` and ``shuffle/bytes`` (each element pickled).

    Engines put it before every grouping (``group``, ``combine_per_key``, ``cogroup``), so a run
    reports the same logical shuffle volume whatever engine runs it (an engine's own wire format
    and compression differ: Spark's shuffle-write metric is beside it in the benchmarks).
    """

    def process(self, batch: list[Any], ctx: StepContext) -> list[Any]:
        dumps = pickle.dumps
        ctx.stats.inc("shuffle/elements", len(batch))
        ctx.stats.inc("shuffle/bytes", sum(len(dumps(element, protocol=pickle.HIGHEST_PROTOCOL)) for element in batch))
        return batch


class Batcher:
    """Collects elements until a step's batch is full: the one batching rule of every engine."""

    def __init__(self, step: Step) -> None:
        self.size = step.batch_size
        self.max_weight = step.max_batch_weight
        self.weight = step.weight
        self.items: list[Any] = []
        self.total = 0

    def add(self, element: Any) -> bool:
        """Buffer ``element``; True when the batch is full and should be drained."""
        self.items.append(element)
        if self.max_weight is not None:
            self.total += self.weight(element)
            if self.total >= self.max_weight:
                return True
        return len(self.items) >= self.size

    def drain(self) -> list[Any]:
        items, self.items, self.total = self.items, [], 0
        return items


def batches(step: Step, elements: Iterable[Any]) -> Iterator[list[Any]]:
    """``elements`` cut into the step's batches (engines that see a whole partition use this)."""
    batcher = Batcher(step)
    for element in elements:
        if batcher.add(element):
            yield batcher.drain()
    if batcher.items:
        yield batcher.drain()


def step_outputs(step: Step, batch: list[Any], ctx: StepContext) -> Iterator[Any]:
    """The outputs of one batch; with a ``stage``, its work timed, ``DEFAULT_BATCH`` outputs per reading.

    Outputs are produced under the timer and handed on after it stops: in a fused stage the
    consumer's work runs when an output is handed on, and must not count as this step's.
    Producing a bounded chunk at a time keeps memory bounded when a batch expands to millions
    of outputs (a huge group).
    """
    outputs = iter(step.process(batch, ctx))
    if step.stage is None:
        yield from outputs
        return
    while True:
        with stage_timer(ctx.stats, step.stage, cpu=step.cpu):
            produced = list(islice(outputs, DEFAULT_BATCH))
        yield from produced
        if len(produced) < DEFAULT_BATCH:
            return


class Combiner(Protocol, Generic[Acc]):
    """How ``combine_per_key`` and ``singleton`` fold values: an accumulator, merged across workers."""

    def create(self) -> Acc: ...

    def add(self, acc: Acc, value: Any) -> Acc: ...

    def merge(self, accs: Iterable[Acc]) -> Acc: ...

    def extract(self, acc: Acc) -> Any: ...


class Coll(Protocol):
    """An engine's collection handle (opaque to flows)."""


class Side(Protocol):
    """A single value computed by the job (:meth:`Flow.singleton`), given to later steps."""


@dataclass
class Outputs:
    """The collections of a step with extra outputs: ``main`` and one per tag."""

    main: Any
    tagged: dict[str, Any]

    def __getitem__(self, tag: str) -> Any:
        return self.tagged[tag]


class Flow(Protocol):
    """The primitives a job is built from. Names label steps (unique within a job)."""

    def create(self, name: str, items: Sequence[Any]) -> Coll: ...

    def apply(self, name: str, coll: Coll, step: Step, sides: Mapping[str, Side] | None = None) -> Any:
        """``step`` over ``coll``: a collection, or :class:`Outputs` when the step has :attr:`Step.outputs`."""
        ...

    def group(self, name: str, coll: Coll) -> Coll:
        """``(key, value)`` -> ``(key, values)``; values may be iterated more than once."""
        ...

    def combine_per_key(self, name: str, coll: Coll, combiner: Combiner) -> Coll: ...

    def cogroup(self, name: str, colls: Mapping[str, Coll]) -> Coll:
        """``{tag: (key, value)}`` -> ``(key, {tag: values})``, every tag present."""
        ...

    def flatten(self, name: str, colls: Sequence[Coll]) -> Coll: ...

    def singleton(self, name: str, coll: Coll, combiner: Combiner) -> Side: ...

    def iterate(
        self,
        name: str,
        state: Coll,
        round_: Callable[["Flow", Coll, str], Coll],
        unsettled: Callable[[Any], bool],
        max_rounds: int,
        not_converged: Callable[[int | None], Exception],
    ) -> Coll:
        """Rounds of ``round_`` until no record of the state is ``unsettled``, at most ``max_rounds``.

        Raises ``not_converged(unsettled count or None)`` when records are still unsettled after
        the last round. An engine without loops runs all ``max_rounds`` (later rounds change nothing).
        """
        ...

    def cache(self, coll: Coll) -> Coll:
        """``coll``, marked as read more than once (an engine may keep it)."""
        ...


class Engine(Protocol):
    """Runs jobs built against its :class:`Flow`; one instance serves a whole run."""

    name: str
    #: Workers of a local engine share this machine's disk (live progress files work).
    local: bool

    def parallelism(self) -> int:
        """How many tasks can run at once (for planning work units)."""
        ...

    def run(self, job: str, build: Callable[[Flow], None], small: bool = False,
            grows_with_corpus: bool = False) -> dict[str, int]:
        """Build the job with ``build(flow)``, run it to the end; the counters its steps counted.

        ``small``: the job has little work (one task, or a small corpus); an engine may then run it in
        this process, without workers, whose start-up (and a job's submission) would cost more than the work.
        ``grows_with_corpus``: the job's collections between steps grow with the corpus (dedup's light
        records, the grouped shards' rows; phase A's are work units and results). An engine that would
        hold them in one process's memory (Beam's FnApiRunner) runs the job in this process instead, on
        collections that spill to local disk (:mod:`thresher.engines.inprocess`).
        """
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class RunnerPlan:
    """What an engine is given: the runner section of the run plan (:mod:`thresher.run.plan`)."""

    name: str
    workers: int | None
    files_per_pass: int | None
    options: Mapping[str, Any] = field(default_factory=dict)
    #: Phase A's work units: ranges of input files of about this many bytes.
    unit_bytes: int = 64 * 1024 * 1024
    #: Arguments after ``--`` on the command line, handed to the engine as they are.
    engine_args: tuple[str, ...] = ()
    #: A folder on the launcher's disk where jobs run in the launcher spill their collections (None:
    #: the system's temporary folder).
    scratch: str | None = None
    #: Build each job without running it: its description goes to ``<describe_to>/<job>.json``
    #: (``thresher run --dry-run DIR``; only engines registered with ``describes``).
    describe_to: str | None = None


# -- combiners every engine can use -------------------------------------------------------


class SetUnion:
    """Values into one frozenset per key."""

    def create(self) -> set:
        return set()

    def add(self, acc: set, value: Any) -> set:
        acc.add(value)
        return acc

    def merge(self, accs: Iterable[set]) -> set:
        out: set = set()
        for acc in accs:
            out |= acc
        return out

    def extract(self, acc: set) -> frozenset:
        return frozenset(acc)


class ToList:
    """Every value into one list, sorted: a side value that does not depend on arrival order."""

    def __init__(self, key: Callable[[Any], Any] | None = None) -> None:
        self.key = key

    def create(self) -> list:
        return []

    def add(self, acc: list, value: Any) -> list:
        acc.append(value)
        return acc

    def merge(self, accs: Iterable[list]) -> list:
        return [value for acc in accs for value in acc]

    def extract(self, acc: list) -> list:
        return sorted(acc, key=self.key)


class SumTuples:
    """Tuples of numbers summed element-wise (e.g. ``(tokens, bytes)``)."""

    def __init__(self, width: int) -> None:
        self.width = width

    def create(self) -> tuple:
        return (0,) * self.width

    def add(self, acc: tuple, value: tuple) -> tuple:
        return tuple(a + b for a, b in zip(acc, value))

    def merge(self, accs: Iterable[tuple]) -> tuple:
        total = self.create()
        for acc in accs:
            total = self.add(total, acc)
        return total

    def extract(self, acc: tuple) -> tuple:
        return acc
