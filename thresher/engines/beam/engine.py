"""Beam as an engine: pipeline options from the run plan, one Beam pipeline per job, counters from metrics.

Runners (:mod:`.runners` chooses and checks them): ``direct`` runs Beam's FnApiRunner, chosen
explicitly, so a machine with internet access runs the very code path the tests run (Beam's
DirectRunner would first try to download and start the Prism runner); ``prism`` runs a local
Prism binary; ``portable`` submits to a job service (``--job_endpoint``); ``dataflow`` to Google
Cloud Dataflow.
"""

from __future__ import annotations

import os
import re
from typing import Callable

import apache_beam as beam
from apache_beam.options.pipeline_options import GoogleCloudOptions, PipelineOptions

from thresher.engines.beam.flow import BeamFlow
from thresher.engines.beam.metrics import metric_counters
from thresher.engines.beam.runners import (BEAM_RUNNERS, check_runner, groups_in_memory, local_runner,
                                           portable_defaults)
from thresher.engines.base import RunnerPlan
from thresher.engines.inprocess import run_in_process


def pipeline_options(runner: RunnerPlan) -> PipelineOptions:
    """Beam options of a run: the runner, local parallelism, then the config's and the command line's options."""
    args: list[str] = []
    if runner.name == "direct":
        workers = runner.workers or os.cpu_count() or 1
        args.append(f"--direct_num_workers={workers}")
        # One worker needs no process pool; more use every core for real.
        args.append("--direct_running_mode=" + ("in_memory" if workers == 1 else "multi_processing"))
        # Worker processes inherit our terminal: keep their INFO chatter out of it.
        args.append("--default_sdk_harness_log_level=ERROR")
    else:
        args.append(f"--runner={BEAM_RUNNERS[runner.name]}")
    for key, value in sorted(runner.options.items()):
        args.append(f"--{key}={value}" if value is not True else f"--{key}")
    args += list(runner.engine_args)
    if runner.describe_to and runner.name == "dataflow":
        # Beam's DataflowRunner then builds the job (graph, environment, options) and submits nothing.
        args.append("--dry_run=True")
    return PipelineOptions(portable_defaults(args) if runner.name == "portable" else args)


#: Runners whose small jobs (``Engine.run(small=True)``) run in the launching process. ``portable``:
#: its job's submission and workers cost what the direct runner's do, and Beam's own job service
#: (``local_job_service_main``, or ``embed``) runs jobs on the FnApiRunner, which keeps every grouping
#: of a job in memory: small dedup there grew the service's memory with the corpus (BENCHMARKS.md §9).
#: Dataflow's launcher may sit far from the data, and its users expect the work on Dataflow: never here.
SMALL_JOBS_IN_LAUNCHER = ("direct", "portable")

class BeamEngine:
    """Runs each job as one Beam pipeline on the configured runner."""

    def __init__(self, runner: RunnerPlan) -> None:
        self.name = runner.name
        self.runner = runner
        self.options = pipeline_options(runner)
        check_runner(runner.name, self.options)
        # A runner that holds a job's groupings in memory (Beam's FnApiRunner, directly or behind Beam's
        # own job service): a job whose collections grow with the corpus (``Engine.run(grows_with_corpus=
        # True)``) runs in the launcher instead, at any size, on collections that spill to disk. A
        # cluster's job server (Flink, Spark) and Dataflow group through their own shuffle: jobs stay there.
        self.groups_in_memory = not runner.describe_to and groups_in_memory(runner.name, self.options)
        # Workers on this machine, sharing its disk: live progress files and the worker log work.
        self.local = runner.name in ("direct", "prism")

    def parallelism(self) -> int:
        if self.runner.workers:
            return self.runner.workers
        return (os.cpu_count() or 1) if self.local else 8

    def run(self, job: str, build: Callable[[BeamFlow], None], small: bool = False,
            grows_with_corpus: bool = False) -> dict[str, int]:
        if self.runner.describe_to:
            self.describe(job, build)
            return {}
        options = self.job_options(job)
        if (small and self.name in SMALL_JOBS_IN_LAUNCHER) or (grows_with_corpus and self.groups_in_memory):
            # In this process without Beam (thresher/engines/inprocess.py): a pipeline's build,
            # translation, submission and worker start-up cost seconds, more than a small job's work,
            # and the FnApiRunner would hold a large job's collections in memory.
            return run_in_process(build, self.runner.scratch)
        runner = local_runner(options) if self.name == "direct" else None
        with beam.Pipeline(runner=runner, options=options) as pipeline:
            build(BeamFlow(pipeline))
        # ``with beam.Pipeline()`` runs on exit and keeps the result.
        return metric_counters(pipeline.result)

    def job_options(self, job: str) -> PipelineOptions:
        """The options of one job. Dataflow's runner writes the job's name and staging folder into the
        options it is given: each job gets its own, named after the job when a name is set."""
        if self.name != "dataflow":
            return self.options
        options = pipeline_options(self.runner)
        cloud = options.view_as(GoogleCloudOptions)
        if cloud.job_name:
            cloud.job_name = f"{cloud.job_name}-{re.sub('[^a-z0-9]+', '-', job.lower()).strip('-')}"
        return options

    def describe(self, job: str, build: Callable[[BeamFlow], None]) -> None:
        """Build the job without running it: ``<describe_to>/<job>.pipeline.json``, the portable pipeline
        (every transform, its environment), and for Dataflow ``<job>.json``, the job request Beam would
        send (what ``--dataflow_job_file`` writes: worker pools, container image, packages, options)."""
        from google.protobuf import json_format

        from thresher.io import storage

        options = self.job_options(job)
        dataflow = self.name == "dataflow"
        pipeline = beam.Pipeline(options=options) if dataflow else beam.Pipeline(runner=local_runner(options), options=options)
        build(BeamFlow(pipeline))
        if dataflow:
            # Under --dry_run Beam builds the job and stops before staging it; staging (the worker
            # packages, the pipeline, into staging_location) fills in the job's environment.
            from apache_beam.runners.dataflow.internal import apiclient

            built = pipeline.run().job
            apiclient.DataflowApplicationClient(built.options, built.root_staging_location).create_job_description(built)
            proto = built.proto_pipeline
            storage.write_bytes(storage.join(self.runner.describe_to, f"{job}.json"), built.json().encode("utf-8"))
        else:
            proto = pipeline.to_runner_api()
        storage.write_bytes(storage.join(self.runner.describe_to, f"{job}.pipeline.json"),
                            json_format.MessageToJson(proto).encode("utf-8"))

    def close(self) -> None:
        pass
