"""Beam's portable runner with workers that share no disk with the launcher, only an S3 store.

The SDK workers are Beam's worker pool (EXTERNAL environment), started inside a private mount
namespace (``unshare -m``) in which the launcher's temporary directories (the test's tmp root with
the run's config, the local inputs, the reference run's output) are hidden under an empty tmpfs.
The pool's environment holds credentials only: the store's endpoint reaches the workers with the
job (:mod:`thresher.io.worker_storage`), the config's secret never does.

The run (inputs and output on S3, a config with the endpoint and a planted secret) must give the
shards, tokenizer and audit of a local run byte for byte. The pool's own view (``/proc/PID/root``,
which its SDK worker processes share as its children) shows that a file planted in the launcher's
tmp root is absent there and the hidden directories are empty, while the launcher sees them full.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from sample_crawls import write_small_crawls

from object_stores import free_port, s3_server, store_env  # noqa: F401 - fixtures
from thresher.io import storage

SECRET = "planted-Secret-5b1d77a0"
#: What the workers write to their own temporary directory during the run.
WORKERS_OWN = {"thresher-models"}


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


@dataclass
class WorkerPool:
    address: str
    #: The launcher's directories the pool's processes see as empty tmpfs.
    hidden: list[str]
    process: subprocess.Popen
    log: Path

    def ready(self) -> subprocess.Popen:
        """Wait until the pool answers (it starts while the reference run works)."""
        import grpc

        channel = grpc.insecure_channel(self.address)
        try:
            grpc.channel_ready_future(channel).result(timeout=120)
        except grpc.FutureTimeoutError:
            pytest.fail("Beam's worker pool did not start: " + self.log.read_text()[-2000:])
        finally:
            channel.close()
        return self.process


@pytest.fixture(scope="module")
def worker_pool(tmp_path_factory, s3_server) -> Iterator[WorkerPool]:
    """Beam's worker pool in a private mount namespace, the launcher's temporary directories hidden."""
    if not _unshare_works():
        pytest.skip("needs `unshare -m` and tmpfs mounts (root, or a user namespace)")
    tmp_root = tmp_path_factory.getbasetemp()
    hidden = _hidden_dirs(tmp_root)
    import thresher

    needed = [sys.prefix, os.path.dirname(thresher.__file__)]
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
    }
    log_path = tmp_root / "worker-pool.log"
    with open(log_path, "wb") as log:
        # unshare and sh exec: the pool's Python is this very process id
        process = subprocess.Popen(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             f"{mounts} && exec {sys.executable} -m apache_beam.runners.worker.worker_pool_main --service_port {port}"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        yield WorkerPool(f"127.0.0.1:{port}", hidden, process, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _engine_args(pool: str) -> list[str]:
    return ["--environment_type=EXTERNAL", f"--environment_config={pool}"]


@pytest.fixture(scope="module")
def crawl_on_s3(tmp_path_factory, s3_server) -> str:
    store = s3_server
    local = write_small_crawls(tmp_path_factory.mktemp("crawl"), files=2, pages=15, first_seed=1)
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


def test_a_run_on_s3_through_workers_without_shared_disk_matches_a_local_run(
        worker_pool, s3_server, store_env, crawl_on_s3, tmp_path, monkeypatch):
    from thresher.config import config_from_dict
    from thresher.run.driver import run_pipeline

    store = store_env(s3_server)  # this process reads the store through its environment
    monkeypatch.setenv(storage.OPTIONS_ENV, "")  # a run sets it: undone after the test
    base = {"input": {"paths": [crawl_on_s3], "storage_options": _options(store)}, "runner": {"workers": 1}}
    root = store.fresh("portable")
    config = {**base, "output": {"path": root, "storage_options": _options(store, SECRET)},
              "input": {**base["input"], "storage_options": _options(store, SECRET)},
              "runner": {"name": "portable", "workers": 1}}
    config_file = tmp_path / "run.yaml"  # in the hidden tmp root: the workers never see it
    config_file.write_text(json.dumps(config))
    launcher_env = {k: v for k, v in os.environ.items()
                    if not k.startswith("AWS_") and k != storage.OPTIONS_ENV}
    worker_pool.ready()
    # The portable run in its own process, the local reference run here meanwhile.
    with open(tmp_path / "stdout", "wb") as out, open(tmp_path / "stderr", "wb") as err:
        portable = subprocess.Popen(
            [sys.executable, "-m", "thresher.cli", "run", str(config_file), "--",
             *_engine_args(worker_pool.address)],
            stdout=out, stderr=err, env=launcher_env,
        )
    try:
        local_out = tmp_path / "local"
        run_pipeline(config_from_dict({**base, "output": {"path": str(local_out)}}))
        returncode = portable.wait(timeout=600)
    finally:
        if portable.poll() is None:
            portable.kill()
    printed = (tmp_path / "stdout").read_text() + (tmp_path / "stderr").read_text()
    assert returncode == 0, printed[-3000:]
    names = sorted(p.name for p in local_out.glob("shard-*.parquet")) + ["tokenizer.json", "audit.json"]
    assert len(names) > 2
    assert {name: store.read(f"{root}/{name}") for name in names} == {
        name: (local_out / name).read_bytes() for name in names}
    assert SECRET not in printed
    assert "storage_options key, secret stay on this machine" in printed  # said, by name only


def test_the_workers_cannot_see_the_launchers_files(worker_pool, tmp_path):
    """The pool's mount namespace (its SDK worker processes are its children and share it) shows the
    launcher's temporary directories empty: a file planted here is absent there."""
    pool = worker_pool.ready()
    planted = tmp_path / "planted.txt"
    planted.write_text("only the launcher has this file")
    there = f"/proc/{pool.pid}/root"  # paths as the pool's processes resolve them
    assert os.readlink(f"/proc/{pool.pid}/ns/mnt") != os.readlink("/proc/self/ns/mnt")
    assert planted.exists() and not os.path.exists(there + str(planted))
    assert not os.path.exists(there + str(tmp_path.parent))
    for directory in worker_pool.hidden:
        assert os.stat(there + directory).st_dev != os.stat(directory).st_dev  # another filesystem there
        assert os.listdir(directory), directory  # full here ...
        # ... and there only what the workers made themselves (their own copy of the language-ID model)
        assert set(os.listdir(there + directory)) <= WORKERS_OWN, directory
    with open(f"/proc/{pool.pid}/environ", "rb") as fh:
        environ = dict(item.split(b"=", 1) for item in fh.read().split(b"\0") if b"=" in item)
    assert b"AWS_ENDPOINT_URL_S3" not in environ and storage.OPTIONS_ENV.encode() not in environ
