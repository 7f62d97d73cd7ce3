"""Per-stage distributions: Beam ``Metrics.distribution`` and its flat-counter form on every sink."""

from __future__ import annotations

import json

import apache_beam as beam
import pytest

from thresher.engines.beam.metrics import BeamStats, metric_counters
from thresher.stats import DictStats, distributions, merge


def test_merge_keeps_minima_and_maxima_and_sums_the_rest() -> None:
    a, b = DictStats(), DictStats()
    for value in (30, 10, 70):
        a.observe("extract/text_chars", value)
    b.observe("extract/text_chars", 100)
    b.observe("extract/text_chars", 5)
    a.inc("extract/kept", 3)
    b.inc("extract/kept", 2)
    merged = merge([a.counts, b.counts])
    assert merged["extract/kept"] == 5
    assert distributions(merged) == {
        "extract/text_chars": {"count": 5, "sum": 215, "min": 5, "max": 100, "mean": 43.0}
    }


class _Observe(beam.DoFn):
    def setup(self) -> None:
        self.stats = BeamStats()

    def process(self, value: int):
        self.stats.inc("demo/in")
        self.stats.observe("demo/value", value)
        yield value


def test_beam_distributions_come_back_as_flat_counters() -> None:
    with beam.Pipeline(runner="DirectRunner") as pipeline:
        _ = pipeline | beam.Create([4, 9, 1, 16]) | beam.ParDo(_Observe())
    counters = metric_counters(pipeline.result)
    assert counters["demo/in"] == 4
    assert distributions(counters)["demo/value"] == {"count": 4, "sum": 30, "min": 1, "max": 16, "mean": 7.5}


def test_sample_run_records_kept_lengths_per_stage(sample_run) -> None:
    _result, out = sample_run
    stats = json.loads((out / "stats.json").read_text())
    by_stage = {s["stage"]: s for s in stats["stages"]}
    for name in ("extract", "langid", "filters/gopher_repetition", "filters/gopher_quality"):
        stage = by_stage[name]
        lengths = stage["kept_text_chars"]
        # One observation per kept document, and the lengths add up to the characters kept.
        assert lengths["count"] == stage["kept"]
        assert lengths["sum"] == stage["chars_kept"]
        assert 0 < lengths["min"] <= lengths["mean"] <= lengths["max"]
    scores = stats["distributions"]["langid/score_permille"]
    assert scores["count"] == by_stage["langid"]["kept"]
    assert scores["min"] >= 650  # nothing under langid.threshold (0.65) is kept


@pytest.mark.parametrize("sink", ["dict", "spark"])
def test_every_sink_records_observations(sink: str) -> None:
    if sink == "spark":
        pytest.importorskip("pyspark")
        from thresher.engines.spark.stats import PartitionStats

        stats = PartitionStats()
    else:
        stats = DictStats()
    stats.observe("x", 3)
    stats.observe("x", 8)
    assert distributions(stats.counts)["x"] == {"count": 2, "sum": 11, "min": 3, "max": 8, "mean": 5.5}


def test_sample_run_records_tokens_per_document_and_the_token_estimate(sample_run) -> None:
    _result, out = sample_run
    stats = json.loads((out / "stats.json").read_text())
    tokens = stats["distributions"]["tokenize/document_tokens"]
    assert tokens["count"] == stats["kept_documents"]
    assert tokens["sum"] == stats["tokens"]
    ratio = stats["token_estimates"]["tokens_per_char"]
    assert ratio is not None and 0.05 < ratio < 1.0
    extract = next(s for s in stats["stages"] if s["stage"] == "extract")
    assert extract["tokens_kept_estimated"] == round(extract["chars_kept"] * ratio)


def test_report_shows_each_stage_length_distribution_as_stats_json_has_it(sample_run, tmp_path) -> None:
    from thresher.tools.report.html import write_report

    _result, out = sample_run
    stats = json.loads((out / "stats.json").read_text())
    page = open(write_report(str(out), str(tmp_path / "report.html")), encoding="utf-8").read()
    table = page[page.index('id="stage-lengths-table"'):]
    table = table[: table.index("</table>")]
    for stage in stats["stages"]:
        lengths = stage.get("kept_text_chars")
        if not lengths:
            assert f'data-stage="{stage["stage"]}"' not in table
            continue
        row = table[table.index(f'<tr data-stage="{stage["stage"]}">'):]
        row = row[: row.index("</tr>")]
        for key in ("count", "min", "mean", "max"):
            assert f'data-{key}="{lengths[key]}"' in row
