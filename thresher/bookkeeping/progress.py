"""Live progress for local runs.

Beam runs stages in worker processes the driver cannot see into while the
pipeline runs, so workers publish small counter files (throttled, written
atomically) to a directory on the local disk and the driver polls them.
Engine-neutral: any engine's workers can use :class:`ProgressReporter`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from typing import Callable

from thresher.io import storage


class ProgressReporter:
    """Worker side: accumulate counts, flush to ``directory`` at most every ``interval`` s."""

    def __init__(self, directory: str | None, interval: float = 0.5) -> None:
        self.directory = directory
        self.interval = interval
        self.counts: Counter[str] = Counter()
        self._path = None
        self._last = 0.0

    def add(self, **counts: int) -> None:
        if self.directory is None:
            return
        self.counts.update(counts)
        now = time.monotonic()
        if now - self._last >= self.interval:
            self.flush()
            self._last = now

    def flush(self) -> None:
        if self.directory is None or not self.counts:
            return
        if self._path is None:
            os.makedirs(self.directory, exist_ok=True)
            self._path = os.path.join(self.directory, f"{os.getpid()}-{uuid.uuid4().hex}.json")
        storage.write_json(self._path, dict(self.counts), indent=None)

    def __getstate__(self) -> dict:
        # Each unpickled copy (one per worker DoFn) writes its own file.
        return {"directory": self.directory, "interval": self.interval}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["directory"], state["interval"])  # type: ignore[misc]


def read_progress(directory: str) -> Counter[str]:
    total: Counter[str] = Counter()
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return total
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(directory, name)) as fh:
                total.update(json.load(fh))
        except (OSError, ValueError):  # a file being replaced: read it next time
            continue
    return total


def format_progress(counts: Counter[str], total_bytes: int, elapsed: float, stage: str) -> str:
    done = counts.get("bytes", 0)
    records = counts.get("records", 0)
    pages = counts.get("pages", 0)
    fraction = min(done / total_bytes, 1.0) if total_bytes else 0.0
    rate = pages / elapsed if elapsed > 0 else 0.0
    eta = (elapsed / fraction - elapsed) if fraction > 0.01 else None
    eta_text = f"{eta:5.0f} s" if eta is not None else "   ? s"
    return (
        f"{stage:<18} {fraction:6.1%} of {total_bytes / 1e6:,.1f} MB | "
        f"{records:,} records | {pages:,} pages processed ({rate:,.0f}/s) | ETA {eta_text}"
    )


class ProgressMonitor:
    """Driver side: a thread that redraws one status line while a stage runs.

    Silent when ``enabled`` is false (``--quiet``, or stderr is not a terminal).
    """

    def __init__(
        self,
        directory: str,
        total_bytes: int,
        enabled: bool | None = None,
        write: Callable[[str], None] | None = None,
        interval: float = 0.5,
    ) -> None:
        self.directory = directory
        self.total_bytes = total_bytes
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.write = write or (lambda line: print("\r" + line, end="", file=sys.stderr, flush=True))
        self.interval = interval
        self.stage = "starting"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()

    def __enter__(self) -> "ProgressMonitor":
        if self.enabled:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._render()
            self.write("\n")

    def set_stage(self, stage: str) -> None:
        self.stage = stage

    def _render(self) -> None:
        elapsed = time.monotonic() - self._started
        self.write(format_progress(read_progress(self.directory), self.total_bytes, elapsed, self.stage))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._render()
