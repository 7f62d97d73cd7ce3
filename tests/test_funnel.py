"""stats.json: the funnel follows stage order and the identity detects a lost record."""

from __future__ import annotations

import re

from thresher.bookkeeping.funnel import build_stats, format_funnel

COUNTERS = {
    "read/records": 20,
    "read/forwarded": 12,
    "read/skipped/request": 6,
    "read/error/corrupt_compression": 2,
    "url_filter/in": 12,
    "url_filter/kept": 11,
    "url_filter/dropped/banned_url_word": 1,
    "extract/in": 11,
    "extract/kept": 10,
    "extract/dropped/no_main_text": 1,
    "filters/gopher_quality/in": 10,
    "filters/gopher_quality/kept": 8,
    "filters/gopher_quality/dropped/gopher_short_doc": 2,
    "dedup_exact/in": 8,
    "dedup_exact/kept": 7,
    "dedup_exact/dropped/exact_duplicate": 1,
    "shards/documents": 7,
    "shards/tokens": 700,
}


def test_identity_holds_and_stages_are_ordered():
    stats = build_stats(COUNTERS, ["gopher_quality"])
    assert [s["stage"] for s in stats["stages"]] == [
        "url_filter", "extract", "filters/gopher_quality", "dedup_exact"
    ]
    ident = stats["identity"]
    assert (ident["kept"], ident["dropped"], ident["skipped"], ident["errors"]) == (7, 5, 6, 2)
    assert ident["holds"]
    assert "identity: read 20 = kept 7 + dropped 5 + skipped 6 + errors 2: holds" in format_funnel(stats)


def test_identity_breaks_when_a_record_is_lost():
    lost = dict(COUNTERS, **{"shards/documents": 6})
    stats = build_stats(lost, ["gopher_quality"])
    assert not stats["identity"]["holds"]
    assert "BROKEN" in format_funnel(stats)


TIMED = dict(
    COUNTERS,
    **{
        "extract/time_us": 2_000_000, "extract/cpu_us": 1_250_000,
        "filters/gopher_quality/time_us": 300_000, "filters/gopher_quality/cpu_us": 290_000,
        "dedup_exact/time_us": 40_000, "dedup_exact/cpu_us": 35_000,
        "tokenize/in": 7, "tokenize/kept": 7, "tokenize/time_us": 500_000, "tokenize/cpu_us": 900_000,
        "shards/time_us": 120_000,
        "extract/chars_kept": 4000, "tokenize/chars": 2800,
    },
)


def test_every_timed_stage_gets_busy_and_cpu_seconds_in_pipeline_order():
    stats = build_stats(TIMED, ["gopher_quality"], phases={"documents": 12.5, "tokenizer": 1.0, "shards": 3.25})
    timings = stats["timings"]
    assert timings["stages"] == [
        {"stage": "extract", "busy_seconds": 2.0, "cpu_seconds": 1.25},
        {"stage": "filters/gopher_quality", "busy_seconds": 0.3, "cpu_seconds": 0.29},
        {"stage": "dedup_exact", "busy_seconds": 0.04, "cpu_seconds": 0.035},
        {"stage": "tokenize", "busy_seconds": 0.5, "cpu_seconds": 0.9},
        {"stage": "shards", "busy_seconds": 0.12},  # CPU not measured: not invented
    ]
    assert timings["phases"] == {"documents": 12.5, "tokenizer": 1.0, "shards": 3.25}
    assert set(timings["meaning"]) == {"busy_seconds", "cpu_seconds", "phases"}
    # The funnel's stages carry the same figures; "cpu_seconds" is CPU, no longer busy time.
    extract = next(s for s in stats["stages"] if s["stage"] == "extract")
    assert (extract["busy_seconds"], extract["cpu_seconds"]) == (2.0, 1.25)
    assert "busy_seconds" not in stats["stages"][0]  # the URL filter is not timed
    text = format_funnel(stats)
    # Columns widen to the longest stage name; the figures sit in them.
    assert re.search(r"^  extract +2\.00 +1\.25$", text, re.M)
    assert re.search(r"^  shards +0\.12 +-$", text, re.M)
    assert "wall time per phase     documents 12.5 s, tokenizer 1.0 s, shards 3.2 s" in text


def test_stage_tokens_are_labelled_estimates_with_their_method():
    stats = build_stats(TIMED, ["gopher_quality"])
    estimates = stats["token_estimates"]
    assert estimates["estimated"] is True and estimates["tokens_per_char"] == 0.25  # 700 tokens / 2,800 chars
    assert "tokens_per_char" in estimates["method"] and "characters" in estimates["method"]
    extract = next(s for s in stats["stages"] if s["stage"] == "extract")
    assert extract["tokens_kept_estimated"] == 1000
    # Without the tokenized characters there is no ratio: no stage gets a number, and stats.json says why.
    plain = build_stats(COUNTERS, ["gopher_quality"])
    assert plain["token_estimates"]["tokens_per_char"] is None and "tokenize/chars" in plain["token_estimates"]["unavailable"]
    assert not any(k.startswith("tokens_") for s in plain["stages"] for k in s)


def test_the_terminal_funnel_says_how_many_pages_the_language_gate_kept_from_trafilatura():
    gated = dict(COUNTERS, **{"extract/language_gated/fr": 3, "extract/language_gated/zh": 2})
    stats = build_stats(gated, ["gopher_quality"])
    assert stats["extraction"]["language_gated"] == {"fr": 3, "zh": 2}
    lines = format_funnel(stats).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("extract "))
    assert re.fullmatch(r"\s+no trafilatura: language gate\s+5", lines[at + 2])  # after its drop line
    assert "language gate" not in format_funnel(build_stats(COUNTERS, ["gopher_quality"]))
