"""Beam's portable runner with workers that share no disk with the launcher, only an S3 store.

The SDK workers are Beam's worker pool (EXTERNAL environment), started inside a private mount
namespace (``unshare -m``) in which the launcher's temporary directories (the test's tmp root with
the run's config, the local inputs, the reference run's output) are hidden under an empty tmpfs.
The pool's environment holds credentials only: the store's endpoint reaches the workers with the
job (:mod:`thresher.io.worker_storage`), the config's secret never does.

A probe job through the same pool shows what a worker sees: a file planted in the launcher's tmp
root is absent there, the hidden directory is empty, and its storage options name the endpoint
without the secret. The run itself (inputs and output on S3) must give the shards, tokenizer and
audit of a local run byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from sample_crawls import write_small_crawls

from object_stores import free_port, s3_server, store_env  # noqa: F401 - fixtures
from thresher.engines.base import RunnerPlan, Step
from thresher.io import storage

SECRET = "planted-Secret-5b1d77a0"
TESTS = Path(__file__).resolve().parent


def _hidden_dirs(tmp_root: Path) -> list[str]:
    """The launcher's temporary directories: the system's temp dir and the test's tmp root (outermost first)."""
    dirs = []
    for path in sorted({os.path.realpath(tempfile.gettempdir()), os.path.realpath(tmp_root)}, key=len):
        if not any(path == d or path.startswith(d + os.sep) for d in dirs):
            dirs.append(path)
    return dirs


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def worker_pool(tmp_path_factory, s3_server):
    """Beam's worker pool in a private mount namespace; yields (its address, the dirs hidden from it)."""
    if not _unshare_works():
        pytest.skip("needs `unshare -m` and tmpfs mounts (root, or a user namespace)")
    tmp_root = tmp_path_factory.getbasetemp()
    hidden = _hidden_dirs(tmp_root)
    import thresher

    needed = [sys.prefix, os.path.dirname(thresher.__file__), str(TESTS)]
    if any(p.startswith(d + os.sep) or p == d for p in map(os.path.realpath, needed) for d in hidden):
        pytest.skip("the interpreter or the code lies in a directory this test must hide")
    port = free_port()
    mounts = " && ".join(f"mount -t tmpfs none '{d}'" for d in hidden)
    env = {
        # the pool starts its workers as `python` from the PATH: this interpreter first
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "/usr/bin:/bin")]),
        "HOME": os.environ.get("HOME", "/root"),
        # credentials only, as a cluster's workers have them: no endpoint, no storage options
        **{k: v for k, v in s3_server.env.items() if k != "AWS_ENDPOINT_URL_S3"},
        # the code is shared (installed on a cluster's workers); the tests hold the probe step
        "PYTHONPATH": str(TESTS),
    }
    log = open(tmp_root / "worker-pool.log", "wb")
    pool = subprocess.Popen(
        ["unshare", "-m", "--propagation", "private", "sh", "-c",
         f"{mounts} && exec {sys.executable} -m apache_beam.runners.worker.worker_pool_main --service_port {port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    import grpc

    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=60)
    except grpc.FutureTimeoutError:
        pool.kill()
        pytest.fail("Beam's worker pool did not start: " + (tmp_root / "worker-pool.log").read_text()[-2000:])
    finally:
        channel.close()
    try:
        yield f"127.0.0.1:{port}", hidden
    finally:
        pool.terminate()
        try:
            pool.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pool.kill()
        log.close()


def _engine_args(pool: str) -> list[str]:
    return ["--environment_type=EXTERNAL", f"--environment_config={pool}"]


class Probe(Step):
    """On a worker: what it sees of the launcher's files and of the storage options; the report to S3."""

    def __init__(self, planted: str, hidden: list[str], report: str) -> None:
        self.planted, self.hidden, self.report = planted, hidden, report

    def process(self, batch, ctx):
        seen = {
            "pid": os.getpid(),
            "planted_exists": os.path.exists(self.planted),
            "hidden_listing": {d: sorted(os.listdir(d)) if os.path.isdir(d) else None for d in self.hidden},
            "options": storage.options_for(self.report),
            "environment_endpoint": os.environ.get("AWS_ENDPOINT_URL_S3"),
        }
        storage.write_json(self.report, seen)  # reaches the store only with the job's endpoint
        return batch


@pytest.fixture(scope="module")
def crawl_on_s3(tmp_path_factory, s3_server) -> str:
    store = s3_server
    local = write_small_crawls(tmp_path_factory.mktemp("crawl"), files=2, pages=30, first_seed=1)
    prefix = store.fresh("crawl")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in store.env.items():
            patch.setenv(key, value)
        for path in local:
            store.upload(path, f"{prefix}/{os.path.basename(path)}")
    return f"{prefix}/*.warc.gz"


def _options(store, secret: str | None = None) -> dict:
    options = {"endpoint_url": store.endpoint, "client_kwargs": {"region_name": "us-east-1"}}
    if secret:
        # moto takes any key pair: the launcher authenticates with the planted secret, workers with theirs
        options.update(key="AKIDPLANTED", secret=secret)
    return options


def test_workers_cannot_see_the_launchers_files(worker_pool, s3_server, store_env, tmp_path, monkeypatch):
    from thresher.engines.beam.engine import BeamEngine
    from thresher.run.remote import bucket_prefix

    pool, hidden = worker_pool
    store = store_env(s3_server)
    planted = tmp_path / "planted.txt"
    planted.write_text("only the launcher has this file")
    report = store.fresh("probe") + "/seen.json"
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3")
    monkeypatch.setenv(storage.OPTIONS_ENV, json.dumps({bucket_prefix(report): _options(store, SECRET)}))
    engine = BeamEngine(RunnerPlan("portable", 1, None, engine_args=tuple(_engine_args(pool))))

    def build(flow):
        flow.apply("probe", flow.create("one", [0]), Probe(str(planted), hidden, report))

    engine.run("probe", build)
    seen = json.loads(store.read(report))
    assert seen["pid"] != os.getpid()  # it ran in a worker process, not here
    assert planted.exists() and not seen["planted_exists"]
    assert all(listing == [] for listing in seen["hidden_listing"].values()), seen["hidden_listing"]
    assert tmp_path.parent.exists() and os.listdir(hidden[0])  # ... while the launcher sees them full
    assert seen["environment_endpoint"] is None
    assert seen["options"]["endpoint_url"] == store.endpoint
    assert "secret" not in seen["options"] and "key" not in seen["options"]
    assert SECRET not in json.dumps(seen)


def test_a_run_on_s3_through_workers_without_shared_disk_matches_a_local_run(
        worker_pool, s3_server, store_env, crawl_on_s3, tmp_path):
    from thresher.config import config_from_dict
    from thresher.run.driver import run_pipeline

    pool, _ = worker_pool
    store = s3_server
    local_out = tmp_path / "local"
    base = {"input": {"paths": [crawl_on_s3], "storage_options": _options(store)}, "runner": {"workers": 1}}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in store.env.items():
            patch.setenv(key, value)
        patch.setenv(storage.OPTIONS_ENV, "")  # the run sets it: undone with the rest
        run_pipeline(config_from_dict({**base, "output": {"path": str(local_out)}}))
    names = sorted(p.name for p in local_out.glob("shard-*.parquet")) + ["tokenizer.json", "audit.json"]
    assert len(names) > 2

    root = store.fresh("portable")
    config = {**base, "output": {"path": root, "storage_options": _options(store, SECRET)},
              "input": {**base["input"], "storage_options": _options(store, SECRET)},
              "runner": {"name": "portable", "workers": 1}}
    config_file = tmp_path / "run.yaml"  # in the hidden tmp root: the workers never see it
    config_file.write_text(json.dumps(config))
    launcher_env = {k: v for k, v in os.environ.items()
                    if not k.startswith("AWS_") and k != storage.OPTIONS_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "thresher.cli", "run", str(config_file), "--quiet", "--", *_engine_args(pool)],
        capture_output=True, text=True, env=launcher_env, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert {name: store.read(f"{root}/{name}") for name in names} == {
        name: (local_out / name).read_bytes() for name in names}
    assert SECRET not in done.stdout + done.stderr
