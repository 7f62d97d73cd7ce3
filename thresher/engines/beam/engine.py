"""Beam as an engine: pipeline options from the run plan, one Beam pipeline per job, counters from metrics.

Runners: ``direct`` runs Beam's own local runner (the FnApiRunner, chosen explicitly, so a
machine with internet access runs the very code path the tests run: Beam's DirectRunner would
first try to download and start the Prism runner); ``portable`` submits to a job service
(``--job_endpoint``); ``dataflow`` to Google Cloud Dataflow.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Callable

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from thresher.engines.beam.flow import BeamFlow
from thresher.engines.beam.metrics import metric_counters
from thresher.engines.base import RunnerPlan

_BEAM_RUNNERS = {"direct": None, "portable": "PortableRunner", "dataflow": "DataflowRunner"}


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
        args.append(f"--runner={_BEAM_RUNNERS[runner.name]}")
    for key, value in sorted(runner.options.items()):
        args.append(f"--{key}={value}" if value is not True else f"--{key}")
    return PipelineOptions(args + list(runner.engine_args))


def _local_runner(options: PipelineOptions) -> Any:
    """Beam's FnApiRunner, provisioned with the options as Beam's DirectRunner provisions it."""
    from apache_beam.portability.api import beam_provision_api_pb2
    from apache_beam.runners.portability.fn_api_runner import fn_runner
    from apache_beam.runners.portability.portable_runner import JobServiceHandle

    encoded = JobServiceHandle.encode_pipeline_options(options.get_all_options())
    info = fn_runner.ExtendedProvisionInfo(beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded))
    return fn_runner.FnApiRunner(provision_info=info)


class BeamEngine:
    """Runs each job as one Beam pipeline on the configured runner."""

    def __init__(self, runner: RunnerPlan) -> None:
        self.name = runner.name
        self.runner = runner
        self.options = pipeline_options(runner)
        self.local = runner.name == "direct"

    def parallelism(self) -> int:
        if self.runner.workers:
            return self.runner.workers
        return (os.cpu_count() or 1) if self.local else 8

    def run(self, job: str, build: Callable[[BeamFlow], None], small: bool = False) -> dict[str, int]:
        options = self.options
        if self.local and small:
            # One worker in this process: starting worker processes costs seconds, more than the job.
            options = pipeline_options(replace(self.runner, workers=1))
        runner = _local_runner(options) if self.local else None
        with beam.Pipeline(runner=runner, options=options) as pipeline:
            build(BeamFlow(pipeline))
        # ``with beam.Pipeline()`` runs on exit and keeps the result.
        return metric_counters(pipeline.result)

    def close(self) -> None:
        pass
