"""Spark as an engine: one SparkContext for the run, each job built on a :class:`SparkFlow`, counters
through one idempotent accumulator per job (:mod:`.stats`)."""

from __future__ import annotations

from typing import Callable

from thresher.engines.spark.flow import SparkFlow
from thresher.engines.spark.session import check_java, default_partitions, spark_context, spark_settings
from thresher.engines.spark.stats import SparkStats
from thresher.engines.base import RunnerPlan


class SparkEngine:
    """Runs each job on the run's SparkContext (started on first use, reused by later runs with the same settings)."""

    def __init__(self, runner: RunnerPlan) -> None:
        self.name = runner.name
        self.settings = spark_settings(runner)  # checks the options before any work
        check_java()
        # A local master's executors share this machine's disk (live progress works); others may not.
        self.local = self.settings.local
        self._sc = None

    @property
    def sc(self):
        if self._sc is None:
            self._sc = spark_context(self.settings)
        return self._sc

    def parallelism(self) -> int:
        return self.sc.defaultParallelism

    def run(self, job: str, build: Callable[[SparkFlow], None], small: bool = False,
            grows_with_corpus: bool = False) -> dict[str, int]:
        # Spark spills its shuffles and runs every job on its executors, whatever its size.
        self.sc.setJobGroup(job, f"thresher: {job}")
        flow = SparkFlow(self.sc, SparkStats(self.sc), default_partitions(self.sc, self.settings))
        try:
            build(flow)
            flow.finish()
        finally:
            flow.release()
        return flow.stats.totals()

    def close(self) -> None:
        pass  # the context outlives the run: starting one costs seconds (stopped at exit)
