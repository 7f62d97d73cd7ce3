"""Dedup normalization, exact keys, URL keys and shingles."""

from __future__ import annotations

import pytest

from thresher.stages.dedup.normalize import exact_text_key, normalize_default, normalize_refinedweb, normalize_text
from thresher.stages.dedup.shingles import word_shingles
from thresher.stages.dedup.urls import normalize_url, url_key


def test_default_normalization_folds_case_whitespace_and_composition():
    assert normalize_default("  Hello\t\nWORLD  ") == "hello world"
    # "é" precomposed vs e + combining acute: the same after NFC.
    assert normalize_default("Caf\u00e9") == normalize_default("Cafe\u0301") == "caf\u00e9"
    # Punctuation and accents survive the default normalization.
    assert normalize_default("Café!") == "café!"


def test_refinedweb_normalization_drops_punctuation_and_accents():
    assert normalize_refinedweb("Café,  Crème-Brûlée!") == "cafe creme brulee"
    assert normalize_refinedweb("end.Start") == "end start"  # punctuation becomes a space
    assert normalize_refinedweb("\u201cQuoted\u201d\u2014text\u2026") == "quoted text"
    assert normalize_refinedweb("Ünïcödé") == "unicode"
    assert normalize_refinedweb("") == ""


def test_unknown_normalization_is_an_error():
    with pytest.raises(ValueError, match="refinedweb"):
        normalize_text("x", "nfkc")


def test_exact_text_key_matches_normalized_duplicates_only():
    key = exact_text_key("Hello   World")
    assert len(key) == 32 and int(key, 16) >= 0
    assert exact_text_key("hello world\n") == key
    assert exact_text_key("hello, world") != key
    assert exact_text_key("hello, world", "refinedweb") == exact_text_key("Hello World", "refinedweb")


@pytest.mark.parametrize(
    "url, expected",
    [
        ("HTTP://Example.COM:80/a/b/", "http://example.com/a/b"),
        ("https://example.com:443/", "https://example.com"),
        ("https://example.com", "https://example.com"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://example.com/Path#section", "https://example.com/Path"),
        ("https://example.com/p?utm_source=x&b=2&a=1&fbclid=abc&UTM_Medium=y", "https://example.com/p?a=1&b=2"),
        ("https://example.com/p?gclid=1", "https://example.com/p"),
        ("https://user:pw@Example.com./p", "https://user:pw@example.com/p"),
        ("  https://example.com/q?x=  ", "https://example.com/q?x="),
    ],
)
def test_url_normalization(url, expected):
    assert normalize_url(url) == expected
    assert url_key(url) == expected


def test_unparseable_url_is_its_own_key():
    assert url_key("http://[::1/broken") == "http://[::1/broken"


def test_shingles_are_word_ngrams_as_bytes_once_each():
    text = "The cat sat on the mat. The cat sat on the mat."
    shingles = word_shingles(text, ngram=3)
    assert shingles[0] == b"the cat sat"
    assert len(shingles) == len(set(shingles))
    assert b"mat. the cat" in shingles
    assert word_shingles("a b c d", ngram=2) == [b"a b", b"b c", b"c d"]
    assert word_shingles("Déjà vu", ngram=1) == ["déjà".encode(), b"vu"]


def test_short_and_empty_texts():
    # Fewer words than n: the whole normalized text is the one shingle.
    assert word_shingles("Just  Three words", ngram=5) == [b"just three words"]
    assert word_shingles("exactly five words right here", ngram=5) == [b"exactly five words right here"]
    assert word_shingles("", ngram=5) == []
    assert word_shingles(" \n\t ", ngram=5) == []
    assert word_shingles("!!! ...", ngram=5, normalization="refinedweb") == []
    with pytest.raises(ValueError):
        word_shingles("x", ngram=0)


def test_engine_neutral_modules_import_no_engine():
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, thresher.stages.dedup as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('thresher.stages.dedup.' + m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('apache_beam', 'pyspark'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
