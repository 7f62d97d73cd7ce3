"""The progress figures and their display: what is counted, how it is drawn, at any width.

The figures come from counter names the stages and phase A use (engine-neutral); the ETA
follows bytes *processed*; a file is done when every one of its work units is.
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter

import pytest
from rich.console import Console

from thresher.bookkeeping.display import PhaseFigures, RunDisplay, _Bars, display_mode, plain_line
from thresher.bookkeeping.progress import (
    UNIT_DONE,
    ProgressMonitor,
    ProgressReporter,
    _Phase,
    dedup_figures,
    documents_figures,
    shards_figures,
)
from thresher.io.live_counts import LIVE_DIR_ENV, LiveCounts, LiveStats, read_live_counts
from thresher.run.results import WorkUnit
from thresher.stats import DictStats

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def _documents_phase(started: float = 0.0) -> _Phase:
    phase = _Phase("documents", started, files_total=3, files_before=1, todo_bytes=1000)
    phase.units = {"a.warc.gz": 2, "b.warc.gz": 1}
    return phase


def test_documents_eta_follows_bytes_processed_and_files_need_every_unit():
    counts = Counter({"pages": 100, "kept": 70, "dropped": 30, "bytes": 250, UNIT_DONE + "a.warc.gz": 1,
                      UNIT_DONE + "b.warc.gz": 1})
    figures = documents_figures(_documents_phase(), counts, now=10.0)
    assert figures.headline == "files 2/3"  # b is done, a has one of its two units; one was done before
    assert figures.fraction == pytest.approx(0.25)
    assert figures.eta == pytest.approx(30.0)  # 750 bytes left at 25 bytes/s
    assert figures.details == ["100 pages (10/s)", "kept 70", "dropped 30"]
    counts[UNIT_DONE + "a.warc.gz"] = 2
    assert documents_figures(_documents_phase(), counts, now=10.0).headline == "files 3/3"


def test_nothing_processed_yet_means_no_eta():
    figures = documents_figures(_documents_phase(), Counter(), now=5.0)
    assert figures.eta is None and figures.fraction == 0.0
    assert "ETA ?" in plain_line(figures)


def test_dedup_shows_documents_decided_and_the_round_that_runs():
    phase = _Phase("dedup", 0.0, total=100)
    counts = Counter({"dedup_url/in": 60, "dedup_exact/in": 55, "dedup_url/dropped/duplicate_url": 5,
                      "step/MinHash.Components.Round3.LargeStar": 12, "step/MinHash.Components.Round1.LargeStar": 40})
    figures = dedup_figures(phase, counts, now=4.0)
    assert figures.headline == "documents 60/100"
    assert figures.details == ["MinHash round 3", "removed 5"]


def test_shards_count_only_this_phase():
    phase = _Phase("shards", 0.0, total=50, base=Counter({"tokenize/in": 7}))
    figures = shards_figures(phase, Counter({"tokenize/in": 27, "shards/written": 1}), now=2.0)
    assert figures.headline == "documents 20/50"
    assert figures.details[0] == "shards written 1"


def _long_figures() -> list[PhaseFigures]:
    return [
        PhaseFigures("documents", done=40, total=100, headline="files 12,345/99,999",
                     details=["123,456,789 pages (12,345/s)", "kept 99,999,999", "dropped 88,888,888"], eta=3725),
        PhaseFigures("dedup", done=0, total=None, elapsed=12.0, details=["MinHash round 17", "removed 1,234,567"]),
        PhaseFigures("tokenizer", finished=True, elapsed=61.0),
    ]


@pytest.mark.parametrize("width", [40, 80, 200])
def test_live_bars_never_exceed_the_terminal_width(width):
    out = io.StringIO()
    display = RunDisplay("live", out)
    display.console = Console(file=out, width=width, force_terminal=True)
    display.show(_long_figures())
    display.console.print(_Bars(display))
    lines = _ESCAPES.sub("", out.getvalue()).splitlines()
    assert len(lines) == 5  # a bar and a detail line per phase; a finished phase with no details: its bar
    assert max(len(line) for line in lines) <= width
    assert lines[0].startswith("documents ") and "40% ETA 1h02m" in lines[0]
    if width >= 80:
        assert "files 12,345/99,999" in lines[1]


def test_plain_lines_go_out_when_a_phase_ends_and_at_intervals():
    out = io.StringIO()
    display = RunDisplay("plain", out, interval=0.0)
    running = PhaseFigures("documents", done=1, total=4, headline="files 0/2", details=["9 pages (3/s)"], eta=9)
    display.show([running])  # the first line waits one interval
    display.show([running])
    done = PhaseFigures("documents", done=4, total=4, headline="files 2/2", finished=True, elapsed=12)
    display.show([done])
    display.show([done])  # a finished phase is told once
    assert out.getvalue().splitlines() == [
        "thresher: documents 25% | files 0/2 | 9 pages (3/s) | ETA 9s",
        "thresher: documents done in 12s | files 2/2",
    ]


def test_modes():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert display_mode(None, Tty()) == "live"
    assert display_mode(None, io.StringIO()) == "plain"
    assert display_mode(False, Tty()) == "off"
    assert not RunDisplay("off").enabled


def test_worker_counts_reach_the_driver_and_the_engine_sink_keeps_its_own(tmp_path):
    sink = DictStats()
    stats = LiveStats(sink, LiveCounts(str(tmp_path), interval=3600))
    stats.inc("dedup_url/in", 3)
    stats.elements("Step", 2)
    stats.flush()
    reporter = ProgressReporter(str(tmp_path))
    reporter.page_done(True, 100)
    reporter.page_done(False, 50)
    reporter.unit_done("a.warc.gz", 7)
    counts = read_live_counts(str(tmp_path))
    assert counts == Counter({"dedup_url/in": 3, "step/Step": 2, "pages": 2, "kept": 1, "dropped": 1,
                              "bytes": 157, UNIT_DONE + "a.warc.gz": 1})
    assert sink.counts == Counter({"dedup_url/in": 3})  # stats.json's counters: only what the steps counted


def test_the_monitor_names_its_directory_to_the_engines_for_the_run_only(tmp_path, monkeypatch):
    monkeypatch.delenv(LIVE_DIR_ENV, raising=False)
    out = io.StringIO()
    with ProgressMonitor(str(tmp_path), RunDisplay("plain", out, interval=3600)) as monitor:
        assert os.environ[LIVE_DIR_ENV] == str(tmp_path)
        monitor.start_phase("documents")
        monitor.documents_plan(1, 0, 10)
        monitor.expect_units([WorkUnit("a.warc.gz", 0, 1)])
        ProgressReporter(str(tmp_path)).unit_done("a.warc.gz", 10)
    assert LIVE_DIR_ENV not in os.environ
    assert out.getvalue().startswith("thresher: documents done in ")
    assert "files 1/1" in out.getvalue()


def test_without_workers_counts_a_phase_shows_its_time_not_zero_counts():
    out = io.StringIO()
    with ProgressMonitor(None, RunDisplay("plain", out, interval=3600)) as monitor:
        monitor.start_phase("documents")
        monitor.documents_plan(2, 0, 10)
    assert out.getvalue().startswith("thresher: documents done in ")
    assert "files" not in out.getvalue() and "pages" not in out.getvalue()


def test_a_quiet_run_asks_workers_for_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(LIVE_DIR_ENV, raising=False)
    with ProgressMonitor(str(tmp_path), RunDisplay("off")):
        assert LIVE_DIR_ENV not in os.environ


@pytest.mark.parametrize("engine_name", ["beam2", "spark", "inprocess", "local"])
def test_engines_mirror_their_counters_live_from_worker_processes(engine_name, tmp_path, monkeypatch):
    from flows import open_test_engine

    from thresher.engines.base import MapStep

    engine = open_test_engine(engine_name)
    live = tmp_path / "live"
    monkeypatch.setenv(LIVE_DIR_ENV, str(live))  # as the driver's monitor names it

    def build(flow):
        pairs = flow.apply("Pairs", flow.create("Dicts", [{"a": 1, "b": 2}, {"c": 3}]), MapStep(dict.items))
        flow.apply("Keys", flow.group("Group", pairs), MapStep(tuple))  # read: Spark runs what is read

    counters = engine.run("live", build)
    counts = read_live_counts(str(live))
    assert counters["shuffle/elements"] == 3
    assert counts["shuffle/elements"] == 3  # what the engine's own counters say, seen while it ran
    assert counts["step/Pairs"] == 2
