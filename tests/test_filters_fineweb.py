import pytest

from thresher.stages.filters.fineweb_quality import FineWebQualityFilter
from thresher.record import Document

from test_text_samples import CHINESE, ENGLISH, JAPANESE, THAI

OFF = dict(line_punct_thr=None, short_line_thr=None, char_duplicates_ratio=None, new_line_ratio=None)


def only(**kw):
    return FineWebQualityFilter(**{**OFF, **kw})


def doc(text, language="en"):
    return Document(id="d", url="", text=text, language=language)


LONG = "this line is comfortably longer than thirty characters"


def test_defaults():
    f = FineWebQualityFilter()
    assert (f.line_punct_thr, f.short_line_thr, f.short_line_length, f.char_duplicates_ratio, f.new_line_ratio) == (
        0.12, 0.67, 30, 0.01, 0.3)


def test_line_punctuation_ratio():
    f = only(line_punct_thr=0.12)
    lines = lambda n: "\n".join([f"{LONG} {i}." for i in range(n)] + [f"{LONG} {i}" for i in range(100 - n)])  # noqa: E731
    assert f.filter(doc(lines(12))) is None  # at the threshold is kept, as in datatrove 0.10.1
    assert f.filter(doc(lines(11))) == "line_punct_ratio"
    assert f.filter(doc(lines(0))) == "line_punct_ratio"
    assert FineWebQualityFilter(**{**OFF, "line_punct_thr": 0.12, "line_punct_exclude_zero": True}).filter(doc(lines(0))) is None


def test_short_lines_ratio():
    f = only(short_line_thr=0.67)
    lines = lambda n: "\n".join([f"short {i}" for i in range(n)] + [f"{LONG} {i}" for i in range(100 - n)])  # noqa: E731
    assert f.filter(doc(lines(67))) is None  # at the threshold is kept
    assert f.filter(doc(lines(68))) == "short_line_ratio"


def test_duplicated_line_characters():
    f = only(char_duplicates_ratio=0.01)
    unique = [f"{LONG} number {i:03d}" for i in range(30)]
    dup = "a repeated line!"  # 16 characters
    text_in = "\n".join(unique + [dup, dup])
    text_out = "\n".join(unique + [dup, dup, dup])
    share_in = 16 / len(text_in.replace("\n", ""))
    share_out = 32 / len(text_out.replace("\n", ""))
    assert share_in < 0.01 < share_out
    assert f.filter(doc(text_in)) is None
    assert f.filter(doc(text_out)) == "char_dup_ratio"
    assert f.filter(doc("\n".join(unique + ["", "", "", ""]))) is None  # blank lines are not duplicates


def test_newlines_per_word():
    f = only(new_line_ratio=0.3)
    def text(newlines):
        words = [f"w{i}" for i in range(100)]
        return "\n".join([" ".join(words[:100 - newlines])] + words[100 - newlines:])
    assert text(30).count("\n") == 30
    assert f.filter(doc(text(30))) is None
    assert f.filter(doc(text(31))) == "list_ratio"


def test_blank_lines_and_quotes_as_datatrove_counts_them():
    # Blank lines are not lines; a closing quote is not a sentence-final mark.
    f = only(line_punct_thr=0.5)
    assert f.filter(doc("\n\n\n".join([f"{LONG}."] * 3 + [f"{LONG}"] * 2))) is None
    assert f.filter(doc("\n".join([f'{LONG}."'] * 3 + [f"{LONG}."] * 2))) == "line_punct_ratio"
    assert only(line_punct_thr=0.5, stop_chars=['"', "."]).filter(doc("\n".join([f'{LONG}."'] * 3))) is None
    assert FineWebQualityFilter().filter(doc(" \n\t\n")) == "empty"


def test_punctuation_counts_as_words_with_spacy_splitter():
    text = "a - b - c - d\n" * 10  # 4 words and 3 dashes a line
    assert only(new_line_ratio=0.2).filter(doc(text)) == "list_ratio"  # 10 / 40
    assert only(new_line_ratio=0.2, word_splitter="spacy").filter(doc(text)) is None  # 10 / 70


def test_real_prose_passes():
    for text, lang in [(ENGLISH, "en"), (JAPANESE, "ja"), (CHINESE, "zh"), (THAI, "th")]:
        assert FineWebQualityFilter().filter(doc(text, lang)) is None, lang


def test_thai_skips_punctuation_rule():
    d = doc(THAI, "th")
    assert FineWebQualityFilter().filter(d) is None
    assert d.signals["fineweb_quality.skipped_line_punct"] == 1.0
    assert FineWebQualityFilter().filter(doc(THAI, "en")) == "line_punct_ratio"


@pytest.mark.parametrize("text", ["", "word", "!!!", "\n\n\n", "\n" * 1000])
def test_degenerate_texts(text):
    assert FineWebQualityFilter().filter(doc(text)) is not None
    assert FineWebQualityFilter(**OFF).filter(doc(text)) is None
