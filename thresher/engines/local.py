"""The local engine: a run on this machine without Beam, phase A's steps on worker processes.

Beam's direct runner spends seconds of each run before a page is read: Beam's import in the driver
and in every SDK worker (1.5 CPU-s each, from bytecode), the pipeline's construction, translation
and fusion, and its runner's bookkeeping per element (BENCHMARKS.md §7). On one machine none of it
is needed: phase A's work units are independent of each other, and every other job already runs in
the driver on the direct runner (:mod:`thresher.engines.inprocess`). Here a step over a created
collection (work a job spreads over workers, as Beam's Create and Reshuffle spread it) runs on
:class:`~thresher.engines.pool.StepPool` workers, and everything else in this process: the same
steps every engine runs, so the same outputs and counters (the golden run checks).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Mapping, Sequence

from thresher.engines.base import Outputs, RunnerPlan, Step, Tagged
from thresher.engines.fork_server import start_fork_server
from thresher.engines.inprocess import InProcessFlow, run_in_process
from thresher.engines.pool import StepPool
from thresher.engines.spool import Spool
from thresher.errors import ThresherError
from thresher.stats import merge

#: Tasks handed out beyond the oldest one whose outputs have not come back, per worker: what waits
#: here for an earlier, slower task is at most this many tasks' outputs.
TASKS_AHEAD_PER_WORKER = 2


class _Spread(Spool):
    """A created collection: steps over it run on the workers."""


class PoolFlow(InProcessFlow):
    """:class:`~thresher.engines.inprocess.InProcessFlow` whose steps over created collections run on
    ``workers`` worker processes; their outputs, and everything after them, are in this process."""

    def __init__(self, directory: str, workers: int) -> None:
        super().__init__(directory)
        self.workers = workers
        self._pooled: list[dict[str, int]] = []

    def create(self, name: str, items: Sequence[Any]) -> Spool:
        return _Spread(self.directory, items)

    def apply(self, name: str, coll: Iterable[Any], step: Step, sides: Mapping[str, Any] | None = None) -> Any:
        elements = list(coll) if isinstance(coll, _Spread) else []
        if len(elements) < 2:  # not spread work, or nothing to spread (none still sets up and finishes): here
            return super().apply(name, coll, step, sides)
        # One element per task: a created collection's elements are files or work units, each bounded
        # in size, so what a worker holds and sends back does not grow with the corpus (tasks of many
        # files would), and slow elements spread over the workers to the end of the job.
        tasks = [[element] for element in elements]
        values = {key: side.value for key, side in (sides or {}).items()}
        main = self._spool()
        tagged = {tag: self._spool() for tag in step.outputs}

        def deliver(outputs: list[Any]) -> None:
            for value in outputs:
                if isinstance(value, Tagged):
                    tagged[value.tag].append(value.value)
                else:
                    main.append(value)

        workers = min(self.workers, len(tasks))
        pool = StepPool(step, workers, name, self.live_dir, values)
        try:
            pool.run(tasks, deliver, window=TASKS_AHEAD_PER_WORKER * workers)
            pool.close()
        finally:
            pool.kill()
            self._pooled.extend(pool.counts)
        return Outputs(main, tagged) if step.outputs else main

    def counters(self) -> dict[str, int]:
        return merge([dict(self.sink.counts), *self._pooled])


class LocalEngine:
    """Runs a job in this process, its spread steps on ``runner.workers`` processes (every core when unset)."""

    local = True

    def __init__(self, runner: RunnerPlan) -> None:
        given = [f"--{key}" for key in runner.options] + list(runner.engine_args)
        if given:
            raise ThresherError(f"the local runner takes no engine options (given: {', '.join(given)}); "
                                "its only setting is --workers")
        self.name = runner.name
        self.runner = runner
        self.workers = runner.workers or os.cpu_count() or 1
        start_fork_server(self.workers)  # started already when the command line warmed up (a no-op then)

    def parallelism(self) -> int:
        return self.workers

    def run(self, job: str, build: Callable[[Any], None], small: bool = False,
            grows_with_corpus: bool = False) -> dict[str, int]:
        # A job that grows with the corpus (dedup, grouped shards) runs here on spilling collections,
        # as on the direct runner, with its per-file steps (signing every document) on the workers.
        if small or self.workers == 1:
            return run_in_process(build, self.runner.scratch)
        workers = self.workers
        return run_in_process(build, self.runner.scratch, flow=lambda directory: PoolFlow(directory, workers))

    def close(self) -> None:
        pass
