"""A Spark standalone cluster on loopback that shares no disk with the test process (the launcher).

One master and two workers, from the Spark inside ``pyspark`` (nothing downloads). Each worker
runs in its own private mount namespace (``unshare -m``, as root) where tmpfs mounts hide the
launcher's top-level folders: the checkout and its virtual environments, the launcher's temporary
files, its home (and so pyenv's Pythons). Spark itself is bind-mounted first to a place of the
worker's own. What is left there is the system: ``/usr/bin/python3`` without Thresher or its
dependencies, and Java. The workers' executors therefore read and write nothing of the launcher's
but through the network: the driver (the packed environment it serves) and the S3 server of
:mod:`object_stores`, whose endpoint and credentials are in the workers' own environment, as on
a real cluster.

Test modules use it with ``pytest_plugins = ["spark_isolated_cluster"]`` and the session-scoped
``isolated_spark_cluster`` fixture; it leaves :mod:`spark_cluster`'s shared-disk cluster as it is.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from spark_cluster import StandaloneCluster, free_port, spark_home

from object_stores import s3_server  # noqa: F401 - fixture

WORKERS = 2
WORKER_CORES = 1
#: The executors' own Python: the system's, outside any virtual environment.
SYSTEM_PYTHON = "/usr/bin/python3"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def hidden_roots() -> list[str]:
    """Top-level folders holding anything of the launcher's: the checkout, the Pythons and
    packages it runs on, its temporary files and its home."""
    import thresher

    places = [Path(thresher.__file__).resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
              Path(tempfile.gettempdir()).resolve(), Path.home().resolve()]
    places += [Path(p).resolve() for p in sys.path if p and Path(p).is_dir()]
    roots = {Path(*p.parts[:2]) for p in places if len(p.parts) > 1}
    # The system itself stays: Java, /usr/bin/python3 and the libraries they load.
    return sorted(str(r) for r in roots if str(r) not in ("/usr", "/lib", "/lib64", "/bin", "/etc", "/var", "/opt", "/proc", "/dev", "/sys"))


@dataclass
class IsolatedCluster(StandaloneCluster):
    #: The folders each worker's namespace hides under an empty tmpfs.
    hidden: tuple[str, ...] = ()
    #: The worker's own root, seen only inside its namespace (an empty folder outside it).
    roots: tuple[str, ...] = ()

    def stop(self) -> None:
        # Nothing of the workers' is worth a graceful stop (their namespaces and files go with them),
        # and a JVM's shutdown takes many seconds on a loaded machine: each process group (a worker,
        # its executors and their Python workers; the master) is killed at once.
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes.values():
            process.wait()

    def engine_args(self) -> list[str]:
        """What follows ``--`` in ``thresher run --runner spark -- ...`` on this cluster (every test the
        same, so they share one SparkContext)."""
        return ["--master", self.master_url,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.executor.memory=1g", "--conf", "spark.ui.enabled=false",
                "--conf", f"spark.pyspark.python={SYSTEM_PYTHON}",
                # Both workers are host 127.0.0.1, so Spark would read the other's shuffle files from
                # "its own" disk: not here, where they share none (on a real cluster hosts differ).
                "--conf", "spark.shuffle.readHostLocalDisk=false"]


_WORKER_SCRIPT = r"""
set -e
root="$1"; shift
mount -t tmpfs tmpfs "$root"
mkdir "$root/spark" "$root/work" "$root/home"
mount --bind "$SPARK_HOME_OUTSIDE" "$root/spark"
for hidden in $HIDDEN; do mount -t tmpfs tmpfs "$hidden"; done
export SPARK_HOME="$root/spark" HOME="$root/home"
unset SPARK_HOME_OUTSIDE HIDDEN
exec "$root/spark/bin/spark-class" org.apache.spark.deploy.worker.Worker "$@" --work-dir "$root/work"
"""


def launch_isolated_cluster(workdir: Path, store_env: dict[str, str]) -> IsolatedCluster:
    home = spark_home()
    assert home is not None
    hidden = hidden_roots()
    master_port, master_ui = free_port(), free_port()
    # Outside the hidden folders, an empty folder per worker: its namespace mounts its own tmpfs there.
    roots = tuple(f"/var/tmp/thresher-worker-{uuid.uuid4().hex[:8]}" for _ in range(WORKERS))
    cluster = IsolatedCluster(master_url=f"spark://127.0.0.1:{master_port}", web_ui=f"http://127.0.0.1:{master_ui}",
                              logs=workdir, workers=WORKERS, hidden=tuple(hidden), roots=roots)
    base = {"PATH": SYSTEM_PATH, "SPARK_LOCAL_IP": "127.0.0.1", "LANG": "C.UTF-8"}
    if os.environ.get("JAVA_HOME"):
        base["JAVA_HOME"] = os.environ["JAVA_HOME"]

    def launch(name: str, argv: list[str], env: dict[str, str]) -> None:
        with open(workdir / f"{name}.log", "wb") as log:
            cluster.processes[name] = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                       start_new_session=True)

    try:
        # The master hands out work only; it runs on the launcher's side.
        launch("master", [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.master.Master",
                          "--host", "127.0.0.1", "--port", str(master_port), "--webui-port", str(master_ui)],
               {**base, "SPARK_HOME": str(home)})
        for i, root in enumerate(roots):
            os.makedirs(root)
            env = {**base, **store_env, "SPARK_HOME_OUTSIDE": str(home), "HIDDEN": " ".join(hidden),
                   "THRESHER_TEST_WORKER": f"worker-{i}"}
            launch(f"worker-{i}", ["unshare", "--mount", "--propagation", "private", "sh", "-c", _WORKER_SCRIPT,
                                   "worker", root, cluster.master_url, "--host", "127.0.0.1",
                                   "--cores", str(WORKER_CORES), "--memory", "1500m",
                                   "--webui-port", str(free_port())], env)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _can_isolate() -> str | None:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("unshare") is None:
        return "private mount namespaces need Linux, root and unshare"
    if not os.path.exists(SYSTEM_PYTHON):
        return f"no system Python at {SYSTEM_PYTHON} for the executors"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed: a Spark standalone cluster cannot start"
    if spark_home() is None:
        return "pyspark (with its bundled Spark) is not installed"
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        return f"unshare --mount is not permitted here: {probe.stderr.decode(errors='replace').strip()}"
    return None


@pytest.fixture(scope="session")
def isolated_spark_cluster(tmp_path_factory, s3_server) -> Iterator[IsolatedCluster]:
    """The two-worker cluster that shares no disk, launched (call ``wait_ready()`` before use)."""
    reason = _can_isolate()
    if reason:
        pytest.skip(reason)
    cluster = launch_isolated_cluster(tmp_path_factory.mktemp("spark-isolated"), s3_server.env)
    try:
        yield cluster
    finally:
        try:
            from thresher.engines.spark.session import stop_spark_context

            stop_spark_context()  # before the cluster goes, or the context's shutdown waits on it
        finally:
            cluster.stop()
        for root in cluster.roots:
            shutil.rmtree(root, ignore_errors=True)  # empty outside the namespaces


@pytest.fixture(scope="session")
def spark_pack_cache(tmp_path_factory) -> Iterator[Path]:
    """One packed environment for the session (packing costs seconds): every run packs into, or finds
    in, this cache."""
    from thresher.engines.spark.packing import CACHE_ENV

    cache = tmp_path_factory.mktemp("spark-pack")
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(cache)
    try:
        yield cache
    finally:
        if previous is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = previous


def isolated_spark_context(cluster: IsolatedCluster):
    """The SparkContext of ``thresher run --runner spark -- <cluster.engine_args()>`` with the default
    config: the same settings, so the same context as such a run in this process (started if none)."""
    from thresher.config import config_from_dict
    from thresher.engines.spark.session import spark_context, spark_settings
    from thresher.run.plan import runner_plan

    cluster.wait_ready()
    config = config_from_dict({"runner": {"name": "spark"}})
    return spark_context(spark_settings(runner_plan(config, cluster.engine_args())))
