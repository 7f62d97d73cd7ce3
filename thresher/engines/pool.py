"""Worker processes on this machine: a step's tasks spread over them (the local engine's workers).

Workers fork from multiprocessing's fork server (:mod:`thresher.engines.fork_server`), which
imports phase A's modules once: a worker starts in milliseconds, where a fresh interpreter (Beam's
SDK worker) spends seconds importing before any work. The fork server lives as long as this
process, across runs: each job therefore hands its workers this process's environment
(a later run's storage options) and standard output and error (a later run's worker log) as
they are when the job starts.

Each worker runs one step for a job: ``setup`` once, then tasks (a task is a bundle: its
elements in the step's batches, then ``finish``), then ``teardown``. Tasks go to whichever
worker is free; their outputs come back in task order, so a job's output does not depend on
which worker ran what, and as they come (into the job's spooled collections), a bounded
number of tasks ahead. A step's exception comes back and is raised here as it was raised there;
a worker that dies (killed, out of memory) ends the job with one line.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback
import types
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import DupFd
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from thresher.engines.base import Step, StepContext, batches, step_outputs
from thresher.engines.fork_server import context as _context
from thresher.errors import ThresherError
from thresher.io.live_counts import LiveCounts, LiveStats
from thresher.stats import DictStats


class _InheritedFd:
    """A file descriptor of this process, duplicated into the worker as the worker is started."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple:
        return _detach, (DupFd(self.fd),)


def _detach(dup: Any) -> int:
    return dup.detach()


class WorkerDied(ThresherError):
    """A worker process ended in the middle of a job."""


class StepPool:
    """``workers`` processes running one step: :meth:`run` hands them tasks, :meth:`close` ends them."""

    def __init__(self, step: Step, workers: int, name: str, live_dir: str | None,
                 sides: Mapping[str, Any] | None = None) -> None:
        self.name = name
        context = _context()
        job = ("job", dict(os.environ), pickle.dumps(step, protocol=pickle.HIGHEST_PROTOCOL), name, live_dir,
               dict(sides or {}))
        self.workers: list[tuple[Any, Connection]] = []
        #: Each worker's counters, as its tasks and teardown reported them.
        self.counts: list[dict[str, int]] = []
        self.tasks = 0
        try:
            for _ in range(workers):
                ours, theirs = context.Pipe()
                sys.stdout.flush()
                process = context.Process(target=_serve, args=(theirs, _InheritedFd(1), _InheritedFd(2)),
                                          name=f"thresher-worker-{name}", daemon=True)
                with _main_module_unseen():
                    process.start()
                theirs.close()
                ours.send(job)
                self.workers.append((process, ours))
        except BaseException:
            self.kill()
            raise

    def run(self, tasks: Sequence[list[Any]], deliver: Callable[[list[Any]], None], window: int) -> None:
        """Hand the tasks to the workers as they free up; ``deliver`` each task's outputs, in task order.

        At most ``window`` tasks are handed out beyond the oldest one not yet delivered, so outputs
        that finished early and wait for an earlier task stay bounded (dedup's light records of a
        large corpus come back here).
        """
        self.tasks = len(tasks)
        done: dict[int, list[Any]] = {}
        idle = [(conn, process) for process, conn in self.workers]
        busy: dict[Connection, tuple[Any, int]] = {}
        handed = delivered = 0
        while delivered < len(tasks):
            while idle and handed < len(tasks) and handed < delivered + window:
                conn, process = idle.pop()
                conn.send(("task", handed, tasks[handed]))
                busy[conn] = (process, handed)
                handed += 1
            for conn in wait(list(busy)):
                process, index = busy.pop(conn)
                reply = self._receive(conn, process, index)
                done[index] = reply[1]
                self.counts.append(reply[2])
                idle.append((conn, process))
            while delivered in done:
                deliver(done.pop(delivered))
                delivered += 1

    def close(self) -> None:
        """Every worker's ``teardown``, then the workers end."""
        try:
            for _process, conn in self.workers:
                conn.send(("end",))
            for process, conn in self.workers:
                reply = self._receive(conn, process, None)
                self.counts.append(reply[1])
                process.join()
        finally:
            self.kill()

    def kill(self) -> None:
        """Stop every worker still running (a failed job: what they were doing is not needed)."""
        for process, conn in self.workers:
            if process.is_alive():
                process.kill()
            process.join()
            conn.close()
        self.workers = []

    def _receive(self, conn: Connection, process: Any, index: int | None) -> tuple:
        try:
            reply = conn.recv()
        except (EOFError, OSError):
            process.join(timeout=5)
            how = _how(process.exitcode)
            if process.exitcode == -signal.SIGKILL:
                how += ", as the kernel's out-of-memory killer does"
            raise WorkerDied(
                f"a local worker process ended ({how}) while running {self.name}"
                + (f" (task {index + 1} of {self.tasks})" if index is not None else "")
                + "; what it had not committed is redone when the run is started again"
            ) from None
        if reply[0] == "error":
            raise _rebuilt(reply[1], reply[2])
        return reply


@contextmanager
def _main_module_unseen() -> Iterator[None]:
    """While a worker starts, this process's ``__main__`` is a bare module.

    multiprocessing would have every worker run the main script again (as ``__mp_main__``), as
    its spawn and fork-server workers need for what the script defines: ``python - < script``
    then fails in the worker (no such file), and a script calling Thresher without a
    ``__main__`` guard would start its run again in every worker. Workers need no main module:
    steps are Thresher's, pickled by reference to its modules.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _how(exitcode: int | None) -> str:
    if exitcode is None:
        return "no exit status"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _rebuilt(pickled: bytes | None, described: str) -> BaseException:
    """The worker's exception as it was raised there; its description when it would not pickle."""
    if pickled is not None:
        try:
            return pickle.loads(pickled)
        except Exception:  # noqa: BLE001 - any failure to rebuild falls back to the text
            pass
    return RuntimeError(described)


def _serve(conn: Connection, stdout_fd: int, stderr_fd: int) -> None:
    """A worker: the job's step set up, tasks until told to end, then its teardown."""
    # Ctrl-C is the driver's to handle (thresher/run/interrupt.py): it stops the fork server,
    # and with it this worker (below); a worker of its own would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    os.dup2(stdout_fd, 1)
    os.dup2(stderr_fd, 2)
    os.close(stdout_fd)
    os.close(stderr_fd)
    try:
        _kind, env, step_bytes, name, live, sides = _from_driver(conn)
        os.environ.clear()
        os.environ.update(env)
        sink = DictStats()
        stats = LiveStats(sink, LiveCounts(live))
        step = pickle.loads(step_bytes)
        step.setup()
        while True:
            message = _from_driver(conn)
            if message[0] == "end":
                step.teardown()
                stats.flush()
                conn.send(("ended", _taken(sink)))
                return
            _task, _index, elements = message
            ctx = StepContext(stats, dict(sides))
            conn.send(("done", _outputs(step, name, elements, ctx, stats), _taken(sink)))
    except _DriverGone:
        return  # nothing to report to
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the driver
        try:
            pickled: bytes | None = pickle.dumps(exc)
        except Exception:  # noqa: BLE001
            pickled = None
        described = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        print(traceback.format_exc(), file=sys.stderr, flush=True)  # the worker log keeps the traceback
        try:
            conn.send(("error", pickled, described))
        except OSError:
            pass


class _DriverGone(Exception):
    """The driver closed its end (it failed, or was stopped): the worker ends quietly."""


def _from_driver(conn: Connection) -> Any:
    # Only the pipe's own end of file means the driver went away; a step's EOFError is a failure to report.
    try:
        return conn.recv()
    except EOFError:
        raise _DriverGone from None


def _outputs(step: Step, name: str, elements: Iterable[Any], ctx: StepContext, stats: LiveStats) -> list[Any]:
    """One task's outputs: its elements in the step's batches, then what ``finish`` yields."""
    out: list[Any] = []
    for batch in batches(step, elements):
        stats.elements(name, len(batch))
        out.extend(step_outputs(step, batch, ctx))
    out.extend(step.finish(ctx))
    stats.flush()
    return out


def _taken(sink: DictStats) -> dict[str, int]:
    counts = dict(sink.counts)
    sink.counts.clear()
    return counts


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent (the fork server) dies: the driver kills the
    fork server when it stops on Ctrl-C, and its workers must not go on writing files."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl: the worker ends at its next read
        pass
