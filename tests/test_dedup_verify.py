"""Verification of LSH candidate edges by exact Jaccard: the pure rule and the Beam transform."""

from __future__ import annotations

import random

import pytest

from thresher.stages.dedup.lsh import band_keys, s_curve_threshold
from thresher.stages.dedup.minhash import minhash_signature
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles
from thresher.stages.dedup.synthetic import near_duplicate_pair
from thresher.stages.dedup.verify import check_threshold, default_threshold, jaccard, keep_edge, shingle_set, verify_edge
from flows import ENGINES, assert_balanced, dedup_plan, doc, run_dedup

# One band per permutation: a pair at Jaccard s shares a band with probability
# 1 - (1 - s)**20, so a pair at 0.5 is a candidate (1 - 1e-6) though far below
# what anyone would call a near-duplicate.
LOOSE = MinHashParams(bands=20, rows=1, max_rounds=2)


def test_jaccard_and_the_edge_rule():
    rng = random.Random(3)
    a, b, exact = near_duplicate_pair(0.5, rng)
    sa, sb = shingle_set(a, LOOSE), shingle_set(b, LOOSE)
    assert jaccard(sa, sb) == pytest.approx(exact) and 0.49 < exact < 0.51
    assert jaccard(sa, sb) == jaccard(sb, sa)
    assert jaccard(frozenset(), sb) == 0.0  # never merge on undefined similarity
    assert keep_edge(sa, sb, 0.5) is (exact >= 0.5)
    assert not keep_edge(sa, sb, 0.8) and keep_edge(sa, sb, 0.4)
    assert list(verify_edge(("x", "y"), sa, sb, 0.8)) == []
    assert list(verify_edge(("x", "y"), sa, sb, 0.4)) == [("x", "y")]
    # Shingles are the ones MinHash signs: the run's n-gram and normalization.
    assert shingle_set("One  TWO three", MinHashParams(ngram=2)) == {b"one two", b"two three"}


def test_threshold_defaults_to_the_s_curve_and_is_checked():
    expected = pytest.approx(s_curve_threshold(14, 8))
    assert default_threshold(MinHashParams()) == expected == pytest.approx(0.7190, abs=1e-4)
    assert default_threshold(LOOSE) == pytest.approx(0.05)
    for bad in (0.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="verify_threshold"):
            check_threshold(bad)
    from thresher.config import config_from_dict
    from thresher.errors import ConfigError

    with pytest.raises(ConfigError, match="verify_threshold"):
        config_from_dict({"dedup": {"minhash": {"verify": True, "verify_threshold": 2.0}}})


def _corpus() -> list:
    rng = random.Random(11)
    low_a, low_b, low = near_duplicate_pair(0.5, rng)
    high_a, high_b, high = near_duplicate_pair(0.9, rng)
    assert 0.49 < low < 0.51 and 0.89 < high < 0.91
    docs = [
        doc("low1", low_a, date="2024-01-01"),
        doc("low2", low_b, date="2024-02-01"),
        doc("high1", high_a, date="2024-01-01"),
        doc("high2", high_b, date="2024-02-01"),
    ]
    docs += [doc(f"solo{i}", near_duplicate_pair(0.0, rng)[0]) for i in range(4)]
    # The construction holds: both pairs are LSH candidates under 20 x 1.
    for x, y in (("low1", "low2"), ("high1", "high2")):
        keys = [
            set(band_keys(minhash_signature(word_shingles(d.text), LOOSE.permutations), LOOSE.bands, LOOSE.rows))
            for d in docs
            if d.id in (x, y)
        ]
        assert keys[0] & keys[1], f"{x}/{y} should share a band"
    return docs


@pytest.mark.parametrize("engine", ENGINES)
def test_without_verification_a_false_candidate_is_merged(engine, tmp_path):
    kept, removed, counters = run_dedup(engine, _corpus(), dedup_plan(LOOSE, minhash=True), tmp_path)
    assert removed == {"low2": "low1", "high2": "high1"}
    assert_balanced(counters, "dedup_minhash", "near_duplicate", 8)


@pytest.mark.parametrize("engine", ENGINES)
def test_with_verification_a_pair_below_the_threshold_is_not_merged(engine, tmp_path):
    plan = dedup_plan(LOOSE, minhash=True, verify_threshold=0.8)
    kept, removed, counters = run_dedup(engine, _corpus(), plan, tmp_path)
    # The 0.5 pair survives whole; the 0.9 pair is still merged.
    assert removed == {"high2": "high1"}
    assert {"low1", "low2", "high1"} <= {d.id for d in kept}
    assert_balanced(counters, "dedup_minhash", "near_duplicate", 8)
    assert counters["dedup_minhash_verify/candidate_edges"] == 2  # one per pair, however many bands matched
    assert counters["dedup_minhash_verify/rejected_edges"] == 1
    assert counters["dedup_minhash_verify/verified_edges"] == 1
