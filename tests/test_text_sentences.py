from thresher.stages.text.sentences import count_sentences, split_sentences

from test_text_samples import CHINESE, JAPANESE, THAI


def test_latin_sentences_and_abbreviations():
    text = 'Dr. Smith went to Washington. He said "hi!" Then J. Doe left... And e.g. this? Yes.'
    assert split_sentences(text) == [
        "Dr. Smith went to Washington.",
        'He said "hi!"',
        "Then J. Doe left...",
        "And e.g. this?",
        "Yes.",
    ]
    assert count_sentences(text) == 5


def test_no_terminal_punctuation_is_one_sentence():
    assert split_sentences("no punctuation here") == ["no punctuation here"]
    assert count_sentences("no punctuation here") == 1


def test_empty_and_punctuation_only():
    assert split_sentences("") == []
    assert count_sentences("... !!! ???") == 0


def test_decimal_points_do_not_split():
    assert split_sentences("Version 3.14 is out. Done") == ["Version 3.14 is out.", "Done"]


def test_cjk_full_stops_need_no_space():
    assert split_sentences("東京は晴れです。明日は雨でしょう！本当？はい") == [
        "東京は晴れです。", "明日は雨でしょう！", "本当？", "はい",
    ]
    assert split_sentences("他说：“好。”然后走了。") == ["他说：“好。”", "然后走了。"]
    assert count_sentences(JAPANESE, "ja") >= 8
    assert count_sentences(CHINESE, "zh") >= 7


def test_thai_sentences_are_separated_by_spaces():
    assert count_sentences(THAI, "th") >= 8
    assert count_sentences(THAI, "en") == 1  # no punctuation: one sentence


def test_limit_stops_counting():
    text = "One here. Two here. Three here. Four here. Five here."
    assert count_sentences(text) == 5
    assert count_sentences(text, limit=2) == 2
