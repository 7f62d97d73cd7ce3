"""Live progress of a run: what the workers counted so far, turned into figures per phase.

Workers of a local engine publish their counts as small files (:mod:`thresher.io.live_counts`):
phase A's :class:`ProgressReporter` counts pages *after* they were processed (never when read),
and the engines mirror every counter their steps count. The driver's :class:`ProgressMonitor`
sums those files every half second, makes :class:`PhaseFigures` of them (engine-neutral: only
counter names the stages themselves use) and hands them to the display
(:mod:`thresher.bookkeeping.display`).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from thresher.bookkeeping.display import PhaseFigures, RunDisplay
from thresher.io.live_counts import LIVE_DIR_ENV, LiveCounts, read_live_counts

#: Phase A's counter of a finished work unit: ``unit_done/<input file>``.
UNIT_DONE = "unit_done/"
_DEDUP_IN = re.compile(r"^dedup_[a-z_]+/in$")
_ROUND = re.compile(r"\.Round(\d+)\.")


class ProgressReporter(LiveCounts):
    """Phase A's worker side: count a page once it is processed, a unit once its piece is written."""

    def page_done(self, kept: bool, bytes_done: int) -> None:
        """One page carried through phase A (kept, or dropped by a stage); the input bytes up to it."""
        self.add("pages")
        self.add("kept" if kept else "dropped")
        self.add("bytes", bytes_done)

    def unit_done(self, source: str, tail_bytes: int) -> None:
        """A work unit of ``source`` is written, with ``tail_bytes`` after its last page."""
        self.add("bytes", tail_bytes)
        self.add(UNIT_DONE + source)
        self.flush()


@dataclass
class _Phase:
    name: str
    started: float
    total: int | None = None
    ended: float | None = None
    #: Phase A: files and bytes of this run's work.
    files_total: int = 0
    files_before: int = 0
    units: dict[str, int] = field(default_factory=dict)
    todo_bytes: int = 0
    #: Counters already there when the phase started (the live files hold the whole run).
    base: Counter = field(default_factory=Counter)


def _count(total: int | None) -> str:
    return "?" if total is None else f"{total:,}"


def _eta(done: float, total: float, elapsed: float) -> float | None:
    if done <= 0 or total <= 0 or elapsed <= 0:
        return None
    return max(total - done, 0) * elapsed / done


def documents_figures(phase: _Phase, counts: Counter, now: float) -> PhaseFigures:
    """Phase A: files done of total, pages processed and their rate, kept and dropped, ETA by bytes processed."""
    elapsed = (phase.ended or now) - phase.started
    done_units = {source: counts.get(UNIT_DONE + source, 0) for source in phase.units}
    files_done = phase.files_before + sum(1 for s, n in phase.units.items() if done_units[s] >= n)
    pages, processed = counts.get("pages", 0), counts.get("bytes", 0)
    rate = pages / elapsed if elapsed > 0 else 0.0
    headline = f"files {files_done:,}/{phase.files_total:,}" if phase.files_total else "planning work units"
    details = [f"{pages:,} pages ({rate:,.0f}/s)", f"kept {counts.get('kept', 0):,}",
               f"dropped {counts.get('dropped', 0):,}"]
    return PhaseFigures(
        name=phase.name, done=min(processed, phase.todo_bytes), total=phase.todo_bytes or None,
        headline=headline, details=details,
        eta=_eta(processed, phase.todo_bytes, elapsed), elapsed=elapsed, finished=phase.ended is not None,
    )


def dedup_figures(phase: _Phase, counts: Counter, now: float) -> PhaseFigures:
    """Dedup: documents decided of the documents phase A kept; which round of near-duplicate clustering runs."""
    elapsed = (phase.ended or now) - phase.started
    decided = max((n for name, n in counts.items() if _DEDUP_IN.match(name)), default=0)
    rounds = [int(m.group(1)) for name, n in counts.items() if n and (m := _ROUND.search(name))]
    details = [f"MinHash round {max(rounds)}"] if rounds else []
    removed = sum(n for name, n in counts.items() if name.startswith("dedup_") and "/dropped/" in name)
    details.append(f"removed {removed:,}")
    return _documents_figures(phase, decided, details, elapsed)


def shards_figures(phase: _Phase, counts: Counter, now: float) -> PhaseFigures:
    """Shards: documents tokenized of the documents dedup kept; shards written."""
    elapsed = (phase.ended or now) - phase.started
    delta = counts - phase.base
    details = [f"shards written {delta.get('shards/written', 0):,}", f"tokens {delta.get('tokenize/tokens', 0):,}"]
    return _documents_figures(phase, delta.get("tokenize/in", 0), details, elapsed)


def _documents_figures(phase: _Phase, done: int, details: list[str], elapsed: float) -> PhaseFigures:
    """A later phase counted in documents of the phase's known total (dedup, shards)."""
    total = phase.total or 0
    return PhaseFigures(
        name=phase.name, done=min(done, total), total=phase.total,
        headline=f"documents {done:,}/{_count(phase.total)}", details=details,
        eta=_eta(done, total, elapsed), elapsed=elapsed, finished=phase.ended is not None,
    )


def plain_figures(phase: _Phase, counts: Counter, now: float) -> PhaseFigures:
    """A phase with nothing to count live (the tokenizer): how long it has run."""
    elapsed = (phase.ended or now) - phase.started
    done = phase.total or 0
    return PhaseFigures(name=phase.name, done=done if phase.ended else 0, total=phase.total,
                        elapsed=elapsed, finished=phase.ended is not None)


_FIGURES = {"documents": documents_figures, "dedup": dedup_figures, "shards": shards_figures}


class ProgressMonitor:
    """Driver side: phases as they start and end, live figures from the workers' counter files.

    ``display`` shows them (a terminal's live bars, periodic plain lines, or nothing). The
    counter directory is named to the engines through :data:`LIVE_DIR_ENV` for the length of
    the run; ``directory`` None: nobody can write it (a remote engine), phases show without counts.
    """

    def __init__(self, directory: str | None, display: RunDisplay, interval: float = 0.5) -> None:
        self.directory = directory
        self.display = display
        self.interval = interval
        self.phases: list[_Phase] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved_env: str | None = None

    def __enter__(self) -> "ProgressMonitor":
        if not self.display.enabled:
            self.directory = None  # nobody looks: workers need not count for the display
        if self.directory is not None:
            self._saved_env = os.environ.get(LIVE_DIR_ENV)
            os.environ[LIVE_DIR_ENV] = self.directory
        self.display.__enter__()
        if self.display.enabled:
            self._thread = threading.Thread(target=self._loop, name="thresher-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if exc[0] is None:
            self.end_phase()
        self._show()
        self.display.__exit__(*exc)
        if self.directory is not None:
            if self._saved_env is None:
                os.environ.pop(LIVE_DIR_ENV, None)
            else:
                os.environ[LIVE_DIR_ENV] = self._saved_env

    # -- what the driver tells ------------------------------------------------------------

    def start_phase(self, name: str, total: int | None = None) -> None:
        with self._lock:
            self._end_current()
            self.phases.append(_Phase(name, time.monotonic(), total=total, base=self._counts()))
        self._show()

    def set_stage(self, name: str) -> None:  # the driver's older name for it
        self.start_phase(name)

    def set_total(self, total: int | None) -> None:
        with self._lock:
            if self.phases:
                self.phases[-1].total = total

    def documents_plan(self, files_total: int, files_before: int, todo_bytes: int) -> None:
        """Phase A's size: every input file, those already committed, the bytes left to process."""
        with self._lock:
            if self.phases:
                phase = self.phases[-1]
                phase.files_total, phase.files_before, phase.todo_bytes = files_total, files_before, todo_bytes

    def expect_units(self, units: Iterable) -> None:
        """A pass's work units (``source``, ``count``): a file is done when its every unit is."""
        with self._lock:
            if self.phases:
                for unit in units:
                    self.phases[-1].units[unit.source] = unit.count

    def end_phase(self) -> None:
        with self._lock:
            self._end_current()

    def message(self, text: str) -> None:
        self.display.message(text)

    # -- figures ---------------------------------------------------------------------------

    def _end_current(self) -> None:
        if self.phases and self.phases[-1].ended is None:
            self.phases[-1].ended = time.monotonic()

    def _counts(self) -> Counter:
        return read_live_counts(self.directory) if self.directory is not None else Counter()

    def figures(self) -> list[PhaseFigures]:
        counts, now = self._counts(), time.monotonic()
        # Without workers' counts (a remote engine) a phase shows how long it runs, never a count of zero.
        live = _FIGURES if self.directory is not None else {}
        with self._lock:
            return [live.get(p.name, plain_figures)(p, counts, now) for p in self.phases]

    def _show(self) -> None:
        if self.display.enabled:
            self.display.show(self.figures())

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._show()


@contextmanager
def phase(monitor: ProgressMonitor, name: str, total: int | None = None) -> Iterator[None]:
    monitor.start_phase(name, total)
    yield
    monitor.end_phase()
