"""stats.json: the funnel follows stage order and the identity detects a lost record."""

from __future__ import annotations

from thresher.report.funnel import build_stats, format_funnel

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
