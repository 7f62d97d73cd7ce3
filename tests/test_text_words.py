import random

import pytest

from thresher.stages.text.words import (
    count_tokens_without_letters,
    count_unspaced_units,
    fold_punctuation,
    has_unspaced_script,
    is_unspaced_language,
    letter_token_counts,
    normalize_language,
    split_words,
    split_words_reference,
)

from test_text_samples import CHINESE, ENGLISH, JAPANESE, THAI


def test_spaced_words_trim_edge_punctuation_keep_inner():
    assert split_words('Hello, world! "Quoted" (U.S.) don\'t e-mail 3.14 $5 #tag C++') == [
        "Hello", "world", "Quoted", "U.S", "don't", "e-mail", "3.14", "5", "tag", "C",
    ]


def test_punctuation_only_tokens_are_not_words():
    assert split_words("-- | ... — … 🎉 ©") == []
    assert split_words("") == []
    assert split_words("   \n\t ") == []


def test_non_ascii_letters_and_marks_stay_in_words():
    assert split_words("naïve café «résumé» хорошо हिन्दी भाषा") == ["naïve", "café", "résumé", "хорошо", "हिन्दी", "भाषा"]


def test_cjk_is_split_into_character_units():
    assert split_words("東京は晴れ。Hello, world!", "ja") == ["東", "京", "は", "晴", "れ", "Hello", "world"]
    assert split_words("长江是中国最长的河流", "zh") == list("长江是中国最长的河流")


def test_thai_units_keep_combining_marks():
    units = split_words("ง่าย", "th")
    assert units == ["ง่", "า", "ย"]  # tone mark stays with its consonant


def test_language_does_not_change_segmentation():
    text = "東京 Tower, 晴れ!"
    assert split_words(text, "en") == split_words(text, "ja") == split_words(text, None)


def test_fast_paths_match_reference_on_random_strings():
    alphabet = list("abc XYZ.,;:'\"-—–…«»“”()[]{}#@$%^&*!?/\\|\n\t\u00a0\u200b\u3000") + [
        "é", "ß", "ж", "ع", "ह", "्", "東", "は", "ภ", "่", "🎉", "©", "→", "1", "٣", "Ⅻ",
        "\x00", "\x1f", "\u0301", "\ufeff", "𠀋", "﹏", "\x85", "\u2028",
    ]
    rng = random.Random(0)
    for _ in range(3000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert split_words(s) == split_words_reference(s), repr(s)


def test_fold_punctuation_keeps_length_and_boundaries():
    text = "“Don’t” — she said… ‘fine’ «ok»\u00a0end"
    folded = fold_punctuation(text)
    assert len(folded) == len(text)
    assert folded.isascii()
    assert folded == "\"Don't\" - she said. 'fine' \"ok\" end"
    assert [w.replace("’", "'") for w in split_words(text)] == split_words(folded)


def test_normalize_language():
    assert normalize_language("__label__en") == "en"
    assert normalize_language("zh-Hans") == "zh"
    assert normalize_language("EN_us") == "en"
    assert normalize_language(None) is None
    assert normalize_language("") is None
    assert is_unspaced_language("ja") and is_unspaced_language("zh-TW") and is_unspaced_language("th")
    assert not is_unspaced_language("en") and not is_unspaced_language("ko") and not is_unspaced_language(None)


def test_unspaced_detection_and_counts():
    assert not has_unspaced_script(ENGLISH)
    assert not has_unspaced_script("naïve “quotes” — Привет")
    assert has_unspaced_script(JAPANESE) and has_unspaced_script(CHINESE) and has_unspaced_script(THAI)
    assert count_unspaced_units("abc 東京 def") == 2
    assert count_unspaced_units("abc") == 0


@pytest.mark.parametrize(
    "text",
    ["2021 -- $5 | abc a1 1a ### x", "", "   ", "only words here", "12 34 56", "a\tb\x0bc\x1fd 9"],
)
def test_letter_token_counts_match_token_split(text):
    tokens = text.split()
    assert letter_token_counts(text) == (len(tokens), count_tokens_without_letters(tokens))


def test_tokens_without_letters():
    assert count_tokens_without_letters(["2021", "--", "$5", "|", "abc", "a1", "—", "©2021", "東京"]) == 6
