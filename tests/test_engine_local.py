"""The local engine (thresher/engines/local.py): spread steps on real worker processes, the rest here.

What a worker-process engine must get right, each checked on real processes forked from the
fork server: one setup and teardown per worker, ``finish`` per task, outputs in the order of the
input whoever ran them, counters summed (minima and maxima kept), tagged outputs and side values,
a step's exception raised here as it was raised there, a worker's death one line, this job's
environment and standard error rather than the fork server's.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Any, Iterable, Iterator

import pytest

from thresher.engines.base import MapStep, RunnerPlan, Step, StepContext, Tagged, ToList
from thresher.engines.local import LocalEngine
from thresher.engines.pool import WorkerDied
from thresher.errors import ThresherError


class _Collected:
    """A job's outputs, taken in the driver by a last step (not spread: it runs in this process)."""

    def __init__(self) -> None:
        self.items: list[Any] = []


class _Keep(Step):
    def __init__(self, into: _Collected) -> None:
        self.into = into

    def __deepcopy__(self, memo: dict) -> "_Keep":  # the in-process copy keeps the driver's list
        return self

    def process(self, batch: list[Any], ctx: StepContext) -> Iterable[Any]:
        self.into.items.extend(batch)
        return ()


class _Lifecycle(Step):
    """Outputs ``(element, pid)``; counts its setups, teardowns and bundles; tags odd elements."""

    outputs = ("odd",)
    batch_size = 3

    def setup(self) -> None:
        self.pid = os.getpid()
        self.bundle = 0
        self.setups = 1

    def process(self, batch: list[int], ctx: StepContext) -> Iterator[Any]:
        for n in batch:
            ctx.stats.inc("seen")
            ctx.stats.observe("value", n)
            yield Tagged("odd", n) if n % 2 else (n, self.pid)
        self.bundle += 1

    def finish(self, ctx: StepContext) -> Iterator[Any]:
        ctx.stats.inc("bundles")
        return iter(())

    def teardown(self) -> None:
        # Counted through a file: teardown's counters go nowhere an engine reports (as on Beam).
        with open(os.path.join(os.environ["LIFECYCLE_DIR"], f"teardown-{os.getpid()}"), "w") as fh:
            fh.write(str(self.setups))


def _engine(workers: int = 2) -> LocalEngine:
    return LocalEngine(RunnerPlan("local", workers, None))


def test_spread_steps_run_on_worker_processes_and_come_back_in_input_order(tmp_path, monkeypatch):
    monkeypatch.setenv("LIFECYCLE_DIR", str(tmp_path))  # set after the fork server may have started
    main, odd = _Collected(), _Collected()

    def build(flow):
        out = flow.apply("Life", flow.create("Numbers", list(range(40))), _Lifecycle())
        flow.apply("KeepMain", out.main, _Keep(main))
        flow.apply("KeepOdd", out["odd"], _Keep(odd))

    counters = _engine().run("test", build)
    assert [n for n, _pid in main.items] == list(range(0, 40, 2))
    assert odd.items == list(range(1, 40, 2))
    pids = {pid for _n, pid in main.items}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2  # real workers, never this process
    assert counters["seen"] == 40
    assert counters["value/dist/min"] == 0 and counters["value/dist/max"] == 39  # merged as minima and maxima
    assert counters["value/dist/count"] == 40 and counters["value/dist/sum"] == sum(range(40))
    # One element per task (a bundle), each finished.
    assert counters["bundles"] == 40
    teardowns = sorted(tmp_path.glob("teardown-*"))
    assert {p.name.split("-")[1] for p in teardowns} == {str(pid) for pid in pids}
    assert all(p.read_text() == "1" for p in teardowns)  # one setup per worker, however many tasks


def test_side_values_reach_the_workers_and_steps_after_a_grouping_run_here(tmp_path):
    kept = _Collected()

    def build(flow):
        total = flow.singleton("Total", flow.create("Seed", [5]), ToList())
        words = flow.apply("Pairs", flow.create("Words", ["a b", "b c", "c"]), _SplitWithSide(), sides={"total": total})
        grouped = flow.group("ByWord", words)
        flow.apply("Keep", flow.apply("Where", grouped, MapStep(_with_pid)), _Keep(kept))

    _engine().run("test", build)
    assert sorted((word, sorted(values)) for word, values, _pid in kept.items) == [
        ("a", [[5]]), ("b", [[5], [5]]), ("c", [[5], [5]])]
    assert {pid for *_rest, pid in kept.items} == {os.getpid()}  # after the grouping: in this process


class _SplitWithSide(Step):
    def process(self, batch: list[str], ctx: StepContext) -> Iterator[Any]:
        for text in batch:
            for word in text.split():
                yield word, ctx.sides["total"]


def _with_pid(record: tuple[str, Iterable[Any]]) -> Iterator[Any]:
    key, values = record
    yield key, list(values), os.getpid()


class _Fails(Step):
    def process(self, batch: list[int], ctx: StepContext) -> Iterator[int]:
        for n in batch:
            if n == 7:
                raise ThresherError(f"element {n} is bad")
            yield n


class _Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:  # pickle rebuilds with one argument: it cannot
        super().__init__(f"{a} and {b}")


class _FailsOddly(Step):
    def process(self, batch: list[int], ctx: StepContext) -> Iterator[int]:
        raise _Unpicklable(1, 2)


def test_a_steps_exception_is_raised_here_as_it_was_raised_there():
    def build(flow):
        flow.apply("Fails", flow.create("Numbers", list(range(20))), _Fails())

    with pytest.raises(ThresherError, match="^element 7 is bad$"):
        _engine().run("test", build)

    def odd(flow):
        flow.apply("Fails", flow.create("Numbers", [1, 2]), _FailsOddly())

    with pytest.raises(RuntimeError, match="_Unpicklable: 1 and 2"):
        _engine().run("test", odd)


class _Dies(Step):
    batch_size = 1

    def process(self, batch: list[int], ctx: StepContext) -> Iterator[int]:
        if batch[0] == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        yield from batch


def test_a_worker_that_dies_ends_the_job_with_one_line():
    def build(flow):
        flow.apply("Dies", flow.create("Numbers", list(range(6))), _Dies())

    with pytest.raises(WorkerDied) as caught:
        _engine().run("phase A", build)
    line = str(caught.value)
    assert "\n" not in line and "killed by SIGKILL, as the kernel's out-of-memory killer does" in line
    assert "while running Dies (task 4 of 6)" in line
    assert "redone when the run is started again" in line


class _Writes(Step):
    def process(self, batch: list[str], ctx: StepContext) -> Iterator[str]:
        for name in batch:
            os.write(2, f"{name}={os.environ.get(name, '-')}\n".encode())
            yield name


def test_workers_take_the_jobs_environment_and_standard_error(tmp_path, monkeypatch):
    _engine()  # the fork server runs (it keeps the environment and descriptors it started with)
    log = tmp_path / "workers.log"
    saved = os.dup(2)
    try:
        for value in ("first", "second"):
            monkeypatch.setenv("THRESHER_TEST_VALUE", value)
            with open(log, "ab") as fh:
                os.dup2(fh.fileno(), 2)
            # Two elements: a single one would run here, not on a worker.
            _engine().run("test", lambda flow: flow.apply("Writes", flow.create(
                "Names", ["THRESHER_TEST_VALUE", "THRESHER_TEST_VALUE"]), _Writes()))
            os.dup2(saved, 2)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    assert log.read_text().splitlines() == ["THRESHER_TEST_VALUE=first"] * 2 + ["THRESHER_TEST_VALUE=second"] * 2


def test_one_worker_or_one_element_runs_here_and_engine_options_are_refused():
    for workers, elements in ((1, [1, 2]), (2, [1])):
        seen = _Collected()
        _engine(workers).run("test", lambda flow: flow.apply("Keep", flow.apply(
            "Where", flow.create("Some", elements), MapStep(_pid_of)), _Keep(seen)))
        assert seen.items == [os.getpid()] * len(elements)  # nothing to spread: no worker is started
    with pytest.raises(ThresherError, match=r"^the local runner takes no engine options \(given: --master, --x\)"):
        LocalEngine(RunnerPlan("local", 2, None, options={"master": "local[2]"}, engine_args=("--x",)))


def _pid_of(_element: Any) -> Iterator[int]:
    yield os.getpid()


def _running(pid: int) -> bool:
    """The process exists and has not ended (a zombie waits for a reaper that may never come here)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


class _Slow(Step):
    batch_size = 1

    def setup(self) -> None:
        with open(os.path.join(os.environ["PIDS_DIR"], str(os.getpid())), "w"):
            pass

    def process(self, batch: list[int], ctx: StepContext) -> Iterator[int]:
        time.sleep(600)
        yield from batch


def test_workers_die_with_the_fork_server(tmp_path, monkeypatch):
    """The driver stops the fork server on Ctrl-C (thresher/run/interrupt.py kills its children):
    its workers must not go on. Here the fork server is killed by hand while the workers wait."""
    import threading
    from multiprocessing import forkserver

    monkeypatch.setenv("PIDS_DIR", str(tmp_path))
    failure: list[BaseException] = []

    def run() -> None:
        try:
            _engine().run("test", lambda flow: flow.apply("Slow", flow.create("N", [1, 2]), _Slow()))
        except BaseException as exc:  # noqa: BLE001
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert len(workers) == 2
    server = forkserver._forkserver._forkserver_pid
    os.kill(server, signal.SIGKILL)
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert failure and isinstance(failure[0], WorkerDied)
    # SIGKILL is pending in both at once; a large process takes a moment to be torn down.
    deadline = time.monotonic() + 60
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers)
    # The next job starts a new fork server (multiprocessing finds this one dead).
    assert _engine().run("test", lambda flow: flow.apply("Where", flow.create("N", [1]), MapStep(_pid_of))) == {}


class _ExtractsThenDies(Step):
    """Starts an extraction child the way phase A does, reports how it started; on ``die``, is killed."""

    batch_size = 1

    def setup(self) -> None:
        from thresher.stages.extract.combined import CombinedExtractor
        from thresher.stages.extract.worker import ExtractionWorker

        self.worker = ExtractionWorker(CombinedExtractor, {"profile": "fast"}, None)

    def process(self, batch: list[str], ctx: StepContext) -> Iterator[Any]:
        for command in batch:
            extraction = self.worker.extract(
                "<html><body><article><p>The harbour reopened on Tuesday after months of repairs.</p>"
                "</article></body></html>", "", 60)
            if command == "die":
                os.kill(os.getpid(), signal.SIGKILL)
            yield type(self.worker.proc).__name__, extraction.text

    def teardown(self) -> None:
        self.worker.close()


def test_workers_fork_their_extraction_child_and_a_dead_worker_leaves_no_child_holding_the_job():
    kept = _Collected()
    _engine().run("test", lambda flow: flow.apply("Keep", flow.apply(
        "Extract", flow.create("Pages", ["page", "page"]), _ExtractsThenDies()), _Keep(kept)))
    # One thread in a worker: the child is a fork, with the extractors the fork server imported.
    assert kept.items == [("ForkedChild", "The harbour reopened on Tuesday after months of repairs.")] * 2
    # The forked child closed every descriptor but its pipes: the worker's death is seen at once,
    # not when the child ends (it waits for pages from the dead worker and never would).
    with pytest.raises(WorkerDied, match="killed by SIGKILL"):
        _engine().run("test", lambda flow: flow.apply("Extract", flow.create("Pages", ["die", "die"]),
                                                       _ExtractsThenDies()))


def test_workers_never_run_the_main_script_again(monkeypatch, tmp_path):
    """``python - < script`` and scripts without a ``__main__`` guard: multiprocessing would have each
    worker run the main module again (here a file that does not exist, as for a script read from stdin)."""
    import types

    script = types.ModuleType("__main__")
    script.__file__ = str(tmp_path / "gone.py")
    monkeypatch.setitem(sys.modules, "__main__", script)
    seen = _Collected()
    _engine().run("test", lambda flow: flow.apply("Keep", flow.apply(
        "Where", flow.create("N", [1, 2, 3]), MapStep(_pid_of)), _Keep(seen)))
    assert len(seen.items) == 3 and os.getpid() not in seen.items
    assert sys.modules["__main__"] is script  # put back after the workers started


class _RaisesEOF(Step):
    def process(self, batch: list[int], ctx: StepContext) -> Iterator[int]:
        raise EOFError("the input ended early")


def test_a_steps_own_eof_error_is_its_failure_not_a_lost_driver():
    with pytest.raises(EOFError, match="the input ended early"):
        _engine().run("test", lambda flow: flow.apply("Reads", flow.create("N", [1, 2]), _RaisesEOF()))


class _SlowFirst(Step):
    """The first element is slow: later tasks finish first and wait for it, at most a window's worth."""

    batch_size = 1

    def process(self, batch: list[int], ctx: StepContext) -> Iterator[Any]:
        if batch[0] == 0:
            deadline = time.monotonic() + 60
            while not os.path.exists(os.environ["RELEASE_FIRST"]) and time.monotonic() < deadline:
                time.sleep(0.01)
        else:
            with open(os.path.join(os.path.dirname(os.environ["RELEASE_FIRST"]), f"ran-{batch[0]}"), "w"):
                pass
        yield batch[0]


def test_outputs_arrive_in_order_with_a_bounded_number_of_tasks_ahead(tmp_path, monkeypatch):
    """Task 0 blocks until the driver-side check releases it: meanwhile the other worker runs at most
    ``TASKS_AHEAD_PER_WORKER x workers - 1`` more tasks, never the whole job."""
    import threading

    from thresher.engines.local import TASKS_AHEAD_PER_WORKER

    release = tmp_path / "release"
    monkeypatch.setenv("RELEASE_FIRST", str(release))
    kept = _Collected()
    done = threading.Event()

    def run() -> None:
        _engine().run("test", lambda flow: flow.apply("Keep", flow.apply(
            "Slow", flow.create("N", list(range(20))), _SlowFirst()), _Keep(kept)))
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    window = TASKS_AHEAD_PER_WORKER * 2
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ran-*"))) < window - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    # The window is full: no further task is handed out while task 0 is outstanding.
    ran = {p.name for p in tmp_path.glob("ran-*")}
    assert ran == {f"ran-{n}" for n in range(1, window)}
    release.touch()
    thread.join(timeout=120)
    assert done.is_set() and kept.items == list(range(20))
