"""FineWeb-2's GlotLID language scores carried to lid.176 (the real bundled model,
the real labelled sentences of ``../shared/data/lid-tatoeba-cld2``), and GlotLID
labels read as lid.176's languages."""

from __future__ import annotations

import pytest

from thresher.stages.filters.fineweb2 import load_table
from thresher.stages.langid.calibration import calibrate_thresholds, clean_scores, read_tatoeba
from thresher.stages.langid.fasttext_lid import FastTextLanguageIdentifier
from thresher.stages.text.languages import ISO639_3_TO_LID176
from thresher.stages.text.words import normalize_language


@pytest.fixture(scope="module")
def tatoeba(shared_data):
    return read_tatoeba(shared_data / "lid-tatoeba-cld2" / "tatoeba_long.txt")


@pytest.fixture(scope="module")
def lid():
    return FastTextLanguageIdentifier()


def test_reads_the_labelled_sentences(tatoeba):
    assert len(tatoeba) == 462
    assert len({iso3 for iso3, _ in tatoeba}) == 84


def test_calibrated_thresholds_keep_clean_text(tatoeba, lid):
    table = load_table()
    reference = {code: min(table.language_score["glotlid"][label] for label in labels)
                 for code, labels in table.lid176.items() if code != "en"}
    calibrated = calibrate_thresholds(lid, tatoeba, reference)
    scores = clean_scores(lid, tatoeba)
    assert len(scores) >= 60  # most Tatoeba languages are lid.176's
    kept_calibrated = kept_raw = total = 0
    for code, values in scores.items():
        if code not in calibrated:
            continue
        for s in values:
            total += 1
            kept_calibrated += s >= calibrated[code]["threshold"]
            kept_raw += s >= reference[code]
        # Never stricter than the lowest clean score, never above the reference
        # by more than the model's own scale allows (scores are at most 1).
        assert calibrated[code]["threshold"] <= values[0] + 1e-9
        assert calibrated[code]["threshold"] <= reference[code] + 1e-9
    assert kept_calibrated == total  # every clean, correctly labelled sentence is kept
    assert kept_raw <= kept_calibrated
    # The shipped table holds these numbers (scripts/fineweb2_table.py made it).
    shipped = table.language_score["lid176"]
    assert all(shipped[c]["threshold"] == v["threshold"] for c, v in calibrated.items())


def test_languages_without_sentences_take_the_median_scale(tatoeba, lid):
    out = calibrate_thresholds(lid, tatoeba, {"vo": 0.68, "de": 0.821})
    assert out["vo"]["sentences"] == 0 and "median scale" in out["vo"]["how"]
    assert 0.5 < out["vo"]["threshold"] <= 0.68
    assert out["de"]["sentences"] >= 3


def test_glotlid_labels_read_as_lid176_languages():
    assert normalize_language("deu_Latn") == "de" and normalize_language("__label__cmn_Hani") == "zh"
    assert normalize_language("srp_Cyrl") == "sr" and normalize_language("hbs_Latn") == "sh"
    # lid.176's "als" is Alemannic; GlotLID's als_Latn is Albanian.
    assert normalize_language("als") == "als" and normalize_language("als_Latn") == "sq"
    assert ISO639_3_TO_LID176["gsw"] == "als"
    # A lid.176 code and a GlotLID label of one language find the same parameters.
    table = load_table()
    assert table.label_for("de", "Text") == table.label_for("deu_Latn", "Text") == "deu_Latn"
