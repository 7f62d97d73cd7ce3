import pytest

from thresher.stages.filters.gopher_quality import GopherQualityFilter
from thresher.record import Document

from test_text_samples import CHINESE, ENGLISH, GERMAN, JAPANESE, THAI

OFF = dict(
    min_doc_words=None, max_doc_words=None, min_avg_word_length=None, max_avg_word_length=None,
    max_symbol_word_ratio=None, max_bullet_lines_ratio=None, max_ellipsis_lines_ratio=None,
    min_alpha_words_ratio=None, min_stop_words=None,
)


def only(**kw):
    return GopherQualityFilter(**{**OFF, **kw})


def doc(text, language="en"):
    return Document(id="d", url="", text=text, language=language)


def words(n, length=5):
    return " ".join(f"w{'x' * (length - 2)}{i % 10}" for i in range(n))


def test_published_defaults():
    f = GopherQualityFilter()
    assert (f.min_doc_words, f.max_doc_words) == (50, 100_000)
    assert (f.min_avg_word_length, f.max_avg_word_length) == (3, 10)
    assert f.max_symbol_word_ratio == 0.1
    assert (f.max_bullet_lines_ratio, f.max_ellipsis_lines_ratio) == (0.9, 0.3)
    assert f.min_alpha_words_ratio == 0.8 and f.min_stop_words == 2


def test_min_words():
    f = only(min_doc_words=50)
    assert f.filter(doc(words(49))) == "short_doc"
    assert f.filter(doc(words(50))) is None
    # punctuation-only tokens are not words
    assert f.filter(doc(words(49) + " -- | ...")) == "short_doc"


def test_max_words():
    f = only(max_doc_words=100_000)
    assert f.filter(doc(words(100_000))) is None
    assert f.filter(doc(words(100_001))) == "long_doc"


def test_mean_word_length():
    f = only(min_avg_word_length=3, max_avg_word_length=10)
    # 100 words of 3 characters, one of them shortened: mean 2.99
    assert f.filter(doc(" ".join(["abc"] * 100))) is None
    assert f.filter(doc(" ".join(["abc"] * 99 + ["ab"]))) == "below_avg_word_length"
    assert f.filter(doc(" ".join(["abcdefghij"] * 100))) is None
    assert f.filter(doc(" ".join(["abcdefghij"] * 99 + ["abcdefghijk"]))) == "above_avg_word_length"


@pytest.mark.parametrize("symbol,reason", [("#", "too_many_hashes"), ("...", "too_many_ellipsis"), ("…", "too_many_ellipsis")])
def test_symbol_to_word_ratio(symbol, reason):
    f = only(max_symbol_word_ratio=0.1)
    base = words(100)
    assert f.filter(doc(base + (" " + symbol) * 10)) is None
    assert f.filter(doc(base + (" " + symbol) * 11)) == reason


def test_bullet_lines():
    f = only(max_bullet_lines_ratio=0.9)
    lines = lambda bullets: "\n".join(["• item text"] * bullets + ["plain line"] * (100 - bullets))  # noqa: E731
    assert f.filter(doc(lines(90))) is None
    assert f.filter(doc(lines(91))) == "too_many_bullets"
    assert f.filter(doc("\n".join(["- dash item"] * 95 + ["x"] * 5))) == "too_many_bullets"


def test_ellipsis_lines():
    f = only(max_ellipsis_lines_ratio=0.3)
    lines = lambda n: "\n".join(["it trails off..."] * n + ["a full line."] * (100 - n))  # noqa: E731
    assert f.filter(doc(lines(30))) is None
    assert f.filter(doc(lines(31))) == "too_many_end_ellipsis"
    assert f.filter(doc("\n".join(["and then…"] * 40 + ["done."] * 60))) == "too_many_end_ellipsis"


def test_alpha_words():
    f = only(min_alpha_words_ratio=0.8)
    text = lambda numeric: " ".join(["word"] * (100 - numeric) + ["2021"] * numeric)  # noqa: E731
    assert f.filter(doc(text(20))) is None
    assert f.filter(doc(text(21))) == "below_alpha_threshold"
    # symbol-only tokens count against the page too
    assert f.filter(doc(" ".join(["word"] * 79 + ["|"] * 21))) == "below_alpha_threshold"
    assert f.filter(doc(" ".join(["wörd"] * 79 + ["—"] * 21))) == "below_alpha_threshold"
    assert f.filter(doc(" ".join(["wörd"] * 80 + ["—"] * 20))) is None


def test_stop_words():
    f = only(min_stop_words=2)
    assert f.filter(doc("lighthouse keeper logs weather the storm")) == "not_enough_stop_words"
    assert f.filter(doc("The lighthouse keeper logs the weather")) is None  # case-insensitive
    assert f.filter(doc("Der Leuchtturm und die Küste", "de")) is None
    assert f.filter(doc("Leuchtturm Küste Wetter Sturm", "de")) == "not_enough_stop_words"
    assert f.filter(doc("Le phare et la côte", "fr")) is None


def test_stop_words_skipped_without_a_list():
    f = only(min_stop_words=2)
    d = doc("maneno bila orodha ya maneno", "sw")
    assert f.filter(d) is None
    assert d.signals["gopher_quality.skipped_stop_words"] == 1.0
    assert GopherQualityFilter(**{**OFF, "min_stop_words": 2, "stop_words": {"sw": ["ya", "na"]}}).filter(d) == "not_enough_stop_words"


@pytest.mark.parametrize("text,language", [(JAPANESE, "ja"), (CHINESE, "zh"), (THAI, "th"), (JAPANESE, None), (CHINESE, None)])
def test_unspaced_prose_passes_and_records_skips(text, language):
    d = doc(text, language)
    assert GopherQualityFilter().filter(d) is None
    assert d.signals["gopher_quality.skipped_word_rules"] == 1.0
    assert d.signals["gopher_quality.skipped_stop_words"] == 1.0


def test_short_cjk_is_still_short():
    assert GopherQualityFilter().filter(doc("東京は晴れです。", "ja")) == "short_doc"


def test_korean_skips_only_word_length():
    text = ("서울은 한국의 수도이며 많은 사람들이 살고 있습니다. " * 8).strip()
    d = doc(text, "ko")
    assert GopherQualityFilter().filter(d) is None
    assert d.signals["gopher_quality.skipped_word_rules"] == 1.0
    assert d.signals["gopher_quality.skipped_stop_words"] == 1.0  # no Korean list


@pytest.mark.parametrize("text,language", [(ENGLISH, "en"), (ENGLISH, None), (GERMAN, "de")])
def test_real_spaced_prose_passes(text, language):
    d = doc(text, language)
    assert GopherQualityFilter().filter(d) is None
    assert "gopher_quality.skipped_word_rules" not in d.signals


def test_signals_recorded_on_request():
    d = doc(ENGLISH)
    GopherQualityFilter(record_signals=True).filter(d)
    assert d.signals["gopher_quality.n_words"] > 150
    assert 3 < d.signals["gopher_quality.avg_word_length"] < 10
    assert d.signals["gopher_quality.stop_words"] >= 2
    d = doc(ENGLISH)
    GopherQualityFilter().filter(d)
    assert d.signals == {}


@pytest.mark.parametrize("text", ["", "word", "!!! ??? ...", "#" * 50, "\n\n\n", "•\n•\n•"])
def test_degenerate_texts(text):
    assert GopherQualityFilter().filter(doc(text)) == "short_doc"
    assert GopherQualityFilter(**OFF).filter(doc(text)) is None
