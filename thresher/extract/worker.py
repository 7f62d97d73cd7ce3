"""A persistent extraction child process, killed and restarted when a page overruns its time bound.

Why a process: the pipeline extracts in worker threads, and a thread cannot
be interrupted from outside (``signal.alarm`` only works in the main thread);
a process can be killed. Why persistent: starting Python and importing
trafilatura costs ~1 s, so one child serves many pages and only a timed-out
(or crashed) page costs a restart. Pages travel over the child's stdin and
stdout as length-prefixed pickles (both ends are this module; nothing else
writes to the pipe).

The child caps its own address space (``RLIMIT_AS``) at its size after
start-up plus ``memory_limit_mb``: a page that needs more raises
``MemoryError`` there, is reported as ``memory_limit`` and the child exits.
"""

from __future__ import annotations

import os
import pickle
import selectors
import struct
import subprocess
import sys
import time
import weakref
from pathlib import Path
from typing import Any, BinaryIO

from thresher.extract.base import ExtractionCrashed, ExtractionTimeout, ExtractionTooLarge

_HEADER = struct.Struct(">Q")
#: Start-up (interpreter and extractor imports) is not a page's cost: it gets its own, generous bound.
STARTUP_TIMEOUT_S = 120.0


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

    def extract(self, html: str, url: str, timeout_s: float) -> str | None:
        proc = self._running()
        try:
            _write_frame(proc.stdin, (html, url))  # type: ignore[arg-type]
        except (BrokenPipeError, OSError) as exc:
            self._stop()
            raise ExtractionCrashed("the extraction worker died") from exc
        try:
            kind, value = _read_frame_by(proc, time.monotonic() + timeout_s)
        except TimeoutError:
            self._stop()
            raise ExtractionTimeout(f"extraction took longer than {timeout_s} s") from None
        except EOFError:
            self._stop()
            raise ExtractionCrashed("the extraction worker died on this page") from None
        if kind == "ok":
            return value
        if kind == "memory":
            self._stop()
            raise ExtractionTooLarge("extraction ran out of memory", reason="memory_limit")
        raise ExtractorError(value)

    def close(self) -> None:
        self._stop()

    def _running(self) -> subprocess.Popen[bytes]:
        if self.proc is not None and self.proc.poll() is None:
            return self.proc
        self._stop()
        env = dict(os.environ)
        # The child imports from wherever the parent does (editable installs, source trees, test dirs).
        package_root = str(Path(__file__).resolve().parents[2])
        paths = [package_root, *(p for p in sys.path if p), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in paths if p))
        proc = subprocess.Popen(
            [sys.executable, "-m", "thresher.extract.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self.proc = proc
        self.starts += 1
        self._finalizer = weakref.finalize(self, _kill, proc)
        try:
            _write_frame(proc.stdin, self.spec)  # type: ignore[arg-type]
            kind, value = _read_frame_by(proc, time.monotonic() + STARTUP_TIMEOUT_S)
        except (OSError, EOFError, TimeoutError) as exc:
            self._stop()
            raise ExtractionCrashed("the extraction worker did not start") from exc
        if kind != "ready":
            self._stop()
            raise ExtractionCrashed(f"the extraction worker did not start: {value}")
        return proc

    def _stop(self) -> None:
        if self._finalizer is not None:
            self._finalizer()  # kills and reaps the child, once
            self._finalizer = None
        self.proc = None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
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
    chunks = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while size > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise TimeoutError
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


def child_main() -> None:
    requests = sys.stdin.buffer
    replies = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print in a library must not corrupt the protocol
    spec = _read_frame_blocking(requests)
    if spec is None:
        return
    module_name, qualname, params, memory_limit_mb = spec
    try:
        module = __import__(module_name, fromlist=[qualname])
        extractor = getattr(module, qualname)(**params)
        # A warm-up page imports everything the extractor loads lazily, before the memory cap.
        extractor.extract_inline("<html><body><p>warm up</p></body></html>", "")
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which counts the failure
        _write_frame(replies, ("failed", f"{type(exc).__name__}: {exc}"))
        return
    _limit_address_space(memory_limit_mb)
    _write_frame(replies, ("ready", None))
    while True:
        request = _read_frame_blocking(requests)
        if request is None:
            return  # the parent closed the pipe (or died): stop
        html, url = request
        try:
            reply = ("ok", extractor.extract_inline(html, url))
        except MemoryError:
            _write_frame(replies, ("memory", None))
            return  # the heap may be in a bad state: let the parent start a fresh child
        except Exception as exc:  # noqa: BLE001 - one page's failure is reported, the child goes on
            reply = ("error", f"{type(exc).__name__}: {exc}")
        _write_frame(replies, reply)


if __name__ == "__main__":
    child_main()
