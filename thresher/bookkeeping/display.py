"""What the terminal shows while a run runs.

Three modes, one interface (:class:`RunDisplay`):

- ``live`` (stderr is a terminal): one bar per phase, drawn with ``rich`` and redrawn in
  place, every line cut to the terminal's width. Messages (:meth:`RunDisplay.message`, and
  anything written to ``sys.stderr`` meanwhile) are printed above the bars, never over them.
- ``plain`` (stderr is a file or a pipe): a line per phase every ``interval`` seconds and
  one when the phase ends, e.g. ``thresher: documents 45% | files 3/10 | ... | ETA 1m20s``.
- ``off`` (``--quiet``): nothing.

It shows :class:`PhaseFigures` (made by :mod:`thresher.bookkeeping.progress`) and knows nothing of engines.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Sequence, TextIO


@dataclass
class PhaseFigures:
    """One phase as the display shows it: a bar (``done`` of ``total``), a headline and details."""

    name: str
    done: int = 0
    #: None: the phase's size is unknown (a spinner instead of a bar).
    total: int | None = None
    #: The phase's main count, e.g. ``files 3/10``.
    headline: str = ""
    details: list[str] = field(default_factory=list)
    eta: float | None = None
    elapsed: float = 0.0
    finished: bool = False

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(self.done / self.total, 1.0)


#: Seconds between two plain progress lines of the same phase.
PLAIN_INTERVAL = 10.0
_NAME_WIDTH = 10


def display_mode(enabled: bool | None, stream: TextIO) -> str:
    """``enabled`` None: live on a terminal, plain lines otherwise; False: off."""
    if enabled is False:
        return "off"
    isatty = getattr(stream, "isatty", None)
    return "live" if isatty is not None and isatty() else "plain"


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def plain_line(figures: PhaseFigures) -> str:
    """One phase as one line of plain text."""
    parts = [figures.name]
    if figures.finished:
        parts[0] += f" done in {format_seconds(figures.elapsed)}"
    elif figures.fraction is not None:
        parts[0] += f" {figures.fraction:.0%}"
    else:
        parts[0] += f" running {format_seconds(figures.elapsed)}"
    if figures.headline:
        parts.append(figures.headline)
    parts.extend(figures.details)
    if not figures.finished and figures.fraction is not None:
        parts.append(f"ETA {format_seconds(figures.eta)}")
    return "thresher: " + " | ".join(parts)


class RunDisplay:
    """Shows phase figures as live bars, plain lines or nothing (see the module's description)."""

    def __init__(self, mode: str, stream: TextIO | None = None, interval: float = PLAIN_INTERVAL) -> None:
        self.mode = mode
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._figures: list[PhaseFigures] = []
        self._printed: dict[str, float] = {}  # plain: when each phase's last line went out
        self._finished: set[str] = set()
        self._lock = threading.Lock()
        self._live = None

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def __enter__(self) -> "RunDisplay":
        if self.mode == "live":
            from rich.console import Console
            from rich.live import Live

            self.console = Console(file=self.stream, force_terminal=True, highlight=False)
            self._fit_width()
            # Whatever else writes to sys.stderr (or to stdout on the same terminal) meanwhile
            # lands above the bars, never on them.
            stdout_too = bool(getattr(sys.stdout, "isatty", lambda: False)())
            self._live = Live(_Bars(self), console=self.console, refresh_per_second=4,
                              redirect_stdout=stdout_too, redirect_stderr=True, transient=False)
            self._live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.stop()
            self._live = None

    def show(self, figures: Sequence[PhaseFigures]) -> None:
        with self._lock:  # the monitor's thread and the driver both show: one line at a time
            self._figures = list(figures)
            if self.mode == "plain":
                self._plain(figures)

    def message(self, text: str) -> None:
        if self.mode == "live" and self._live is not None:
            self.console.print(text, markup=False, highlight=False, soft_wrap=False, overflow="fold")
        elif self.mode != "off":
            print(text, file=self.stream, flush=True)

    def _plain(self, figures: Sequence[PhaseFigures]) -> None:
        now = time.monotonic()
        for fig in figures:
            if fig.name in self._finished:
                continue
            last = self._printed.get(fig.name)
            if fig.finished or last is None or now - last >= self.interval:
                if fig.finished:
                    self._finished.add(fig.name)
                elif last is None:
                    self._printed[fig.name] = now  # the first line after one interval
                    continue
                self._printed[fig.name] = now
                print(plain_line(fig), file=self.stream, flush=True)

    def _fit_width(self) -> None:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            return
        if columns > 0:
            self.console.width = columns

    def rows(self):
        """The renderables of the bars (rich), one phase after another."""
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        self._fit_width()
        with self._lock:
            figures = list(self._figures)
        for fig in figures:
            grid = Table.grid(padding=(0, 1), expand=True)
            grid.add_column(width=_NAME_WIDTH, no_wrap=True)
            grid.add_column(ratio=1, no_wrap=True)
            grid.add_column(no_wrap=True, justify="right")
            if fig.finished:
                status = Text(f"done {format_seconds(fig.elapsed)}", style="green")
                bar = ProgressBar(total=1, completed=1)
            elif fig.fraction is None:
                status = Text(f"{format_seconds(fig.elapsed)}")
                bar = ProgressBar(total=None)
            else:
                status = Text(f"{fig.fraction:4.0%} ETA {format_seconds(fig.eta)}")
                bar = ProgressBar(total=1000, completed=int(fig.fraction * 1000))
            grid.add_row(Text(fig.name, style="bold"), bar, status)
            yield grid
            line = "  ".join(([fig.headline] if fig.headline else []) + fig.details)
            if line:
                yield Text(" " * (_NAME_WIDTH + 1) + line, no_wrap=True, overflow="ellipsis", end="\n")


class _Bars:
    """A renderable that asks the display for its rows on each refresh."""

    def __init__(self, display: RunDisplay) -> None:
        self.display = display

    def __rich_console__(self, console, options):
        yield from self.display.rows()
