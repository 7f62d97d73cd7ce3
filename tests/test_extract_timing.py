"""Phase A's stage timing: busy wall time and CPU per stage, with the extraction worker's CPU counted."""

from __future__ import annotations

import itertools
import os
import time

import pytest

from thresher.io.inputs import iter_input
from thresher.config import bundled_sample_path, config_from_dict
from thresher.run.pages import PageProcessor
from thresher.run.plan import page_plan
from thresher.stats import DictStats, NullStats

PAGES = 12
# /proc reports CPU in clock ticks; two readings can each be off by one.
TICK_S = 2 / os.sysconf("SC_CLK_TCK")


def _pages(n: int = PAGES) -> list:
    return list(itertools.islice(iter_input(bundled_sample_path(), NullStats()), n))


def _process_cpu_s(pid: int) -> float:
    """User + system CPU of a live process, from /proc (it is still running: no rusage yet)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(timeout_s: float | None) -> tuple[DictStats, PageProcessor, float]:
    config = config_from_dict({"extract": {"params": {"timeout_s": timeout_s}}})
    processor = PageProcessor(page_plan(config))
    processor.setup()
    stats = DictStats()
    pages = _pages()
    thread_cpu = time.thread_time()
    for page in pages:
        processor.process(page, stats)
    return stats, processor, time.thread_time() - thread_cpu


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads a process's CPU from /proc")
def test_extract_cpu_is_the_workers_cpu_plus_the_callers():
    stats, processor, caller_cpu = _run(timeout_s=30)
    try:
        child = processor.extractor._worker.proc
        child_cpu = _process_cpu_s(child.pid)
    finally:
        processor.close()
    extract_cpu = stats["extract/cpu_us"] / 1e6
    assert stats["extract/in"] == PAGES and child_cpu > 0.1  # the worker did the extraction (and started)
    # Everything the worker used (start-up included) is counted, plus at most what this thread used.
    assert child_cpu - TICK_S <= extract_cpu <= child_cpu + caller_cpu + TICK_S
    # Busy time is wall time: it covers the worker's CPU, since the caller waited for it.
    assert stats["extract/time_us"] / 1e6 >= child_cpu - TICK_S


def test_inline_extraction_is_counted_on_the_callers_thread():
    stats, processor, caller_cpu = _run(timeout_s=None)
    assert processor.extractor._worker is None
    extract_cpu = stats["extract/cpu_us"] / 1e6
    assert 0 < extract_cpu <= caller_cpu
    assert stats["extract/cpu_us"] <= stats["extract/time_us"] * 1.05 + 10_000


def test_every_phase_a_stage_records_busy_and_cpu_time():
    stats, _processor, caller_cpu = _run(timeout_s=None)
    timed = sorted(name[: -len("/cpu_us")] for name in stats.counts if name.endswith("/cpu_us"))
    assert timed == ["extract", "filters/gopher_quality", "filters/gopher_repetition", "langid"]
    for stage in timed:
        busy, cpu = stats[f"{stage}/time_us"], stats[f"{stage}/cpu_us"]
        # One thread's CPU never exceeds the wall time it ran in (clock granularity aside).
        assert 0 < cpu <= busy * 1.05 + 10_000, stage
    assert sum(stats[f"{s}/cpu_us"] for s in timed) / 1e6 <= caller_cpu + 0.01
