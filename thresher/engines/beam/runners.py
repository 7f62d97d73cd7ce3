"""Which Beam runner a run uses, chosen explicitly and checked before any work.

- ``direct``: Beam's FnApiRunner, constructed here. Beam's own DirectRunner would first try
  the Prism runner, which downloads a binary from the internet: a machine with internet
  would then run another code path than the tests. ``direct`` never constructs Prism.
- ``prism``: Beam's Prism runner, only with ``--prism_location`` naming a local binary
  (nothing may download at run time).
- ``portable``: a Beam job service at ``--job_endpoint``. An endpoint that does not answer
  is one line within seconds (Beam itself would wait minutes, silently); no endpoint at all
  runs Beam's job service inside this process (``embed``) with LOOPBACK workers. Jobs may run
  for days: Beam's default job service timeout (300 s) would end any longer job. Beam's own job
  service runs jobs on the FnApiRunner, in memory: :func:`groups_in_memory` tells it from a
  cluster's job server (Flink, Spark), which spills groupings itself.
- ``dataflow``: Google Cloud Dataflow.
"""

from __future__ import annotations

import os
from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions, PortableOptions, PrismRunnerOptions

from thresher.errors import ThresherError

#: Beam's runner class per engine name; ``direct`` is None: the FnApiRunner is constructed by us.
BEAM_RUNNERS = {"direct": None, "prism": "PrismRunner", "portable": "PortableRunner", "dataflow": "DataflowRunner"}
#: How long a job endpoint may take to answer before the run stops (Beam's own default: 300 s).
ENDPOINT_WAIT_SECONDS = 10.0
START_SERVICE = "python -m apache_beam.runners.portability.local_job_service_main --port {port}"
#: Beam's ``--job_server_timeout`` unless one is given. Beam also sets it as the deadline of the job's
#: state and message streams, so with its default (300 s) every job running longer failed with gRPC
#: DEADLINE_EXCEEDED although nothing was wrong (BENCHMARKS.md §9: phase A of 8 x 38 MB under load).
#: A job service that does not answer is caught before any work (:func:`require_job_service`).
JOB_SERVER_TIMEOUT_SECONDS = 7 * 24 * 3600


def local_runner(options: PipelineOptions) -> Any:
    """Beam's FnApiRunner, provisioned with the options as Beam's DirectRunner provisions it."""
    from apache_beam.portability.api import beam_provision_api_pb2
    from apache_beam.runners.portability.fn_api_runner import fn_runner
    from apache_beam.runners.portability.portable_runner import JobServiceHandle

    encoded = JobServiceHandle.encode_pipeline_options(options.get_all_options())
    info = fn_runner.ExtendedProvisionInfo(beam_provision_api_pb2.ProvisionInfo(pipeline_options=encoded))
    return fn_runner.FnApiRunner(provision_info=info)


def portable_defaults(args: list[str]) -> list[str]:
    """Without ``--job_endpoint``: Beam's job service inside this process, LOOPBACK workers (unless set);
    a job service timeout that lets a job run for days (unless set)."""
    portable = PipelineOptions(args).view_as(PortableOptions)
    extra = []
    if not any(arg.split("=", 1)[0] in ("--job_server_timeout", "--job-server-timeout") for arg in args):
        extra.append(f"--job_server_timeout={JOB_SERVER_TIMEOUT_SECONDS}")
    if not portable.job_endpoint:
        extra.append("--job_endpoint=embed")
        if not portable.environment_type:
            extra.append("--environment_type=LOOPBACK")
    return args + extra


def check_runner(name: str, options: PipelineOptions) -> None:
    """Stop before any work when the runner cannot run: no job service, no local Prism binary."""
    if name == "portable":
        endpoint = options.view_as(PortableOptions).job_endpoint
        if endpoint and endpoint != "embed":
            require_job_service(endpoint)
    elif name == "prism":
        location = options.view_as(PrismRunnerOptions).prism_location
        if not location:
            raise ThresherError(
                "the prism runner needs --prism_location=PATH, a Prism binary on this machine "
                "(nothing is downloaded at run time); or use --runner direct"
            )
        if "://" in location or not os.path.isfile(location):
            raise ThresherError(f"--prism_location: no Prism binary at {location!r} (a local file is required)")


def require_job_service(endpoint: str, wait: float = ENDPOINT_WAIT_SECONDS) -> None:
    """Return when a gRPC server answers at ``endpoint``, else raise a one-line error saying how to start one."""
    import grpc

    channel = grpc.insecure_channel(endpoint)
    try:
        grpc.channel_ready_future(channel).result(timeout=wait)
    except grpc.FutureTimeoutError:
        port = endpoint.rsplit(":", 1)[-1] if ":" in endpoint else "8099"
        raise ThresherError(
            f"portable runner: no Beam job service answers at {endpoint} (waited {wait:.0f} s); "
            f"start one with `{START_SERVICE.format(port=port)}`, or leave out --job_endpoint "
            "to run one inside this process"
        ) from None
    finally:
        channel.close()


def groups_in_memory(name: str, options: PipelineOptions, wait: float = ENDPOINT_WAIT_SECONDS) -> bool:
    """Whether the runner holds every grouping of a job in one process's memory.

    ``direct`` is Beam's FnApiRunner. ``portable`` is when its job service is Beam's own (``embed``, or
    ``local_job_service_main``, which runs jobs on the FnApiRunner): Beam's job services describe no
    pipeline options of their own, while a cluster's job server (Flink's, Spark's) describes its
    runner's options (``DescribePipelineOptions``, which Beam's PortableRunner asks for at every
    submission). Prism and Dataflow are not asked: Dataflow shuffles on its service.
    """
    if name == "direct":
        return True
    if name != "portable":
        return False
    endpoint = options.view_as(PortableOptions).job_endpoint
    if not endpoint or endpoint == "embed":
        return True
    import grpc
    from apache_beam.portability.api import beam_job_api_pb2, beam_job_api_pb2_grpc

    channel = grpc.insecure_channel(endpoint)
    try:
        described = beam_job_api_pb2_grpc.JobServiceStub(channel).DescribePipelineOptions(
            beam_job_api_pb2.DescribePipelineOptionsRequest(), timeout=wait)
    except grpc.RpcError as error:
        raise ThresherError(f"portable runner: the job service at {endpoint} did not describe its options "
                            f"({error.code().name})") from None
    finally:
        channel.close()
    return not described.options
