"""The bag-of-words F1 the extraction benchmark and tests share (thresher.stages.extract.scoring)."""

from __future__ import annotations

from collections import Counter

import pytest

from thresher.stages.extract.scoring import oracle_f1, page_f1, page_score, set_score, words


def test_words_are_lower_cased_unicode_word_runs():
    assert words("Crème brûlée, 2 ÉCLAIRS!") == ["crème", "brûlée", "2", "éclairs"]
    assert words(None) == [] and words("") == []


def test_page_score_counts_repeated_words_as_a_multiset():
    # Output "a a b", gold "a b b": overlap is one a and one b.
    score = page_score("a a b", "a b b")
    assert score.precision == pytest.approx(2 / 3) and score.recall == pytest.approx(2 / 3)
    assert page_f1("a a b", "a b b") == pytest.approx(2 / 3)
    assert page_f1("x y", "a b") == 0.0
    assert page_f1("The same text.", "the SAME text") == 1.0


def test_no_output_scores_zero_and_empty_gold_wants_empty_output():
    assert page_f1(None, "gold words") == 0.0 and page_f1("  ", "gold words") == 0.0
    assert page_f1(None, "") == 1.0 and page_f1("", "  ") == 1.0
    assert page_f1("anything", "") == 0.0


def test_gold_may_be_given_as_token_counts():
    assert page_f1("a b", Counter({"a": 1, "b": 1})) == 1.0


def test_set_score_averages_f1_per_page_not_from_averaged_precision_and_recall():
    outputs = ["a b c d", None]
    golds = ["a", "x"]
    score = set_score(outputs, golds)
    # Page 1: P 0.25, R 1, F1 0.4; page 2: 0. Mean F1 0.2 (F1 of the mean P/R would be 0.2 only by chance).
    assert score.f1 == pytest.approx(0.2)
    assert score.precision == pytest.approx(0.125) and score.recall == pytest.approx(0.5)
    assert score.empty == 1 and score.pages == 2
    with pytest.raises(ValueError):
        set_score(["a"], ["a", "b"])


def test_oracle_takes_the_better_extractor_on_each_page():
    assert oracle_f1([[1.0, 0.0, 0.5], [0.0, 1.0, 0.25]]) == pytest.approx(2.5 / 3)
