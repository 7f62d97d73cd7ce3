"""``preset: fineweb`` decides as datatrove 0.10.1 (which made FineWeb) does, rule
by rule and reason for reason, on the fixture ``bench/datatrove_decisions.py``
wrote from datatrove's own filter classes: gold and extracted texts of the real
pages in ``../shared/data`` (rebuilt here, never stored) and seeded generated
pages (always available, so this never skips entirely)."""

from __future__ import annotations

import pytest

from filter_corpus import RULES, SHARED_DATA, agreement, corpus, load_fixture

TARGET = 0.995


@pytest.fixture(scope="module")
def measured():
    fixture = load_fixture()
    texts = dict(corpus(SHARED_DATA))
    return fixture, agreement(fixture, texts)


def test_fixture_is_datatrove_0_10_1(measured):
    fixture, _ = measured
    assert fixture["datatrove"] == "0.10.1"
    assert {k for d in fixture["docs"] for k in d} == {"id", "sha1", "lang", *RULES}


@pytest.mark.parametrize("rule", RULES)
def test_rule_agrees_with_datatrove(measured, rule):
    _, result = measured
    stats = result["rules"][rule]
    # Enough English texts were compared to make 99.5 % mean something, and
    # datatrove dropped some of them (the fixture exercises the rule).
    assert stats["total"] >= 500, result
    assert stats["agreement"] >= TARGET, (rule, stats["agreement"], stats["differ"][:20])


def test_every_rule_drops_in_the_fixture():
    fixture = load_fixture()
    english = [d for d in fixture["docs"] if d["lang"] == "en"]
    for rule in RULES:
        assert sum(d[rule] is not None for d in english) >= 20, rule


def test_real_texts_compared_when_data_present(measured):
    _, result = measured
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent: only generated pages were compared")
    # Gold and extracted texts of ~300 real pages are in the comparison, and
    # (same extractor version) none went stale.
    assert result["docs"] >= 1000 and result["stale"] <= result["docs"] // 20, result
