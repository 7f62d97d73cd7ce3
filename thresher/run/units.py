"""Work units: phase A's input files cut into byte ranges, so that workers share a large file.

A unit is one range of one file (:class:`~thresher.run.results.WorkUnit`); each worker reads its
own unit (no page ever travels through a shuffle). Ranges are about ``runner.unit_bytes`` each, or
smaller when the input is small: every range at most a ``2 x parallelism``-th of the input (never
below :data:`MIN_UNIT_BYTES`), so every worker has a fair share of the work. Which records a unit reads is
decided by the reader (:func:`thresher.io.inputs.iter_input` with a byte range): a file that
cannot be split is read whole by its first unit. The plan never changes a result, only who reads
what: reading a file in ranges gives exactly what reading it whole gives.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from thresher.io import storage
from thresher.run.results import WorkUnit

#: Ranges are never cut smaller than this to keep workers busy (a few hundred pages of a crawl).
MIN_UNIT_BYTES = 256 * 1024


def file_sizes(files: Sequence[str], storage_options: Mapping | None = None) -> dict[str, int]:
    """Each file's size in bytes (0 when it cannot be asked: its unit then reads it whole, or counts why not)."""
    sizes = {}
    for path in files:
        try:
            fs, remote = storage.filesystem(path, storage_options)
            sizes[path] = int(fs.size(remote) or 0)
        except Exception:  # noqa: BLE001 - a missing or unreadable file is counted by the reader
            sizes[path] = 0
    return sizes


def plan_units(
    files: Sequence[str], sizes: Mapping[str, int], unit_bytes: int, parallelism: int,
    min_unit_bytes: int = MIN_UNIT_BYTES,
) -> list[WorkUnit]:
    """The units of ``files``: ranges of about ``unit_bytes``, smaller when the input is small, so that
    the work spreads over at least ``2 x parallelism`` units of about equal size (never below
    ``min_unit_bytes``). A function of its arguments only."""
    total = sum(sizes.get(path, 0) for path in files)
    target = min(unit_bytes, max(min_unit_bytes, math.ceil(total / (2 * max(parallelism, 1)))))
    units = []
    for path in files:
        size = sizes.get(path, 0)
        n = max(1, math.ceil(size / target))
        starts = [index * size // n for index in range(n)]
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < n else None
            units.append(WorkUnit(source=path, index=index, count=n, start=start, end=end))
    return units
