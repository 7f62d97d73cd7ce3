import pytest

from thresher.stages.filters.refinedweb_lines import RefinedWebLineFilter, is_mostly_upper
from thresher.record import Document

from test_text_samples import CHINESE, ENGLISH, JAPANESE


def doc(text, language="en"):
    return Document(id="d", url="", text=text, language=language)


def body(n_words):
    return " ".join(f"word{i}" for i in range(n_words))


def test_defaults():
    f = RefinedWebLineFilter()
    assert f.max_removed_words_frac == 0.05 and f.max_uppercase_frac == 0.5 and f.boilerplate_max_words == 10


@pytest.mark.parametrize(
    "line,removed_words",
    [
        ("Menu", 1),  # single word
        ("12/05/2021 10:30", 2),  # only numbers
        ("3 likes", 2),  # counter
        ("1.2k views", 2),
        ("(12 Comments)", 2),
        ("ABOUT OUR COMPANY", 3),  # mostly upper case
    ],
)
def test_lines_removed(line, removed_words):
    text = body(200) + "\n" + line + "\n" + body(10)
    d = doc(text)
    f = RefinedWebLineFilter(record_signals=True)
    assert f.filter(d) is None
    assert line not in d.text.split("\n")
    assert d.signals["refinedweb_lines.removed_words_frac"] == pytest.approx(removed_words / (210 + removed_words))


@pytest.mark.parametrize(
    "line,edited",
    [
        ("Sign in to read the whole story", "to read the whole story"),
        ("The storm hit the coast. Read more...", "The storm hit the coast."),
        ("3 items in cart", ""),
        ("Copyright 2024 Harbour Trust. All rights reserved.", "Copyright 2024 Harbour Trust."),
    ],
)
def test_boilerplate_edited(line, edited):
    d = doc(body(300) + "\n" + line)
    assert RefinedWebLineFilter().filter(d) is None
    last = d.text.split("\n")[-1]
    assert last == (edited or body(300))


def test_long_lines_are_not_edited():
    line = "Click here to read the eleven page report on the storm damage along the coast today"
    d = doc(body(100) + "\n" + line)
    assert RefinedWebLineFilter().filter(d) is None
    assert d.text.endswith(line)


def test_removed_words_threshold():
    f = RefinedWebLineFilter()
    # 95 kept words + 5 removed single-word lines: 5 % removed is kept ...
    assert f.filter(doc(body(95) + "\nA\nB\nC\nD\nE")) is None
    # ... 6 out of 100 is dropped.
    assert f.filter(doc(body(94) + "\nA\nB\nC\nD\nE\nF")) == "line_corrections_frac"
    assert RefinedWebLineFilter(max_removed_words_frac=None).filter(doc(body(10) + "\nA\nB\nC")) is None


def test_text_rewritten_only_when_changed():
    text = body(50) + "\n\n" + body(50)
    d = doc(text)
    assert RefinedWebLineFilter().filter(d) is None
    assert d.text is text
    d = doc(body(100) + "\nShare\n\n" + body(100))
    assert RefinedWebLineFilter().filter(d) is None
    assert d.text == body(100) + "\n\n" + body(100)  # blank lines kept


def test_checks_can_be_switched_off():
    f = RefinedWebLineFilter(remove_single_word_lines=False, remove_numeric_lines=False, remove_counter_lines=False,
                             max_uppercase_frac=None, boilerplate_max_words=None)
    text = body(20) + "\nMenu\n2021\n3 likes\nABOUT US NOW\nSign in now please"
    d = doc(text)
    assert f.filter(d) is None
    assert d.text == text


def test_everything_removed():
    assert RefinedWebLineFilter(max_removed_words_frac=None).filter(doc("Menu\nHome\n42")) == "empty_after_corrections"


def test_mostly_upper():
    assert not is_mostly_upper("ABCD efgh", 0.5)  # exactly half: kept
    assert is_mostly_upper("ABCDE fgh", 0.5)  # 5 of 8 letters
    assert not is_mostly_upper("ÀBCD éfgh", 0.5) and is_mostly_upper("ÀBCDÉ fgh", 0.5)
    assert is_mostly_upper("ABOUT US", 0.5)
    assert not is_mostly_upper("About us", 0.5)
    assert is_mostly_upper("ÉCOLE NORMALE", 0.5)
    assert not is_mostly_upper("École normale — “quoted”", 0.5)
    assert not is_mostly_upper("東京は大きい A", 0.5)
    assert not is_mostly_upper("12345", 0.5)


def test_real_prose_passes_unchanged():
    for text, lang in [(ENGLISH, "en"), (JAPANESE, "ja"), (CHINESE, "zh")]:
        d = doc(text, lang)
        assert RefinedWebLineFilter().filter(d) is None
        assert d.text == text


@pytest.mark.parametrize("text", ["", "   ", "!!!", "\n\n\n", "word"])
def test_degenerate_texts(text):
    assert RefinedWebLineFilter().filter(doc(text)) in (None, "line_corrections_frac")
