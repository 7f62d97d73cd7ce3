"""The runner that runs is the one asked for, and one that cannot run says so at once.

- ``direct`` is Beam's FnApiRunner, constructed by Thresher: Beam's DirectRunner (which first
  tries Prism, a binary it downloads) and Prism itself are never constructed, so a machine
  with internet access runs the code path these tests run.
- ``prism`` is a choice of its own, registered with the other engines, and needs a local binary.
- ``portable`` with an endpoint where nothing answers fails with one line naming the endpoint
  and how to start a job service; with no endpoint, Beam's job service runs in this process. On
  Beam's own job service (in memory), jobs that grow with the corpus run in the launcher; a
  cluster's job server gets them.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from thresher.engines import ENGINES, engine_names, open_engine
from thresher.engines.base import MapStep, RunnerPlan
from thresher.errors import ThresherError


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _small_job(engine, small: bool = False, grows_with_corpus: bool = False) -> int:
    """A job of Thresher's and Python's own parts only (worker processes import no test module):
    three (key, value) pairs into a group; what entered the shuffle, by the engine's counters."""

    def build(flow):
        pairs = flow.apply("Pairs", flow.create("Dicts", [{"a": 1, "b": 2}, {"c": 3}]), MapStep(dict.items))
        flow.group("Group", pairs)

    return engine.run("test", build, small=small, grows_with_corpus=grows_with_corpus)["shuffle/elements"]


@pytest.fixture
def runner_spy(monkeypatch):
    """Records every Beam runner constructed and every pipeline Beam's DirectRunner or PortableRunner was
    asked to run."""
    from apache_beam.runners.direct.direct_runner import DirectRunner
    from apache_beam.runners.portability import prism_runner
    from apache_beam.runners.portability.fn_api_runner import fn_runner
    from apache_beam.runners.portability.portable_runner import PortableRunner

    made: list[str] = []
    for cls in (prism_runner.PrismRunner, fn_runner.FnApiRunner):
        original = cls.__init__

        def spying_init(self, *args, _original=original, _name=cls.__name__, **kwargs):
            made.append(_name)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", spying_init)
    for cls in (DirectRunner, PortableRunner):
        original_run = cls.run_pipeline

        def spying_run(self, *args, _original=original_run, _name=cls.__name__, **kwargs):
            made.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "run_pipeline", spying_run)
    return made


@pytest.mark.parametrize("workers", [1, 2])
def test_direct_runs_the_fn_api_runner_and_never_prism(runner_spy, tmp_path, workers):
    engine = open_engine(RunnerPlan("direct", workers, None))
    assert _small_job(engine) == 3
    assert "FnApiRunner" in runner_spy
    assert "PrismRunner" not in runner_spy and "DirectRunner" not in runner_spy


@pytest.mark.parametrize("name", ["direct", "portable"])
def test_small_jobs_run_in_the_launcher_with_the_same_counters(runner_spy, tmp_path, name):
    # Portable: not even Beam's job service (it would hold the job's groupings in memory).
    engine = open_engine(RunnerPlan(name, 2, None))
    assert _small_job(engine, small=True) == 3
    assert runner_spy == []  # no Beam runner at all, Prism least of all


def test_direct_runs_jobs_that_grow_with_the_corpus_in_the_launcher_at_any_size(runner_spy, tmp_path):
    # The FnApiRunner would hold their collections in the driver; here they spill to the run's scratch.
    scratch = tmp_path / "scratch"
    engine = open_engine(RunnerPlan("direct", 2, None, scratch=str(scratch)))
    assert _small_job(engine, grows_with_corpus=True) == 3
    assert runner_spy == [] and not scratch.exists()


@pytest.fixture
def job_service(request):
    """A job service on loopback, in this process: Beam's own (``local_job_service_main``'s servicer), or
    with ``describes=True`` one that describes its runner's options as a cluster's job server (Flink's,
    Spark's) does. Either runs jobs on Beam's FnApiRunner."""
    from apache_beam.portability.api import beam_job_api_pb2
    from apache_beam.runners.portability.local_job_service import LocalJobServicer

    class LoopbackJobServicer(LocalJobServicer):
        def get_service_address(self):
            return "127.0.0.1"

        def DescribePipelineOptions(self, request, context=None, timeout=None):
            if not describes:
                return super().DescribePipelineOptions(request, context, timeout)
            option = beam_job_api_pb2.PipelineOptionDescriptor(
                name="flink_master", type=beam_job_api_pb2.PipelineOptionType.STRING,
                description="Address of the Flink master", group="FlinkPipelineOptions")
            return beam_job_api_pb2.DescribePipelineOptionsResponse(options=[option])

    describes = request.param
    servicer = LoopbackJobServicer()
    port = servicer.start_grpc_server(0)
    yield f"127.0.0.1:{port}"
    servicer.stop()


@pytest.mark.parametrize("job_service", [False], indirect=True)
def test_portable_on_beams_own_job_service_runs_jobs_that_grow_with_the_corpus_in_the_launcher(
        runner_spy, tmp_path, job_service):
    # Beam's job service runs jobs on the FnApiRunner, which would hold their groupings in memory.
    for args in ((), (f"--job_endpoint={job_service}", "--environment_type=LOOPBACK")):
        engine = open_engine(RunnerPlan("portable", 2, None, engine_args=args, scratch=str(tmp_path / "s")))
        assert engine.groups_in_memory
        assert _small_job(engine, grows_with_corpus=True) == 3
        assert runner_spy == [] and not (tmp_path / "s").exists()
    # Jobs that do not grow with the corpus still go to the job service.
    assert _small_job(engine) == 3
    assert "PortableRunner" in runner_spy


@pytest.mark.parametrize("job_service", [True], indirect=True)
def test_portable_on_a_cluster_job_server_sends_it_every_large_job(runner_spy, tmp_path, job_service):
    # A cluster's job server (Flink, Spark) groups through its own shuffle: only small jobs stay here.
    engine = open_engine(RunnerPlan("portable", 2, None,
                                    engine_args=(f"--job_endpoint={job_service}", "--environment_type=LOOPBACK")))
    assert not engine.groups_in_memory
    assert _small_job(engine, grows_with_corpus=True) == 3
    assert "PortableRunner" in runner_spy


def test_portable_job_service_that_cannot_describe_itself_is_one_line(tmp_path):
    # A gRPC server that answers but is no job service.
    import grpc
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(1))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with pytest.raises(ThresherError, match=r"^portable runner: the job service at 127\.0\.0\.1:\d+ did not "
                                                r"describe its options \(UNIMPLEMENTED\)$"):
            open_engine(RunnerPlan("portable", 1, None, engine_args=(f"--job_endpoint=127.0.0.1:{port}",)))
    finally:
        server.stop(None)


def test_prism_is_its_own_registered_choice():
    assert "prism" in engine_names()
    assert ENGINES["prism"].factory == ENGINES["direct"].factory  # the Beam engine, another runner
    from thresher.cli import build_parser

    run = build_parser()._subparsers._group_actions[0].choices["run"]
    runner = next(a for a in run._actions if a.dest == "runner")
    assert "prism" in runner.choices


def test_prism_needs_a_local_binary(tmp_path):
    with pytest.raises(ThresherError, match="--prism_location"):
        open_engine(RunnerPlan("prism", 1, None))
    with pytest.raises(ThresherError, match="a local file is required"):
        open_engine(RunnerPlan("prism", 1, None, engine_args=("--prism_location=https://example.com/prism.zip",)))
    with pytest.raises(ThresherError, match="no Prism binary"):
        open_engine(RunnerPlan("prism", 1, None, options={"prism_location": str(tmp_path / "absent")}))


def test_prism_without_location_is_one_line_from_the_cli(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "thresher.cli", "run", "--runner", "prism", "--output", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("thresher: error: the prism runner needs --prism_location")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "_work").exists()  # stopped before any work


def test_portable_without_a_job_service_fails_with_one_line(tmp_path):
    port = _free_port()  # nothing listens here
    endpoint = f"localhost:{port}"
    proc = subprocess.run(
        [sys.executable, "-m", "thresher.cli", "run", "--runner", "portable", "--output", str(tmp_path / "out"),
         "--", f"--job_endpoint={endpoint}", "--environment_type=LOOPBACK"],
        capture_output=True, text=True, timeout=300,  # a safety net: the run gives up by itself
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("thresher: error: portable runner: no Beam job service answers at " + endpoint)
    assert f"python -m apache_beam.runners.portability.local_job_service_main --port {port}" in message


def test_portable_without_an_endpoint_runs_a_job_service_in_process(runner_spy, tmp_path):
    engine = open_engine(RunnerPlan("portable", 1, None))
    assert engine.options.get_all_options()["job_endpoint"] == "embed"
    assert engine.options.get_all_options()["environment_type"] == "LOOPBACK"
    assert _small_job(engine) == 3
    assert "PortableRunner" in runner_spy and "PrismRunner" not in runner_spy


def test_portable_jobs_may_outlast_beams_default_job_service_timeout():
    # Beam puts --job_server_timeout on the job's state stream as its deadline: with Beam's
    # default (300 s) any longer job failed with DEADLINE_EXCEEDED (BENCHMARKS.md §9).
    from thresher.engines.beam.engine import pipeline_options
    from thresher.engines.beam.runners import JOB_SERVER_TIMEOUT_SECONDS

    def timeout(*args: str) -> int:
        return pipeline_options(RunnerPlan("portable", 1, None, engine_args=args)).get_all_options()["job_server_timeout"]

    assert timeout() == timeout("--job_endpoint=localhost:8099") == JOB_SERVER_TIMEOUT_SECONDS >= 24 * 3600
    # One the user gives is kept, in each spelling Beam reads.
    assert timeout("--job_server_timeout=42") == timeout("--job_server_timeout", "42") == 42
    assert timeout("--job-server-timeout=42") == 42
