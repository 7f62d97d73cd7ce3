"""The Flow primitives over Beam PCollections: steps as DoFns, groups as GroupByKey, sides as AsSingleton."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from thresher.engines.base import Batcher, Combiner, MeasureShuffle, Outputs, Step, StepContext, Tagged, step_outputs
from thresher.engines.beam.metrics import BeamStats
from thresher.io import worker_storage
from thresher.io.live_counts import LiveCounts, LiveStats, live_dir

_GLOBAL = (GlobalWindow(),)


def _beam_output(value: Any) -> Any:
    return TaggedOutput(value.tag, value.value) if isinstance(value, Tagged) else value


def _windowed(value: Any) -> Any:
    # finish_bundle has no input element to take a window from; a run's jobs are batch work in
    # the global window, which every element carries.
    if isinstance(value, Tagged):
        return TaggedOutput(value.tag, WindowedValue(value.value, MIN_TIMESTAMP, _GLOBAL))
    return WindowedValue(value, MIN_TIMESTAMP, _GLOBAL)


class StepDoFn(beam.DoFn):
    """Runs a :class:`Step`: setup once per worker, batches within a bundle, ``finish`` at its end.

    ``process`` takes the element and side values only: asking for the window or
    timestamp sends every element down Beam's slow invocation path.
    """

    def __init__(self, step: Step, side_names: Sequence[str], name: str = "") -> None:
        self.step = step
        self.side_names = tuple(side_names)
        self.name = name
        self.live_dir = live_dir()  # read where the job is built; travels to the workers with the DoFn
        self.storage = worker_storage.job_options()  # where the stores are; never a secret

    def setup(self) -> None:
        # Counters go to Beam's metrics (stats.json) and, live, to the progress display.
        self.stats = LiveStats(BeamStats(), LiveCounts(self.live_dir))
        worker_storage.install(self.storage)
        self.step.setup()

    def start_bundle(self) -> None:
        self.batcher = Batcher(self.step)
        self.ctx = StepContext(self.stats)

    def process(self, element, *sides):  # no annotations: Beam would read them as type hints
        if sides:
            self.ctx.sides = dict(zip(self.side_names, sides))
        # A plain function, not a generator: most calls only buffer, and None means no output.
        return self._emit(self.batcher.drain()) if self.batcher.add(element) else None

    def _emit(self, batch: list[Any]) -> Iterator[Any]:
        self.stats.elements(self.name, len(batch))
        for value in step_outputs(self.step, batch, self.ctx):
            yield _beam_output(value)

    def finish_bundle(self) -> Iterator[Any]:
        batch = self.batcher.drain()
        if batch:
            self.stats.elements(self.name, len(batch))
            for value in step_outputs(self.step, batch, self.ctx):
                yield _windowed(value)
        for value in self.step.finish(self.ctx):
            yield _windowed(value)
        self.stats.flush()

    def teardown(self) -> None:
        self.step.teardown()


class _CombineFn(beam.CombineFn):
    def __init__(self, combiner: Combiner) -> None:
        self.combiner = combiner

    def create_accumulator(self) -> Any:
        return self.combiner.create()

    def add_input(self, acc: Any, value: Any) -> Any:
        return self.combiner.add(acc, value)

    def merge_accumulators(self, accs: Iterable[Any]) -> Any:
        return self.combiner.merge(accs)

    def extract_output(self, acc: Any) -> Any:
        return self.combiner.extract(acc)


class _RequireSettled(Step):
    """The convergence check after unrolled rounds: fails the job if any record is unsettled."""

    def __init__(self, unsettled: Callable[[Any], bool], not_converged: Callable[[int | None], Exception]) -> None:
        self.unsettled = unsettled
        self.not_converged = not_converged

    def process(self, batch: list[Any], ctx: StepContext) -> Iterator[Any]:
        for record in batch:
            if self.unsettled(record):
                raise self.not_converged(None)
            yield record


class BeamFlow:
    """:class:`~thresher.engines.base.Flow` over one Beam pipeline."""

    def __init__(self, pipeline: beam.Pipeline) -> None:
        self.pipeline = pipeline

    def create(self, name: str, items: Sequence[Any]) -> beam.PCollection:
        # Reshuffled: Create hands every item to one worker, the work would stay there.
        return self.pipeline | name >> beam.Create(list(items)) | f"{name}.Spread" >> beam.Reshuffle()

    def apply(self, name: str, coll: beam.PCollection, step: Step, sides: Mapping[str, Any] | None = None):
        sides = dict(sides or {})
        pardo = beam.ParDo(StepDoFn(step, list(sides), name), *(beam.pvalue.AsSingleton(s) for s in sides.values()))
        if not step.outputs:
            return coll | name >> pardo
        result = coll | name >> pardo.with_outputs(*step.outputs, main="main")
        return Outputs(result.main, {tag: result[tag] for tag in step.outputs})

    def _measured(self, name: str, coll: beam.PCollection) -> beam.PCollection:
        return self.apply(f"{name}.Measure", coll, MeasureShuffle())

    def group(self, name: str, coll: beam.PCollection) -> beam.PCollection:
        return self._measured(name, coll) | name >> beam.GroupByKey()

    def combine_per_key(self, name: str, coll: beam.PCollection, combiner: Combiner) -> beam.PCollection:
        return self._measured(name, coll) | name >> beam.CombinePerKey(_CombineFn(combiner))

    def cogroup(self, name: str, colls: Mapping[str, beam.PCollection]) -> beam.PCollection:
        measured = {tag: self._measured(f"{name}.{tag}", coll) for tag, coll in colls.items()}
        return measured | name >> beam.CoGroupByKey()

    def flatten(self, name: str, colls: Sequence[beam.PCollection]) -> beam.PCollection:
        return tuple(colls) | name >> beam.Flatten(pipeline=self.pipeline)

    def singleton(self, name: str, coll: beam.PCollection, combiner: Combiner) -> beam.PCollection:
        return coll | name >> beam.CombineGlobally(_CombineFn(combiner))

    def iterate(
        self,
        name: str,
        state: beam.PCollection,
        round_: Callable[[Any, Any, str], Any],
        unsettled: Callable[[Any], bool],
        max_rounds: int,
        not_converged: Callable[[int | None], Exception],
    ) -> beam.PCollection:
        # A Beam graph has no loops: every round is unrolled, then every record is checked.
        for number in range(1, max_rounds + 1):
            state = round_(self, state, f"{name}.Round{number}")
        return self.apply(f"{name}.Converged", state, _RequireSettled(unsettled, not_converged))

    def cache(self, coll: beam.PCollection) -> beam.PCollection:
        return coll  # Beam materializes what several steps read
