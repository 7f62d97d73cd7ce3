from thresher.stages.text.stopwords import GOPHER_STOP_WORDS, STOP_WORDS, stop_words_for


def test_gopher_english_list():
    assert GOPHER_STOP_WORDS == {"the", "be", "to", "of", "and", "that", "have", "with"}
    assert stop_words_for("en") == GOPHER_STOP_WORDS
    assert stop_words_for(None) == GOPHER_STOP_WORDS  # unknown language: English-like


def test_required_languages_have_lists():
    for lang in ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl"):
        words = stop_words_for(lang)
        assert words and len(words) >= 8, lang
        assert all(w == w.lower() and " " not in w for w in words), lang


def test_unknown_language_has_none_and_overrides_apply():
    assert stop_words_for("sw") is None
    assert stop_words_for("ja") is None
    assert stop_words_for("sw", {"sw": ["Na", "ya"]}) == {"na", "ya"}
    assert stop_words_for("en_US") == STOP_WORDS["en"]
