import pytest

from thresher.stages.filters.c4_quality import C4QualityFilter
from thresher.record import Document

from test_text_samples import CHINESE, ENGLISH, JAPANESE


def doc(text, language="en"):
    return Document(id="d", url="", text=text, language=language)


SENTENCE = "The keeper climbed the narrow stairs every evening."


def test_defaults():
    f = C4QualityFilter()
    assert f.filter_no_terminal_punct is False  # off, as in FineWeb
    assert (f.min_num_sentences, f.min_words_per_line, f.max_word_length) == (5, 3, 1000)


def test_min_sentences():
    f = C4QualityFilter()
    assert f.filter(doc("\n".join([SENTENCE] * 4))) == "too_few_sentences"
    assert f.filter(doc("\n".join([SENTENCE] * 5))) is None
    assert f.filter(doc(" ".join([SENTENCE] * 5))) is None  # five sentences on one line
    assert C4QualityFilter(min_num_sentences=None).filter(doc(SENTENCE)) is None


def test_short_lines_removed():
    f = C4QualityFilter()
    d = doc("\n".join([SENTENCE] * 5 + ["Two words", "Three words here", "Home"]))
    assert f.filter(d) is None
    assert d.text.split("\n") == [SENTENCE] * 5 + ["Three words here"]


def test_javascript_and_policy_lines_removed():
    d = doc("\n".join([SENTENCE] * 5 + [
        "Please enable JavaScript to view the comments.",
        "This site uses cookies to improve your experience.",
        "Read our Privacy Policy and Terms of Use here.",
    ]))
    assert C4QualityFilter().filter(d) is None
    assert d.text == "\n".join([SENTENCE] * 5)
    d = doc("\n".join([SENTENCE] * 5 + ["Please enable JavaScript to view the comments."]))
    assert C4QualityFilter(filter_javascript=False, filter_policy=False).filter(d) is None
    assert "JavaScript" in d.text


def test_terminal_punctuation_rule_is_optional():
    lines = [SENTENCE] * 5 + ["A line without an end mark", "A line that trails off..."]
    d = doc("\n".join(lines))
    assert C4QualityFilter().filter(d) is None
    assert d.text == "\n".join(lines)
    d = doc("\n".join(lines))
    assert C4QualityFilter(filter_no_terminal_punct=True).filter(d) is None
    assert d.text == "\n".join([SENTENCE] * 5)


def test_page_drops():
    base = [SENTENCE] * 5
    f = C4QualityFilter()
    assert f.filter(doc("\n".join(base + ["Lorem ipsum dolor sit amet."]))) == "lorem_ipsum"
    assert f.filter(doc("\n".join(base + ["function x() { return 1; }"]))) == "curly_bracket"
    assert f.filter(doc("\n".join(base + ["} {"]))) is None  # too short to be kept, so it is not looked at
    assert C4QualityFilter(filter_curly_bracket=False, filter_lorem_ipsum=False).filter(
        doc("\n".join(base + ["Lorem ipsum { dolor } sit amet."]))
    ) is None


def test_word_length_limit():
    f = C4QualityFilter()
    base = "\n".join([SENTENCE] * 5)
    assert f.filter(doc(base + "\nA " + "x" * 1000 + " word.")) is None
    assert f.filter(doc(base + "\nA " + "x" * 1001 + " word.")) == "too_long_word"
    assert C4QualityFilter(max_word_length=None).filter(doc(base + "\nA " + "x" * 5000 + " word.")) is None


def test_citations_removed():
    d = doc("\n".join([SENTENCE] * 4 + ["The light was first lit in 1820.[1][citation needed] It burned oil.[edit]"]))
    assert C4QualityFilter().filter(d) is None
    assert d.text.endswith("The light was first lit in 1820. It burned oil.")


def test_bad_words(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("# bad words\nbadword\n坏词\n", encoding="utf-8")
    f = C4QualityFilter(bad_words_file=str(path))
    base = [SENTENCE] * 5
    assert f.filter(doc("\n".join(base + ["This has a BadWord in it."]))) == "bad_words"
    assert f.filter(doc("\n".join(base + ["This has badwords in it."]))) is None  # whole words only
    zh = CHINESE + "\n这里有一个坏词出现在句子中。"
    assert f.filter(doc(zh, "zh")) == "bad_words"


def test_real_prose_passes():
    for text, lang in [(ENGLISH, "en"), (JAPANESE, "ja"), (CHINESE, "zh")]:
        d = doc(text, lang)
        assert C4QualityFilter().filter(d) is None, lang
        assert d.text == text.strip()


@pytest.mark.parametrize("text", ["", "word", "!!!", "\n\n", "{", "x" * 1_000_000])
def test_degenerate_texts(text):
    assert C4QualityFilter().filter(doc(text)) in ("too_few_sentences", "too_long_word")
