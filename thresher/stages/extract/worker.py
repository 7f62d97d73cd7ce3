"""A persistent extraction child process, killed and restarted when a page overruns its time bound.

Why a process: the pipeline extracts in worker threads, and a thread cannot
be interrupted from outside (``signal.alarm`` only works in the main thread);
a process can be killed. Why persistent: starting Python and importing
trafilatura costs ~1 s, so one child serves many pages and only a timed-out
(or crashed) page costs a restart. Pages travel over the child's stdin and
stdout as length-prefixed pickles (both ends are this module; nothing else
writes to the pipe).

Each reply carries the CPU seconds the child spent since its previous reply
(``time.process_time`` deltas; the "ready" reply carries its start-up), so the
parent can count extraction's real CPU cost, which its own CPU clock never
sees. When the parent kills a child (timeout, crash, memory limit) it reaps
it with ``os.wait4`` and counts what the child used beyond its last reply:
the CPU a killed page burnt is counted too.

The child caps its own address space (``RLIMIT_AS``) at its size after
start-up plus ``memory_limit_mb``: a page that needs more raises
``MemoryError`` there, is reported as ``memory_limit`` and the child exits.
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import time
import weakref
from pathlib import Path
from typing import Any, BinaryIO

from thresher.stages.extract.outcomes import ChildCpu, Extraction, ExtractionCrashed, ExtractionTimeout, ExtractionTooLarge

#: Pipe size asked for in each direction (1 MiB is Linux's default pipe-max-size for unprivileged processes).
_PIPE_BYTES = 1 << 20
_HEADER = struct.Struct(">Q")
#: Start-up (interpreter and extractor imports) is not a page's cost: it gets its own, generous bound.
STARTUP_TIMEOUT_S = 120.0
#: Longest single wait on the pipe before the deadline is checked again against the clock.
_POLL_S = 0.5


def monotonic() -> float:
    """The clock the time bounds are kept by (tests replace it to decide when a bound is hit)."""
    return time.monotonic()


class ExtractorError(RuntimeError):
    """The extractor raised on a page (in the child); the page is counted as an extractor error."""


class ExtractionWorker:
    """The parent's handle on one child process; not thread-safe (the extractor holds a lock)."""

    def __init__(self, extractor_class: type, params: dict[str, Any], memory_limit_mb: int | None) -> None:
        self.spec = (extractor_class.__module__, extractor_class.__qualname__, params, memory_limit_mb)
        self.proc: subprocess.Popen[bytes] | None = None
        #: Child processes started so far (1 + restarts), for tests and stats.
        self.starts = 0
        self._finalizer: weakref.finalize | None = None
        #: CPU seconds the current child has reported so far (start-up included).
        self._reported_cpu = 0.0

    def extract(self, html: str, url: str, timeout_s: float, child_cpu: ChildCpu | None = None) -> Extraction:
        """The page's main text and its extractor; the child's CPU for it (start-up, if it started) goes to
        ``child_cpu``."""
        proc = self._running(child_cpu)
        try:
            _write_frame(proc.stdin, (html, url))  # type: ignore[arg-type]
        except (BrokenPipeError, OSError) as exc:
            self._stop(child_cpu)
            raise ExtractionCrashed("the extraction worker died") from exc
        try:
            kind, value, cpu_s = _read_frame_by(proc, monotonic() + timeout_s)
        except TimeoutError:
            self._stop(child_cpu)
            raise ExtractionTimeout(f"extraction took longer than {timeout_s} s") from None
        except EOFError:
            self._stop(child_cpu)
            raise ExtractionCrashed("the extraction worker died on this page") from None
        self._report(cpu_s, child_cpu)
        if kind == "ok":
            return value
        if kind == "memory":
            self._stop(child_cpu)
            raise ExtractionTooLarge("extraction ran out of memory", reason="memory_limit")
        raise ExtractorError(value)

    def close(self) -> None:
        self._stop()

    def _report(self, cpu_s: float, child_cpu: ChildCpu | None) -> None:
        self._reported_cpu += cpu_s
        if child_cpu is not None:
            child_cpu(cpu_s)

    def _running(self, child_cpu: ChildCpu | None = None) -> subprocess.Popen[bytes]:
        if self.proc is not None and self.proc.poll() is None:
            return self.proc
        self._stop(child_cpu)
        env = dict(os.environ)
        # The child imports from wherever the parent does (editable installs, source trees, test dirs).
        import thresher

        package_root = str(Path(thresher.__file__).resolve().parents[1])
        paths = [package_root, *(p for p in sys.path if p), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in paths if p))
        proc: subprocess.Popen[bytes] | ForkedChild
        if may_fork():
            proc = ForkedChild()
        else:
            proc = subprocess.Popen(
                [sys.executable, "-m", "thresher.stages.extract.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        _widen_pipe(proc.stdin.fileno())  # type: ignore[union-attr]
        _widen_pipe(proc.stdout.fileno())  # type: ignore[union-attr]
        self.proc = proc
        self.starts += 1
        self._finalizer = weakref.finalize(self, _kill, proc)
        try:
            _write_frame(proc.stdin, self.spec)  # type: ignore[arg-type]
            kind, value, cpu_s = _read_frame_by(proc, monotonic() + STARTUP_TIMEOUT_S)
        except (OSError, EOFError, TimeoutError) as exc:
            self._stop(child_cpu)
            raise ExtractionCrashed("the extraction worker did not start") from exc
        # Start-up (interpreter, imports, warm-up page) is extraction's cost too.
        self._report(cpu_s, child_cpu)
        if kind != "ready":
            self._stop(child_cpu)
            raise ExtractionCrashed(f"the extraction worker did not start: {value}")
        return proc

    def _stop(self, child_cpu: ChildCpu | None = None) -> None:
        """Kill and reap the child; what it used beyond its last reply goes to ``child_cpu``."""
        if self._finalizer is not None:
            total_cpu = self._finalizer()  # kills and reaps the child, once
            self._finalizer = None
            if child_cpu is not None and total_cpu is not None:
                child_cpu(max(total_cpu - self._reported_cpu, 0.0))
        self.proc = None
        self._reported_cpu = 0.0


#: ``auto``: fork the child where :func:`may_fork` says it is safe; ``never`` / ``always``: tests of each path.
FORK_CHILD = "auto"


def may_fork() -> bool:
    """Whether to fork the child from this process instead of starting a fresh interpreter.

    A fork starts in milliseconds with every module this process has imported, where a fresh
    interpreter spends ~0.35 CPU-s importing trafilatura and its kin. It is only safe from a process
    running one thread: a lock held by another thread at the fork stays held forever in the child.
    The local engine's workers run one thread; Beam's SDK workers (gRPC) and Spark's run several,
    and start a fresh interpreter.
    """
    if FORK_CHILD != "auto" or not hasattr(os, "fork"):
        return FORK_CHILD == "always" and hasattr(os, "fork")
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Threads:"):
                    return int(line.split()[1]) == 1
    except (OSError, ValueError):
        pass
    return False  # not Linux, or no thread count: the fresh interpreter


class ForkedChild:
    """The child as a fork of this process: what the parent uses of ``subprocess.Popen``."""

    def __init__(self) -> None:
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()  # nothing buffered here may be written twice
            except (AttributeError, OSError, ValueError):
                pass
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's side is seen through its replies
            _forked_child_main(requests_r, replies_w)
        os.close(requests_r)
        os.close(replies_w)
        self.pid = pid
        self.args = ["fork"]
        self.returncode: int | None = None
        self.stdin: BinaryIO | None = os.fdopen(requests_w, "wb")
        self.stdout: BinaryIO | None = os.fdopen(replies_r, "rb")

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped already (os.wait4 in _reap_measured sets returncode)
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None and self.returncode is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            time.sleep(0.002)
        return self.returncode  # type: ignore[return-value]


def _forked_child_main(requests_fd: int, replies_fd: int) -> None:  # pragma: no cover - runs in the child
    """The forked child: only its two pipes (and stderr) open, then :func:`child_main`; never returns."""
    code = 1
    try:
        # The parent's objects live on in this copy: the cyclic collector must never finalize one
        # (a file object's finalizer would close a descriptor number this process has reused).
        import gc

        gc.freeze()
        os.dup2(requests_fd, 0)
        os.dup2(replies_fd, 1)
        # Every other descriptor of the parent (its pipes to its own parent, its open files) closes
        # here, so that the parent's death or exit is seen where it should be.
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd > 2:
                try:
                    os.close(fd)
                except OSError:
                    pass
        child_main(os.fdopen(0, "rb", closefd=False), os.fdopen(1, "wb", closefd=False))
        code = 0
    finally:
        os._exit(code)


def _kill(proc: subprocess.Popen[bytes]) -> float | None:
    """Kill and reap ``proc``; the CPU seconds it used in all, when the reaping could measure it.

    Reaped with ``os.wait4`` (not ``Popen.wait``) for the child's resource usage.
    A child already reaped elsewhere (``Popen.poll`` saw it exit) has none to give.
    """
    cpu_s = None
    if proc.returncode is None:
        try:
            # os.kill, not Popen.kill: Popen polls first, which would reap the child and lose its usage.
            # The pid cannot have been reused: an unreaped child keeps it.
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - only after a reap, which sets returncode
            pass
        try:
            cpu_s = _reap_measured(proc)
        except (AttributeError, ChildProcessError, OSError):  # no wait4 here, or reaped meanwhile
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - a killed process is reaped at once
        pass
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    return cpu_s


def _reap_measured(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> float | None:
    """Reap a killed child with ``os.wait4``; its user + system CPU seconds, or None if it outlived ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        # Polled, not blocking: a process stuck in the kernel must not hang the caller (Popen.wait takes over).
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:  # pragma: no cover - SIGKILL is not ignorable
            return None
        time.sleep(0.002)


def _widen_pipe(fd: int) -> None:
    """Let a pipe hold a whole page (Linux; the default 64 KiB splits a 300 KB page into five wake-ups)."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or over the system's pipe-max-size
        pass


def _write_frame(stream: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_frame_by(proc: subprocess.Popen[bytes], deadline: float) -> Any:
    """Read one frame from the child's stdout, raising TimeoutError at ``deadline``."""
    fd = proc.stdout.fileno()  # type: ignore[union-attr]
    header = _read_exactly(fd, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    return pickle.loads(_read_exactly(fd, size, deadline))


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    """``size`` bytes from ``fd``, or TimeoutError once :func:`monotonic` reaches ``deadline``.

    The deadline is checked against the clock after every wait, never
    inferred from a wait running out: the clock alone decides.
    """
    chunks = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while size > 0:
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise TimeoutError
            if not selector.select(min(remaining, _POLL_S)):
                continue
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
    return b"".join(chunks)


# --- the child side ---------------------------------------------------------------------------


def _read_frame_blocking(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))


def _limit_address_space(extra_mb: int | None) -> None:
    if not extra_mb:
        return
    try:
        import resource

        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = current + extra_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):  # not Linux: run without a memory cap
        pass


def child_main(requests: BinaryIO | None = None, replies: BinaryIO | None = None) -> None:
    requests = requests or sys.stdin.buffer
    replies = replies or sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print in a library must not corrupt the protocol
    spec = _read_frame_blocking(requests)
    if spec is None:
        return
    module_name, qualname, params, memory_limit_mb = spec
    try:
        module = __import__(module_name, fromlist=[qualname])
        extractor = getattr(module, qualname)(**params)
        # A warm-up page imports everything the extractor loads lazily, before the memory cap.
        extractor.extract_labelled_inline("<html><body><p>warm up</p></body></html>", "")
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which counts the failure
        _write_frame(replies, ("failed", f"{type(exc).__name__}: {exc}", time.process_time()))
        return
    _limit_address_space(memory_limit_mb)
    cpu = _CpuSinceLastReply()
    _write_frame(replies, ("ready", None, cpu.take()))
    while True:
        request = _read_frame_blocking(requests)
        if request is None:
            return  # the parent closed the pipe (or died): stop
        html, url = request
        try:
            kind, value = "ok", extractor.extract_labelled_inline(html, url)
        except MemoryError:
            _write_frame(replies, ("memory", None, cpu.take()))
            return  # the heap may be in a bad state: let the parent start a fresh child
        except Exception as exc:  # noqa: BLE001 - one page's failure is reported, the child goes on
            kind, value = "error", f"{type(exc).__name__}: {exc}"
        _write_frame(replies, (kind, value, cpu.take()))


class _CpuSinceLastReply:
    """This process's CPU seconds (every thread) since the previous :meth:`take`, from its start at first."""

    def __init__(self) -> None:
        self.last = 0.0

    def take(self) -> float:
        now = time.process_time()
        spent, self.last = now - self.last, now
        return spent


if __name__ == "__main__":
    child_main()
