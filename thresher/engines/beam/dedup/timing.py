"""Busy and CPU time of the dedup steps, recorded per batch rather than per element.

:func:`thresher.stats.stage_timer` costs several microseconds a call (two
CPU-clock reads are system calls, plus two counter updates), more than many
dedup steps spend on an element. So :class:`TimedFlatMap` buffers a bundle's
elements and times their work in chunks: one timer per ``chunk`` outputs.

Only the step's own work is timed. In a fused Beam stage a yielded output is
processed by the downstream steps before the generator resumes, so outputs
are collected under the timer and yielded after it stops. Collecting at most
``chunk`` outputs at a time keeps memory bounded even for a group that
expands to millions of outputs (the work functions stream, and stay lazy).
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Callable, Iterable, Iterator

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput
from apache_beam.transforms.window import GlobalWindow, GlobalWindows
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from thresher.engines.beam.metrics import BeamStats
from thresher.stats import StatsSink, stage_timer

#: Elements buffered per bundle before their work runs, and outputs collected per timer.
BATCH = 256


def timed_chunks(stats: StatsSink, stage: str, outputs: Iterator[Any], chunk: int = BATCH) -> Iterator[Any]:
    """``outputs`` unchanged, the work of producing them timed as ``stage``, ``chunk`` outputs per timer."""
    while True:
        with stage_timer(stats, stage):
            produced = list(islice(outputs, chunk))
        yield from produced
        if len(produced) < chunk:
            return


def in_global_window(element: Any) -> Any:
    # finish_bundle has no input element to take a window from. Dedup is batch work in
    # the global window (require_global_window checks it), where that window and the
    # batch timestamp are what every element carries.
    if isinstance(element, TaggedOutput):
        return TaggedOutput(element.tag, WindowedValue(element.value, MIN_TIMESTAMP, _GLOBAL))
    return WindowedValue(element, MIN_TIMESTAMP, _GLOBAL)


_GLOBAL = (GlobalWindow(),)


def require_global_window(pcoll: beam.PCollection, transform: str) -> None:
    """Raise unless ``pcoll`` is in the global window: dedup groups a whole batch, never per window."""
    if not isinstance(pcoll.windowing.windowfn, GlobalWindows):
        raise ValueError(f"{transform} deduplicates a batch in the global window, got {pcoll.windowing.windowfn!r}")


class TimedDoFn(beam.DoFn):
    """Base of a timed step: subclasses define :meth:`work`; its time counts as ``<stage>/time_us``, ``/cpu_us``.

    ``work(element)`` returns the element's outputs (a generator or a
    sequence; :class:`~apache_beam.pvalue.TaggedOutput` allowed) and may count
    through ``self.stats``. It must not depend on batching, which only changes
    how often the clocks are read.

    ``process`` takes the element alone: a DoFn that asks for its window or
    timestamp takes Beam's slow invocation path, measured at about 10 us more
    per element than a plain ``beam.Map``. Outputs of a batch flushed in
    ``process`` carry the current element's window, the rest the global
    window (see :func:`require_global_window`).
    """

    def __init__(self, stage: str) -> None:
        self._stage = stage

    def setup(self) -> None:
        self.stats = BeamStats()

    def start_bundle(self) -> None:
        self._buffer: list[Any] = []

    def work(self, element: Any) -> Iterable[Any]:
        raise NotImplementedError

    def process(self, element: Any) -> Iterator[Any] | None:
        # A plain function, not a generator: most calls only buffer, and None means no output.
        buffer = self._buffer
        buffer.append(element)
        return self._flush() if len(buffer) >= BATCH else None

    def finish_bundle(self):
        for output in self._flush():
            yield in_global_window(output)

    def _flush(self) -> Iterator[Any]:
        buffer, self._buffer = self._buffer, []
        if buffer:
            outputs = (out for element in buffer for out in self.work(element))
            yield from timed_chunks(self.stats, self._stage, outputs)


class TimedFlatMap(TimedDoFn):
    """``beam.FlatMap(fn, **kwargs)``, timed as ``stage``."""

    def __init__(self, stage: str, fn: Callable[..., Iterable[Any]], **kwargs: Any) -> None:
        super().__init__(stage)
        self._fn = fn
        self._kwargs = kwargs

    def work(self, element: Any) -> Iterable[Any]:
        return self._fn(element, **self._kwargs)


class TimedMap(TimedFlatMap):
    """``beam.Map(fn, **kwargs)``, timed as ``stage``."""

    def work(self, element: Any) -> Iterable[Any]:
        return (self._fn(element, **self._kwargs),)
