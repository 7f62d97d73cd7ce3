"""A real Spark standalone cluster on loopback for the tests: one master, one worker.

Both run from the Spark that ships inside the ``pyspark`` package
(``$SPARK_HOME/bin/spark-class``), so nothing is downloaded. Test modules
use it with ``pytest_plugins = ["spark_cluster"]``: the ``spark_cluster``
and ``spark_master`` fixtures are session-scoped, so every module shares one
cluster, launched on first use and stopped (master, worker and the worker's
executors) at the end of the session.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

WORKER_CORES = 2
WORKER_MEMORY = "2g"
START_TIMEOUT_S = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spark_home() -> Path | None:
    try:
        import pyspark
    except ImportError:
        return None
    home = Path(pyspark.__file__).resolve().parent
    return home if (home / "bin" / "spark-class").exists() else None


@dataclass
class StandaloneCluster:
    master_url: str
    web_ui: str
    logs: Path
    #: "master" and "worker", each leading its own process group.
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    #: Workers to wait for.
    workers: int = 1

    def alive_workers(self) -> int:
        try:
            with urllib.request.urlopen(f"{self.web_ui}/json/", timeout=2) as response:
                state = json.load(response)
        except (OSError, ValueError):
            return 0
        return sum(1 for worker in state.get("workers", []) if worker.get("state") == "ALIVE")

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> str:
        """The master URL, once the workers have registered with the master."""
        deadline = time.monotonic() + timeout_s
        while self.alive_workers() < self.workers:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    log = (self.logs / f"{name}.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the Spark {name} exited ({process.returncode}):\n{log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no Spark worker registered within {timeout_s:.0f} s")
            time.sleep(0.3)
        return self.master_url

    def runner_options(self) -> dict[str, Any]:
        """``runner.options`` for a run on this cluster. Every test uses exactly these, so
        that they share one SparkContext (its start-up costs seconds)."""
        return {
            "master": self.master_url,
            # The driver is the test process: executors call it back on loopback.
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.ui.enabled": False,
            "spark.ui.showConsoleProgress": False,
            "spark.executor.memory": "1g",
            # Its executors share this machine's disk and Python: nothing to ship (see spark_isolated_cluster).
            "pack": False,
        }

    def stop(self) -> None:
        # Each process leads its own group (start_new_session): the worker's executors
        # and their Python workers go with it.
        processes = list(self.processes.values())[::-1]  # the worker first
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def launch_cluster(workdir: Path, cores: int = WORKER_CORES, memory: str = WORKER_MEMORY) -> StandaloneCluster:
    """Start a master and one worker on 127.0.0.1, without waiting (see :meth:`StandaloneCluster.wait_ready`).

    The JVMs boot in the background meanwhile: a test can do other work first.
    """
    home = spark_home()
    assert home is not None
    spark_class = str(home / "bin" / "spark-class")
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable)
    master_port, master_ui, worker_ui = free_port(), free_port(), free_port()
    cluster = StandaloneCluster(
        master_url=f"spark://127.0.0.1:{master_port}", web_ui=f"http://127.0.0.1:{master_ui}", logs=workdir
    )
    (workdir / "work").mkdir(parents=True, exist_ok=True)

    def launch(name: str, args: list[str]) -> None:
        with open(workdir / f"{name}.log", "wb") as log:  # the child keeps its own descriptor
            cluster.processes[name] = subprocess.Popen(
                [spark_class, *args], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    try:
        launch("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                          "--port", str(master_port), "--webui-port", str(master_ui)])
        launch("worker", ["org.apache.spark.deploy.worker.Worker", cluster.master_url, "--host", "127.0.0.1",
                          "--cores", str(cores), "--memory", memory, "--webui-port", str(worker_ui),
                          "--work-dir", str(workdir / "work")])
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory) -> Iterator[StandaloneCluster]:
    """A one-worker standalone cluster, launched; call ``wait_ready()`` before using it."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Java is not installed: a Spark standalone cluster cannot start")
    if spark_home() is None:
        pytest.skip("pyspark (with its bundled Spark) is not installed")
    cluster = launch_cluster(tmp_path_factory.mktemp("spark-cluster"))
    try:
        yield cluster
    finally:
        from thresher.engines.spark.session import stop_spark_context

        stop_spark_context()  # before the cluster goes, or the context's shutdown waits on it
        cluster.stop()


@pytest.fixture(scope="session")
def spark_master(spark_cluster: StandaloneCluster) -> str:
    """The master URL of the running cluster, its worker registered."""
    return spark_cluster.wait_ready()


@pytest.fixture(scope="session")
def spark_sc(spark_cluster: StandaloneCluster):
    """The SparkContext on the cluster: the same settings as a pipeline run on it, so the same context."""
    from thresher.config import config_from_dict
    from thresher.engines.spark.session import spark_context, spark_settings
    from thresher.run.plan import runner_plan

    spark_cluster.wait_ready()
    config = config_from_dict({"runner": {"name": "spark", "options": spark_cluster.runner_options()}})
    return spark_context(spark_settings(runner_plan(config)))
