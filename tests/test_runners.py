"""The same config gives the same corpus on every Beam runner and worker count.

Runs the bundled sample again on the DirectRunner with one worker and through
Beam's portable job service (the path Dataflow, Flink and Spark job servers
speak) with LOOPBACK workers, and compares with the shared two-worker run:
shards, tokenizer and counters must be identical.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline
from thresher.stats import is_measurement


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def job_endpoint(tmp_path_factory):
    port = _free_port()
    log = open(tmp_path_factory.mktemp("jobservice") / "job-service.log", "wb")
    service = subprocess.Popen(
        [sys.executable, "-m", "apache_beam.runners.portability.local_job_service_main", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        if service.poll() is not None:
            pytest.fail("Beam's local job service exited at start-up")
        time.sleep(0.2)
    yield f"localhost:{port}"
    service.terminate()
    service.wait(timeout=30)
    log.close()


def _comparable_counters(stats: dict) -> dict:
    # Measured time (busy and CPU) differs between runs; everything else must not.
    return {k: v for k, v in stats["counters"].items() if not is_measurement(k)}


def _outputs(out: Path) -> dict[str, bytes]:
    names = sorted(p.name for p in out.glob("shard-*.parquet")) + ["tokenizer.json", "audit.json"]
    return {name: (out / name).read_bytes() for name in names}


def _manifest_without_config(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.pop("config")
    return manifest


def _assert_same_corpus(reference: tuple, result, out: Path) -> None:
    ref_result, ref_out = reference
    assert _outputs(out) == _outputs(ref_out)
    assert _manifest_without_config(out) == _manifest_without_config(ref_out)
    assert _comparable_counters(result.stats) == _comparable_counters(ref_result.stats)


def test_one_worker_gives_byte_identical_shards(sample_run, tmp_path):
    config = config_from_dict(
        {"output": {"path": str(tmp_path), "shard_target_tokens": 20_000}, "runner": {"workers": 1}}
    )
    _assert_same_corpus(sample_run, run_pipeline(config), tmp_path)


def test_portable_runner_gives_the_same_corpus(sample_run, job_endpoint, tmp_path):
    config = config_from_dict(
        {"output": {"path": str(tmp_path), "shard_target_tokens": 20_000}, "runner": {"name": "portable"}}
    )
    result = run_pipeline(
        config, extra_args=[f"--job_endpoint={job_endpoint}", "--environment_type=LOOPBACK"]
    )
    _assert_same_corpus(sample_run, result, tmp_path)
