"""The HTML run report: chart primitives, escaping, and the page's numbers on a hand-made run.

Fast: the run directory here is written by hand (stats.json through the real ``build_stats``),
no pipeline runs. ``tests/test_report_browser.py`` renders a real run in Chromium and reuses
:func:`parse_page` from this module.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from thresher.errors import ThresherError
from thresher.tools.report.charts import (
    Bar,
    format_number,
    histogram_bins,
    histogram_chart,
    horizontal_bar_chart,
    nice_ticks,
    value_ticks,
    vertical_bar_chart,
)
from thresher.tools.report.cli import add_report_parser
from thresher.bookkeeping.funnel import build_stats
from thresher.tools.report.html import write_report

# --- a minimal DOM reader (stdlib only), shared with the browser test -------------------------

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    #: ids of the enclosing elements, outermost first (the chart, table or section it is in).
    ancestor_ids: tuple[str, ...]
    text: str = ""


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def _ancestor_ids(self) -> tuple[str, ...]:
        return tuple(el.attrs["id"] for el in self._open if "id" in el.attrs)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self._ancestor_ids())
        self.elements.append(element)
        if tag not in VOID_TAGS:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}, self._ancestor_ids()))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data


def parse_page(page: str) -> list[Element]:
    parser = _PageParser()
    parser.feed(page)
    return parser.elements


def charts_by_id(elements: list[Element]) -> dict[str, list[Element]]:
    """Every ``svg.chart`` id → the elements drawn inside it."""
    ids = [el.attrs["id"] for el in elements if el.tag == "svg" and "chart" in el.attrs.get("class", "").split()]
    return {chart_id: [el for el in elements if chart_id in el.ancestor_ids] for chart_id in ids}


def bars(drawn: list[Element]) -> list[Element]:
    return [el for el in drawn if el.tag == "rect" and "bar" in el.attrs.get("class", "").split()]


def funnel_cells(elements: list[Element]) -> dict[str, dict[str, int]]:
    """stage → {"in", "kept", "dropped"} read from the funnel table's data attributes."""
    cells: dict[str, dict[str, int]] = {}
    for el in elements:
        if el.tag == "td" and "funnel-table" in el.ancestor_ids and "data-stage" in el.attrs:
            for field in ("in", "kept", "dropped"):
                if f"data-{field}" in el.attrs:
                    assert el.text.strip() == format_number(int(el.attrs[f"data-{field}"]))
                    cells.setdefault(el.attrs["data-stage"], {})[field] = int(el.attrs[f"data-{field}"])
    return cells


def expected_funnel(stats: dict) -> dict[str, dict[str, int]]:
    return {
        s["stage"]: {"in": s["in"], "kept": s["kept"], "dropped": sum(s["dropped"].values())}
        for s in stats["stages"]
    }


# --- chart primitives --------------------------------------------------------------------------


def test_nice_ticks_are_round_and_cover_the_maximum():
    assert nice_ticks(283) == [0, 100, 200, 300]
    assert nice_ticks(90) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0.9)[-1] >= 0.9
    assert nice_ticks(0) == [0.0, 1.0]


def test_counts_get_whole_number_ticks():
    svg = vertical_bar_chart([Bar("a", 1), Bar("b", 0)], chart_id="c", title="t", x_label="x", y_label="y")
    ticks = [el.text for el in parse_page(svg) if el.tag == "text" and el.attrs.get("class") == "tick"]
    assert ticks == ["0", "1"]
    assert value_ticks([3, 2]) == [0, 1, 2, 3] and value_ticks([0.3, 0.9])[-1] >= 0.9


def test_format_number_groups_thousands_and_trims_fractions():
    assert format_number(109100) == "109,100"
    assert format_number(0.28981) == "0.2898"
    assert format_number(10.091) == "10.09"


def test_horizontal_bars_are_proportional_and_missing_values_say_so():
    svg = horizontal_bar_chart(
        [Bar("a", 100), Bar("b", 50), Bar("c", None)], chart_id="chart-x", title="t", value_label="docs"
    )
    drawn = charts_by_id(parse_page(svg))["chart-x"]
    rects = bars(drawn)
    assert [r.attrs["data-label"] for r in rects] == ["a", "b"]
    width_a, width_b = (float(r.attrs["width"]) for r in rects)
    assert width_a == pytest.approx(2 * width_b, rel=0.01)
    texts = [el.text for el in drawn if el.tag == "text"]
    assert "not measured" in texts and "docs" in texts and "100" in texts


def test_estimate_bars_are_marked_and_explained_in_a_legend():
    svg = horizontal_bar_chart([Bar("s", 10, estimate=True)], chart_id="c", title="t", value_label="v")
    (rect,) = bars(parse_page(svg))
    assert "estimate" in rect.attrs["class"].split()
    assert "estimate (characters × final tokens per character)" in svg


def test_chart_labels_from_data_are_escaped():
    hostile = '<script>alert("x")</script>&'
    for svg in (
        horizontal_bar_chart([Bar(hostile, 1, data={"stage": hostile})], chart_id="c", title=hostile, value_label="v"),
        vertical_bar_chart([Bar(hostile, 1)], chart_id="c", title=hostile, x_label="x", y_label="y"),
    ):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        assert not [el for el in parse_page(svg) if el.tag == "script"]


def test_histogram_bins_hold_every_value_once():
    values = [418, 500, 777, 1722, 1722, 3018]
    bins, log_scale = histogram_bins(values)
    assert not log_scale
    assert sum(b.count for b in bins) == len(values)
    for value in values:
        assert sum(1 for b in bins if b.low <= value < b.high) == 1
    assert all(b.low < b.high for b in bins)


def test_histogram_switches_to_log_bins_for_heavy_tails():
    values = [10, 12, 50, 400, 100_000]
    bins, log_scale = histogram_bins(values)
    assert log_scale
    assert sum(b.count for b in bins) == len(values)
    widths = [b.high - b.low for b in bins]
    assert widths[-1] > 100 * widths[0]


def test_histogram_chart_draws_one_bar_per_bin_and_empty_input_keeps_the_id():
    bins, _ = histogram_bins([1, 2, 2, 3, 9])
    drawn = charts_by_id(parse_page(histogram_chart(bins, chart_id="h", title="t", x_label="x", y_label="y")))
    assert [int(r.attrs["data-value"]) for r in bars(drawn["h"])] == [b.count for b in bins]
    empty = parse_page(histogram_chart([], chart_id="h", title="t", x_label="x", y_label="y"))
    assert charts_by_id(empty) == {"h": [el for el in empty if "h" in el.ancestor_ids]}
    assert "chart-empty" in empty[0].attrs["class"]


# --- a hand-made run directory -----------------------------------------------------------------

HOSTILE_REASON = "<img src=x onerror=alert(1)>"
HOSTILE_URL = 'https://evil.example/"><script>alert(1)</script>'
HOSTILE_SNIPPET = '<script>alert("snippet")</script> & <b>bold</b>'

COUNTERS = {
    "read/records": 14,
    "read/forwarded": 12,
    "read/skipped/request": 2,
    "url_filter/in": 12,
    "url_filter/kept": 11,
    "url_filter/dropped/banned_url_word": 1,
    "extract/in": 11,
    "extract/kept": 10,
    "extract/dropped/no_main_text": 1,
    "extract/chars_kept": 2000,
    "extract/time_us": 1_500_000,
    "extract/cpu_us": 700_000,
    "filters/gopher_quality/in": 10,
    "filters/gopher_quality/kept": 8,
    f"filters/gopher_quality/dropped/{HOSTILE_REASON}": 2,
    "filters/gopher_quality/chars_in": 2000,
    "filters/gopher_quality/chars_kept": 1000,
    "filters/gopher_quality/time_us": 250_000,
    "filters/gopher_quality/cpu_us": 240_000,
    "dedup_exact/in": 8,
    "dedup_exact/kept": 4,
    "dedup_exact/dropped/exact_duplicate": 4,
    "tokenize/in": 4,
    "tokenize/kept": 4,
    "tokenize/time_us": 90_000,
    "tokenize/cpu_us": 160_000,  # the tokenizer computes on several threads: CPU can exceed busy time
    "shards/documents": 4,
    "shards/tokens": 100,
    "shards/time_us": 30_000,
    "shards/cpu_us": 20_000,
}
PHASES = {"documents": 3.5, "tokenizer": 0.75, "shards": 1.25}
TEXTS = ["a" * 50, "b" * 100, "c" * 150, "d" * 200]  # 500 characters → 0.2 tokens per character


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    stats = build_stats(COUNTERS, ["gopher_quality"], phases=PHASES, wall_seconds=6.0)
    (tmp_path / "stats.json").write_text(json.dumps(stats))
    shard = "shard-00000-of-00001.parquet"
    pq.write_table(
        pa.table({"id": ["1", "2", "3", "4"], "text": TEXTS, "token_count": pa.array([10, 20, 30, 40], pa.int32())}),
        tmp_path / shard,
    )
    manifest = {
        "schema_version": 1,
        "thresher_version": "0.1.0",
        "tokenizer": {"type": "byte-level-bpe", "vocab_size": 512},
        "totals": {"documents": 4, "tokens": 100},
        "languages": {"en": {"documents": 3, "tokens": 70}, "<b>xx</b>": {"documents": 1, "tokens": 30}},
        "shards": [{"name": shard, "rows": 4, "tokens": 100, "bytes": 1, "sha256": "ab" * 32}],
        "config": {"output": {"path": "<script>alert('cfg')</script>"}, "filters": [{"gopher_quality": {}}]},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    audit = {
        f"filters/gopher_quality/{HOSTILE_REASON}": [
            {"reason": "r", "url": HOSTILE_URL, "id": "x1", "source": "s.warc.gz", "offset": 7,
             "snippet": HOSTILE_SNIPPET, "signals": {"gopher_quality.n_words": 3.0}},
        ],
        "filters/gopher_quality/not_enough_stop_words": [
            {"reason": "r", "url": "https://a.example/", "id": "x2", "source": "s.warc.gz", "offset": 9,
             "snippet": "loan cheap", "signals": {"gopher_quality.n_words": 2.0, "gopher_quality.stop_words": 0.0}},
        ],
    }
    (tmp_path / "audit.json").write_text(json.dumps(audit))
    # Clusters: a ← b, c, and d (d duplicates b, itself removed): one cluster of 4; f ← e: one of 2.
    (tmp_path / "_work" / "duplicates").mkdir(parents=True)
    pq.write_table(
        pa.table({"id": ["b", "c", "d", "e"], "url": ["u"] * 4, "crawl_date": ["t"] * 4,
                  "duplicate_of": ["a", "a", "b", "f"]}),
        tmp_path / "_work" / "duplicates" / "part-00000-of-00001.parquet",
    )
    return tmp_path


def test_report_funnel_numbers_equal_stats_json(run_dir: Path):
    path = write_report(str(run_dir))
    assert path == str(run_dir / "report.html")
    stats = json.loads((run_dir / "stats.json").read_text())
    elements = parse_page(Path(path).read_text())
    assert funnel_cells(elements) == expected_funnel(stats)
    funnel_bars = bars(charts_by_id(elements)["chart-funnel-documents"])
    assert [int(b.attrs["data-value"]) for b in funnel_bars] == [12] + [s["kept"] for s in stats["stages"]]


def test_report_escapes_hostile_urls_snippets_reasons_and_config(run_dir: Path):
    page = Path(write_report(str(run_dir))).read_text()
    assert "<script" not in page.lower()
    assert "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;snippet&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    elements = parse_page(page)
    assert not [el for el in elements if el.tag in ("script", "img", "b", "iframe", "link")]
    snippets = [el.text for el in elements if el.tag == "pre" and "snippet" in el.attrs.get("class", "")]
    assert snippets == [HOSTILE_SNIPPET, "loan cheap"]
    urls = [el.text for el in elements if el.tag == "div" and el.attrs.get("class") == "url" and "audit" in el.ancestor_ids]
    assert urls == [HOSTILE_URL, "https://a.example/"]


def test_audit_samples_lead_with_the_signal_their_reason_names(run_dir: Path):
    elements = parse_page(Path(write_report(str(run_dir))).read_text())
    reasons = [el.attrs["data-reason"] for el in elements if "audit-reason" in el.attrs.get("class", "")]
    # Funnel order first; reasons stats.json does not list come after.
    assert reasons == [f"filters/gopher_quality/{HOSTILE_REASON}", "filters/gopher_quality/not_enough_stop_words"]
    headlines = [el.text for el in elements if el.tag == "summary"]
    assert headlines == ["1 signal", "gopher_quality.stop_words = 0"]


def test_report_is_self_contained(run_dir: Path):
    page = Path(write_report(str(run_dir))).read_text()
    elements = parse_page(page)
    for el in elements:
        for attr in ("src", "href", "xlink:href"):
            value = el.attrs.get(attr, "")
            assert not value or value.startswith("#"), f"<{el.tag} {attr}={value!r}> would load something"
    csp = [el for el in elements if el.tag == "meta" and el.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0].attrs["content"]


def test_token_funnel_is_an_estimate_from_characters(run_dir: Path):
    elements = parse_page(Path(write_report(str(run_dir))).read_text())
    estimates = {
        el.attrs["data-stage"]: int(el.attrs["data-estimated-tokens"])
        for el in elements if "data-estimated-tokens" in el.attrs
    }
    # chars_kept × 100 tokens / 500 characters.
    assert estimates == {"extract": 400, "filters/gopher_quality": 200}
    note = next(el for el in elements if el.attrs.get("id") == "tokens-estimate-note")
    assert note.text.startswith("ESTIMATE") and "0.2000 tokens per character" in note.text
    drawn = bars(charts_by_id(elements)["chart-funnel-tokens"])
    assert {b.attrs["data-stage"] for b in drawn if "estimate" in b.attrs["class"]} == set(estimates)
    counted = [b for b in drawn if "estimate" not in b.attrs["class"]]
    assert [(b.attrs["data-stage"], b.attrs["data-value"]) for b in counted] == [("shards", "100")]


def test_token_estimates_recorded_in_stats_json_are_the_ones_shown(run_dir: Path):
    # The tokenize stage counted its characters: stats.json estimates stage tokens itself.
    counters = dict(COUNTERS, **{"tokenize/chars": 400})  # 0.25 tokens per character
    stats = build_stats(counters, ["gopher_quality"])
    assert stats["token_estimates"]["estimated"] is True and stats["token_estimates"]["tokens_per_char"] == 0.25
    recorded = {s["stage"]: s["tokens_kept_estimated"] for s in stats["stages"] if "tokens_kept_estimated" in s}
    assert recorded == {"extract": 500, "filters/gopher_quality": 250}
    (run_dir / "stats.json").write_text(json.dumps(stats))
    elements = parse_page(Path(write_report(str(run_dir))).read_text())
    shown = {el.attrs["data-stage"]: int(el.attrs["data-estimated-tokens"])
             for el in elements if "data-estimated-tokens" in el.attrs}
    assert shown == recorded  # not the shards' 0.2 tokens per character
    note = next(el for el in elements if el.attrs.get("id") == "tokens-estimate-note")
    assert note.text.startswith("ESTIMATE") and "stats.json's own estimates" in note.text


def test_report_shows_clusters_languages_lengths_and_timings(run_dir: Path):
    elements = parse_page(Path(write_report(str(run_dir))).read_text())
    charts = charts_by_id(elements)
    clusters = {int(b.attrs["data-size"]): int(b.attrs["data-value"]) for b in bars(charts["chart-dedup-clusters"])}
    assert clusters == {2: 1, 4: 1}
    languages = {b.attrs["data-language"]: int(b.attrs["data-value"]) for b in bars(charts["chart-languages-tokens"])}
    assert languages == {"en": 70, "<b>xx</b>": 30}
    assert sum(int(b.attrs["data-value"]) for b in bars(charts["chart-length-characters"])) == len(TEXTS)
    assert sum(int(b.attrs["data-value"]) for b in bars(charts["chart-length-tokens"])) == len(TEXTS)


def timing_numbers(elements) -> dict[str, dict[str, dict[str, float]]]:
    """What the page shows per timed stage and phase: chart bars and table cells, as numbers."""
    charts = charts_by_id(elements)
    shown = {
        chart: {b.attrs["data-stage"]: float(b.attrs["data-value"]) for b in bars(charts[chart])}
        for chart in ("chart-timings-busy", "chart-timings-cpu")
    }
    shown["phase-bars"] = {b.attrs["data-phase"]: float(b.attrs["data-value"])
                           for b in bars(charts["chart-timings-phases"])}
    for key in ("busy-seconds", "cpu-seconds"):
        shown[key] = {el.attrs["data-stage"]: float(el.attrs[f"data-{key}"])
                      for el in elements if f"data-{key}" in el.attrs and "timings-table" in el.ancestor_ids}
    shown["phase-cells"] = {el.attrs["data-phase"]: float(el.attrs["data-wall-seconds"])
                            for el in elements if el.tag == "td" and "data-wall-seconds" in el.attrs}
    return shown


def expected_timings(stats: dict) -> dict[str, dict[str, float]]:
    """The same, from stats.json: one bar and one row per timed stage, one per phase."""
    rows = stats["timings"]["stages"]
    busy = {r["stage"]: r["busy_seconds"] for r in rows if "busy_seconds" in r}
    cpu = {r["stage"]: r["cpu_seconds"] for r in rows if "cpu_seconds" in r}
    phases = stats["timings"]["phases"]
    return {"chart-timings-busy": busy, "chart-timings-cpu": cpu, "phase-bars": phases,
            "busy-seconds": busy, "cpu-seconds": cpu, "phase-cells": phases}


def test_timings_show_busy_and_cpu_seconds_of_every_timed_stage_and_the_phases(run_dir: Path):
    elements = parse_page(Path(write_report(str(run_dir))).read_text())
    stats = json.loads((run_dir / "stats.json").read_text())
    assert timing_numbers(elements) == expected_timings(stats)
    # Every timed stage, the ones outside the document funnel included, in pipeline order.
    assert list(timing_numbers(elements)["chart-timings-cpu"]) == [
        "extract", "filters/gopher_quality", "tokenize", "shards"
    ]
    assert timing_numbers(elements)["chart-timings-cpu"]["extract"] == 0.7
    wall = next(el for el in elements if el.attrs.get("id") == "wall-time")
    assert wall.attrs["data-wall-seconds"] == "6.0" and "6 s" in wall.text
    cells = [el.text for el in elements if el.tag == "td" and "timings-table" in el.ancestor_ids]
    assert cells[:4] == ["extract", "1.5", "0.7", "46.7%"]  # CPU well under busy: the stage waited
    note = next(el.text for el in elements if el.tag == "p" and "timings" in el.ancestor_ids and "Busy:" in el.text)
    assert "Not timed: url_filter, dedup_exact." in note


def test_timings_of_an_older_stats_json_are_shown_as_busy_time(run_dir: Path):
    # Before stats.json had "timings", a stage's "cpu_seconds" was its busy wall time.
    stats = json.loads((run_dir / "stats.json").read_text())
    del stats["timings"]
    for stage in stats["stages"]:
        if "busy_seconds" in stage:
            stage["cpu_seconds"] = stage.pop("busy_seconds")
    (run_dir / "stats.json").write_text(json.dumps(stats))
    elements = parse_page(Path(write_report(str(run_dir))).read_text())
    charts = charts_by_id(elements)
    busy = {b.attrs["data-stage"]: float(b.attrs["data-value"]) for b in bars(charts["chart-timings-busy"])}
    assert busy == {"extract": 1.5, "filters/gopher_quality": 0.25}
    assert not bars(charts["chart-timings-cpu"])  # nothing is claimed as CPU time
    assert "records no wall time per phase" in Path(run_dir / "report.html").read_text()


def test_without_text_in_the_shards_characters_come_from_the_documents_table(run_dir: Path):
    shard = run_dir / "shard-00000-of-00001.parquet"
    pq.write_table(pq.read_table(shard).drop_columns(["text"]), shard)
    page = Path(write_report(str(run_dir))).read_text()
    assert "no tokens-per-character ratio" in page and "chart-length-characters" not in page
    documents = run_dir / "_work" / "documents"
    documents.mkdir(parents=True)
    pq.write_table(pa.table({"id": ["1", "2", "3", "4"], "text": TEXTS}), documents / "part-00000-of-00001.parquet")
    elements = parse_page(Path(write_report(str(run_dir))).read_text())
    estimates = {el.attrs["data-stage"]: el.attrs["data-estimated-tokens"]
                 for el in elements if "data-estimated-tokens" in el.attrs}
    assert estimates == {"extract": "400", "filters/gopher_quality": "200"}
    assert "chart-length-characters" in charts_by_id(elements)


def test_optional_inputs_missing_are_explained_not_fatal(run_dir: Path):
    (run_dir / "audit.json").unlink()
    for path in (run_dir / "_work" / "duplicates").iterdir():
        path.unlink()
    page = Path(write_report(str(run_dir), str(run_dir / "out" / "r.html"))).read_text()
    assert "No audit.json in this run" in page
    assert "No _work/duplicates table" in page
    assert "chart-dedup-clusters" not in page


def test_missing_or_invalid_run_dir_is_a_thresher_error(tmp_path: Path):
    with pytest.raises(ThresherError, match="does not exist"):
        write_report(str(tmp_path / "nowhere"))
    with pytest.raises(ThresherError, match="stats.json not found"):
        write_report(str(tmp_path))
    (tmp_path / "stats.json").write_text("{not json")
    with pytest.raises(ThresherError, match="cannot read"):
        write_report(str(tmp_path))
    assert not (tmp_path / "report.html").exists()


# --- the command line --------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thresher")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def test_cli_writes_the_report_and_returns_zero(run_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "elsewhere" / "page.html"
    args = _parser().parse_args(["report", str(run_dir), "--output", str(out)])
    assert args.func(args) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert f"wrote {out}" in capsys.readouterr().out


def test_cli_help_and_missing_run_dir(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["report", "--help"])
    assert exited.value.code == 0
    assert "RUN_DIR" in capsys.readouterr().out
    args = _parser().parse_args(["report", str(tmp_path / "missing")])
    with pytest.raises(ThresherError):
        args.func(args)
