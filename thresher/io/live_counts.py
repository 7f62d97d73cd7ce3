"""Live counters from workers to the driver, through small files on the local disk.

A local engine's workers (Beam's worker processes, Spark's local Python workers) run in
processes the driver cannot see into while a job runs, and Beam's local runner reports its
metrics only when the job ends. So workers write what they counted so far to a directory
(throttled, each file written whole), and the driver sums the files to draw the progress
display (:mod:`thresher.bookkeeping.progress`).

The directory comes from :data:`LIVE_DIR_ENV`, set by the driver for the length of a run
and read where a job is built (on the driver), so a worker gets it with the pickled step.
These counts are for the display only: stats.json comes from the engine's own counters.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter

from thresher.io import storage, store_retries

#: The environment variable naming the directory of a run's live counter files.
LIVE_DIR_ENV = "THRESHER_LIVE_DIR"


def live_dir() -> str | None:
    """The live-counter directory of the run being built, if it shows progress."""
    return os.environ.get(LIVE_DIR_ENV) or None


class LiveCounts:
    """Worker side: accumulate counts, write them to ``directory`` at most every ``interval`` s."""

    def __init__(self, directory: str | None, interval: float = 0.5, key: str | None = None) -> None:
        self.directory = directory
        self.interval = interval
        #: Names the file: a task that runs again (a retry, a recomputed partition) under the same
        #: key replaces its earlier counts instead of adding to them. None: one file per copy.
        self.key = key
        self.counts: Counter[str] = Counter()
        self._path: str | None = None
        self._last = 0.0

    def add(self, name: str, n: int = 1) -> None:
        if self.directory is None:
            return
        self.counts[name] += n
        now = time.monotonic()
        if now - self._last >= self.interval:
            self.flush()
            self._last = now

    def flush(self) -> None:
        if self.directory is None or not self.counts:
            return
        if self._path is None:
            os.makedirs(self.directory, exist_ok=True)
            name = self.key or f"{os.getpid()}-{uuid.uuid4().hex}"
            self._path = os.path.join(self.directory, f"{name}.json")
        storage.write_json(self._path, dict(self.counts), indent=None)

    def __getstate__(self) -> dict:
        # Each unpickled copy (one per worker) writes its own file.
        return {"directory": self.directory, "interval": self.interval}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["directory"], state["interval"])  # type: ignore[misc]


class LiveStats:
    """A stats sink that passes everything to ``sink`` and mirrors counters into :class:`LiveCounts`.

    Engines wrap their own sink in it; ``elements`` counts what each named step processed
    (``step/<name>``), which tells the display which part of a job (e.g. which round) runs.
    """

    def __init__(self, sink, live: LiveCounts) -> None:
        self.sink = sink
        self.live = live

    def inc(self, name: str, n: int = 1) -> None:
        self.sink.inc(name, n)
        self.live.add(name, n)

    def observe(self, name: str, value: int) -> None:
        self.sink.observe(name, value)

    def elements(self, step: str, n: int) -> None:
        self.live.add(f"step/{step}", n)

    def flush(self) -> None:
        # The end of a bundle or partition: the store retries this process counted go with its counts.
        for name, n in store_retries.take().items():
            self.sink.inc(name, n)
        self.live.flush()


def read_live_counts(directory: str) -> Counter[str]:
    """The sum of every worker's latest counts in ``directory`` (none yet: empty)."""
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
