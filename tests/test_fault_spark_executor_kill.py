"""A Spark executor SIGKILLed midway through phase A: the run finishes, with the shards of a run
that was left alone, byte for byte, and the same counters.

On the real standalone cluster of :mod:`spark_cluster`. "Midway" is decided without timing: the
inputs are served over HTTP on loopback by :class:`fault_servers.HeldFiles`, which holds every
read of all files but the first until the kill is done. So when the first work unit's piece
marker appears, every other unit is still waiting on its input: the executor JVM
(``CoarseGrainedExecutorBackend``, a child of the worker) and its Python workers are killed
then, the reads are let go, Spark runs the lost tasks again on the executor the master launches
in its place, and Thresher's commit rule (a piece marker written last; a retried unit reuses a
committed piece or writes the same bytes again; phase A counts travel with the pieces) makes
the outcome that of an undisturbed run.
"""

from __future__ import annotations

import glob
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from fault_servers import HeldFiles
from sample_crawls import write_small_crawls

from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline
from thresher.stats import decisions_only

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")
pytest.importorskip("aiohttp", reason="inputs over HTTP need aiohttp")
pytest_plugins = ["spark_cluster"]

FILES = 4


@pytest.fixture(scope="module")
def served_crawl(tmp_path_factory):
    root = tmp_path_factory.mktemp("crawl")
    names = [Path(p).name for p in write_small_crawls(root, files=FILES, pages=10, first_seed=21)]
    with HeldFiles(root, held=names[1:]) as files:
        files.release()  # open until a test holds them
        yield files, [files.url(name) for name in names]


def _config(inputs: list[str], out: Path, runner: dict) -> dict:
    # Language ID off: its model would load in every partition's task, the cost of this test.
    return {"input": {"paths": inputs}, "output": {"path": str(out)}, "langid": {"enabled": False},
            "runner": runner}


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process on this machine."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        table[int(entry)] = (ppid, cmdline)
    return table


def _descendants(table: dict[int, tuple[int, str]], root: int) -> list[int]:
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def executor_processes(worker_pid: int) -> list[int]:
    """The worker's executor JVMs and every process under them (PySpark's daemon and its workers)."""
    table = _processes()
    executors = [pid for pid in _descendants(table, worker_pid) if "CoarseGrainedExecutorBackend" in table[pid][1]]
    return [pid for executor in executors for pid in [executor, *_descendants(table, executor)]]


class Killer(threading.Thread):
    """Waits until phase A committed its first piece, then SIGKILLs the executor and lets the reads go."""

    def __init__(self, out: Path, worker_pid: int, files: HeldFiles) -> None:
        super().__init__(daemon=True)
        self.out, self.worker_pid, self.files = out, worker_pid, files
        self.killed: list[int] = []
        self.pieces_at_kill = self.results_at_kill = -1

    def _count(self, pattern: str) -> int:
        return len(glob.glob(str(self.out / "_work" / "phase_a" / "*" / pattern)))

    def run(self) -> None:
        try:
            deadline = time.monotonic() + 300  # a bound on a hang only: the held reads decide when
            while self._count("piece-*.json") < 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.pieces_at_kill, self.results_at_kill = self._count("piece-*.json"), self._count("result.json")
            self.killed = executor_processes(self.worker_pid)
            for pid in self.killed:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        finally:
            self.files.release()


def test_executor_killed_midway_through_phase_a(spark_cluster, served_crawl, tmp_path):
    spark_cluster.wait_ready()
    files, urls = served_crawl
    # The undisturbed run is a local one: outputs are byte-identical across engines (the golden run
    # checks that on every engine), and a second application on the cluster would double the test.
    reference_out = tmp_path / "reference"
    reference = run_pipeline(config_from_dict(_config(urls, reference_out, {"name": "direct", "workers": 1})))

    out = tmp_path / "killed"
    files.hold()
    killer = Killer(out, spark_cluster.processes["worker"].pid, files)
    killer.start()
    spark = {"name": "spark", "options": spark_cluster.runner_options()}
    result = run_pipeline(config_from_dict(_config(urls, out, spark)))
    killer.join()

    # Killed midway: one unit's piece committed, the other units waiting on their input, no file done.
    assert killer.pieces_at_kill == 1 and killer.results_at_kill == 0
    assert killer.killed, "no executor process was found to kill"
    # Every killed process is gone: a new executor (another process) finished the job.
    assert not set(killer.killed) & set(executor_processes(spark_cluster.processes["worker"].pid))
    assert len(glob.glob(str(out / "_work" / "phase_a" / "*" / "result.json"))) == FILES

    names = sorted(p.name for p in reference_out.glob("shard-*.parquet")) + ["tokenizer.json", "audit.json"]
    assert len(names) > 2
    assert {n: (out / n).read_bytes() for n in names} == {n: (reference_out / n).read_bytes() for n in names}
    for stats in (result.stats, reference.stats):
        assert stats["identity"]["holds"], stats["identity"]
    assert result.stats["identity"] == reference.stats["identity"]
    assert decisions_only(result.stats["counters"]) == decisions_only(reference.stats["counters"])
