"""Extraction with bounded cost: a pathological page is cut off, counted, and the next page goes on."""

from __future__ import annotations

import gzip
import json
import pickle
import threading
import time

import pytest

from thresher.errors import ConfigError
from thresher.stages.extract import (
    ExtractionBoundHit,
    ExtractionTimeout,
    ExtractionTooLarge,
    build_extractor,
)
from thresher.stages.extract import worker
from thresher.stages.extract.base import BoundedExtractor
from thresher.stages.extract.worker import ExtractorError

from extract_doubles import STALL, StallingTrafilatura

ARTICLE = (
    "<html><head><title>News</title></head><body><nav><a href='/'>Home</a></nav><article><h1>Harbour reopens</h1>"
    + "".join(
        f"<p>The old harbour reopened on Tuesday after {n} months of repairs, and the first boats came in "
        f"before noon while people watched from the pier and talked about the winter storm number {n}.</p>"
        for n in range(8)
    )
    + "</article><footer>Contact us</footer></body></html>"
)


@pytest.fixture(autouse=True, params=["exec", "fork"])
def child_start(request, monkeypatch):
    """Every test here on both ways a child starts: a fresh interpreter (Beam's and Spark's workers,
    which run threads) and a fork of this process (the local engine's one-thread workers)."""
    monkeypatch.setattr(worker, "FORK_CHILD", "never" if request.param == "exec" else "always")
    return request.param


def test_a_page_past_the_time_bound_is_cut_off_and_the_worker_restarts():
    # The page never finishes (a stall marker in the real worker): the bound must cut it off,
    # however loaded the machine. Ordinary pages get a generous bound, so load cannot hit it.
    bounded = StallingTrafilatura(timeout_s=60)
    try:
        assert "harbour reopened" in (bounded.extract(ARTICLE) or "")  # starts the worker
        bounded.timeout_s = 0.3
        with pytest.raises(ExtractionTimeout) as info:
            bounded.extract(STALL + ARTICLE)
        assert info.value.reason == "timeout"
        assert bounded._worker.proc is None  # killed and reaped
        bounded.timeout_s = 60
        # The killed worker is replaced and the next page extracts as before.
        assert "harbour reopened" in (bounded.extract(ARTICLE) or "")
        assert bounded._worker.starts == 2
    finally:
        bounded.close()


def test_size_cap_refuses_before_any_work():
    extractor = build_extractor("trafilatura", {"max_html_chars": 1000, "timeout_s": 5})
    with pytest.raises(ExtractionTooLarge) as info:
        extractor.extract("<p>" + "x" * 2000 + "</p>")
    assert info.value.reason == "html_too_large" and isinstance(info.value, ExtractionBoundHit)
    assert extractor._worker is None  # refused without starting a worker
    assert extractor.too_large("x" * 1001) and not extractor.too_large("x" * 1000)


class _MisbehavingExtractor(BoundedExtractor):
    """Test double run in the worker: raises, or allocates, on request."""

    name = "misbehaving"

    def inline_params(self):
        return {}

    def extract_inline(self, html: str, url: str = "") -> str | None:
        if html == "raise":
            raise ValueError("broken page")
        if html == "allocate":
            hog = bytearray(1 << 30)  # 1 GB, over the 200 MB cap below
            return str(len(hog))
        return html.upper()


def test_extractor_error_in_worker_is_reported_and_worker_survives():
    extractor = _MisbehavingExtractor(timeout_s=5, memory_limit_mb=200)
    try:
        assert extractor.extract("fine") == "FINE"
        with pytest.raises(ExtractorError, match="broken page"):
            extractor.extract("raise")
        assert extractor.extract("still fine") == "STILL FINE"
        assert extractor._worker.starts == 1
    finally:
        extractor.close()


def test_memory_limit_is_a_counted_bound():
    extractor = _MisbehavingExtractor(timeout_s=5, memory_limit_mb=200)
    try:
        with pytest.raises(ExtractionTooLarge) as info:
            extractor.extract("allocate")
        assert info.value.reason == "memory_limit"
        assert extractor.extract("after") == "AFTER"
    finally:
        extractor.close()


def test_extractor_pickles_without_its_worker():
    extractor = build_extractor("trafilatura", {"timeout_s": 2})
    try:
        extractor.extract(ARTICLE)
        clone = pickle.loads(pickle.dumps(extractor))
        assert clone._worker is None and clone.timeout_s == 2
        assert "harbour reopened" in (clone.extract_inline(ARTICLE) or "")
    finally:
        extractor.close()


def test_resiliparse_is_selectable_and_extracts_main_text():
    extractor = build_extractor("resiliparse", {"timeout_s": None})
    assert extractor.name == "resiliparse"
    text = extractor.extract(ARTICLE) or ""
    assert "harbour reopened on Tuesday" in text
    assert "Contact us" not in text  # the footer is boilerplate


def test_unknown_extractor_and_bad_params_are_config_errors():
    with pytest.raises(ConfigError, match="known: combined, trafilatura, resiliparse"):
        build_extractor("boilerpipe", {})
    with pytest.raises(ConfigError, match="extract.params"):
        build_extractor("resiliparse", {"no_such_option": 1})
    with pytest.raises(ConfigError, match="extract.params"):
        build_extractor("trafilatura", {"timeout_s": -1})


def test_bounded_and_inline_extraction_agree_on_real_pages(shared_data):
    folder = shared_data / "extract-scrapinghub-aeb"
    gold = json.loads((folder / "ground-truth.json").read_text())
    names = sorted(gold)[:3]
    inline = build_extractor("trafilatura", {"timeout_s": None})
    bounded = build_extractor("trafilatura", {"timeout_s": 30})
    try:
        for name in names:
            html = gzip.decompress((folder / "html" / f"{name}.html.gz").read_bytes()).decode("utf-8")
            assert bounded.extract(html, gold[name]["url"]) == inline.extract(html, gold[name]["url"])
    finally:
        bounded.close()


# --- the worker's CPU comes back to the caller ----------------------------------------------


class _Burner(BoundedExtractor):
    """Test double: spins its thread's CPU for the number of seconds the page names.

    ``burn:SECONDS:PATH`` spins that long, then creates the file PATH and
    blocks forever (using no more CPU).
    """

    name = "burner"

    def inline_params(self):
        return {}

    def extract_inline(self, html: str, url: str = "") -> str | None:
        if html == "warm up" or html.startswith("<html>"):  # the worker's start-up page
            return html
        marker = None
        if html.startswith("burn:"):
            _, seconds_text, marker = html.split(":", 2)
            seconds = float(seconds_text)
        else:
            seconds = float(html)
        # This thread's own CPU: inline, other threads of the test process must not shorten the burn.
        started = time.thread_time()
        while time.thread_time() - started < seconds:
            pass
        if marker is not None:
            with open(marker, "w"):
                pass
            threading.Event().wait()
        return html


def test_worker_reports_its_cpu_per_page_and_start_up(child_start):
    extractor = _Burner(timeout_s=10)
    reported: list[float] = []
    try:
        extractor.extract("0.3", child_cpu=reported.append)
        # Start-up first (a fresh interpreter's imports; a fork's warm-up page alone), then the page's own CPU.
        assert len(reported) == 2 and reported[0] > (0.01 if child_start == "exec" else 0)
        assert 0.3 <= reported[1] < 0.6
        parent_cpu = time.thread_time()
        extractor.extract("0.2", child_cpu=reported.append)
        assert len(reported) == 3 and 0.2 <= reported[2] < 0.5
        # The caller's own thread did not burn it: its CPU clock never sees the worker's work.
        assert time.thread_time() - parent_cpu < 0.1
    finally:
        extractor.close()


def test_cpu_of_a_page_killed_at_the_timeout_is_counted(tmp_path, monkeypatch):
    extractor = _Burner(timeout_s=5)
    reported: list[float] = []
    burnt = tmp_path / "burnt"
    try:
        extractor.extract("0", child_cpu=lambda s: None)  # started outside the measurement
        # An injected clock: the bound is hit once the page has burnt its 0.3 s of CPU, however
        # long that takes on a loaded machine (the clock stands still until then).
        monkeypatch.setattr(worker, "monotonic", lambda: float("inf") if burnt.exists() else 0.0)
        with pytest.raises(ExtractionTimeout):
            extractor.extract(f"burn:0.3:{burnt}", child_cpu=reported.append)
        # The child burnt, then blocked until killed: its CPU is read from the reaped process, not lost.
        assert len(reported) == 1 and 0.3 <= reported[0] < 1.0
        assert extractor._worker.proc is None
    finally:
        monkeypatch.undo()
        extractor.close()


def test_inline_extraction_reports_no_child_cpu():
    # Inline work runs on the caller's thread, whose own CPU clock counts it.
    extractor = _Burner(timeout_s=None)
    reported: list[float] = []
    parent_cpu = time.thread_time()
    assert extractor.extract("0.2", child_cpu=reported.append) == "0.2"
    assert reported == [] and time.thread_time() - parent_cpu >= 0.2
