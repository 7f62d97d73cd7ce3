import random
import re
from collections import Counter

import pytest

from thresher.stages.filters.gopher_repetition import (
    DEFAULT_DUP_N_GRAMS,
    DEFAULT_TOP_N_GRAMS,
    GopherRepetitionFilter,
    split_lines,
    split_paragraphs,
)
from thresher.record import Document
from thresher.stages.text.words import split_words

from test_text_samples import CHINESE, ENGLISH, JAPANESE

OFF = dict(dup_line_frac=None, dup_para_frac=None, dup_line_char_frac=None, dup_para_char_frac=None,
           top_n_grams=None, dup_n_grams=None)


def only(**kw):
    return GopherRepetitionFilter(**{**OFF, **kw, "record_signals": True})


def doc(text, language="en"):
    return Document(id="d", url="", text=text, language=language)


def unique_words(n, start=0):
    # 5-character words, all distinct: "w0000", "w0001", ...
    return [f"w{i:04d}" for i in range(start, start + n)]


def test_published_defaults():
    f = GopherRepetitionFilter()
    assert (f.dup_line_frac, f.dup_para_frac, f.dup_line_char_frac, f.dup_para_char_frac) == (0.3, 0.3, 0.2, 0.2)
    assert f.top_n_grams == ((2, 0.2), (3, 0.18), (4, 0.16)) == DEFAULT_TOP_N_GRAMS
    assert f.dup_n_grams == ((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)) == DEFAULT_DUP_N_GRAMS


@pytest.mark.parametrize("sep,key", [("\n", "dup_line_frac"), ("\n\n", "dup_para_frac")])
def test_duplicate_fraction_by_count(sep, key):
    f = only(**{key: 0.30})
    for dups, expected in [(29, None), (30, None), (31, key)]:
        items = [f"unique item number {w}" for w in unique_words(100 - dups - 1)] + ["the repeated item"] * (dups + 1)
        d = doc(sep.join(items))
        assert f.filter(d) == expected, dups
        assert d.signals[f"gopher_repetition.{key}"] == pytest.approx(dups / 100)


@pytest.mark.parametrize("sep,key", [("\n", "dup_line_char_frac"), ("\n\n", "dup_para_char_frac")])
def test_duplicate_fraction_by_characters(sep, key):
    f = only(**{key: 0.20})
    # 100 items of 9 characters; duplicated ones count 9 characters each.
    length = 9 * 100 + len(sep) * 99
    outside = int(0.20 * length / 9) + 1
    for dups, expected in [(outside - 1, None), (outside, key)]:
        items = [f"u{i:08d}" for i in range(100 - dups - 1)] + ["repeated!"] * (dups + 1)
        text = sep.join(items)
        d = doc(text)
        assert f.filter(d) == expected
        share = 9 * dups / len(text)
        assert d.signals[f"gopher_repetition.{key}"] == pytest.approx(share)
        assert (share > 0.20) == (expected is not None) and abs(share - 0.20) < 0.015


def top_text(n, m):
    gram = [f"g{i}" for i in range(n)]  # n two-character words: 3n - 1 characters
    words = unique_words(200)
    for k in range(m):  # spread the repeats out
        words[k * (len(words) // m) : k * (len(words) // m)] = gram
    text = " ".join(words)
    return text, (3 * n - 1) * m / len(text)


@pytest.mark.parametrize("n,limit", DEFAULT_TOP_N_GRAMS)
def test_top_ngram_share(n, limit):
    f = only(top_n_grams=[(n, limit)])
    outside = next(m for m in range(5, 300) if top_text(n, m)[1] > limit)
    for m, expected in [(outside - 1, None), (outside, f"top_{n}_gram")]:
        text, share = top_text(n, m)
        d = doc(text)
        assert f.filter(d) == expected
        assert d.signals[f"gopher_repetition.top_{n}_gram"] == pytest.approx(share)
        assert abs(share - limit) < 0.01


def dup_text(n, filler):
    block = unique_words(n, start=9000)
    text = " ".join(unique_words(filler) + block + block)
    return text, 5 * n / len(text)  # the second block is the one duplicated n-gram


@pytest.mark.parametrize("n,limit", DEFAULT_DUP_N_GRAMS)
def test_duplicated_ngram_share(n, limit):
    f = only(dup_n_grams=[(n, limit)])
    inside = next(k for k in range(0, 300) if dup_text(n, k)[1] <= limit)
    for filler, expected in [(inside - 1, f"duplicated_{n}_n_grams"), (inside, None)]:
        text, share = dup_text(n, filler)
        d = doc(text)
        assert f.filter(d) == expected
        assert d.signals[f"gopher_repetition.duplicated_{n}_n_grams"] == pytest.approx(share)
        assert abs(share - limit) < 0.01


def test_none_disables_checks():
    text = "\n".join(["same line again"] * 50)
    assert GopherRepetitionFilter().filter(doc(text)) == "dup_line_frac"
    assert GopherRepetitionFilter(**OFF).filter(doc(text)) is None
    assert GopherRepetitionFilter(dup_line_frac=None, dup_line_char_frac=None).filter(doc(text)) == "top_2_gram"


def test_real_prose_passes():
    f = GopherRepetitionFilter()
    assert f.filter(doc(ENGLISH)) is None
    assert f.filter(doc(JAPANESE, "ja")) is None
    assert f.filter(doc(CHINESE, "zh")) is None


def test_edge_cases_kept():
    f = GopherRepetitionFilter()
    for text in ["", "   \n\n ", "word", "!!!"]:
        assert f.filter(doc(text)) is None


def test_line_and_paragraph_splitting_match_the_regex_definitions():
    rng = random.Random(1)
    for _ in range(3000):
        s = "".join(rng.choice(["a", "b", " ", "\n", "\n\n", "\n\n\n", "\r"]) for _ in range(rng.randint(0, 12)))
        assert split_lines(s) == re.split(r"\n+", s)
        assert split_paragraphs(s.strip()) == re.split(r"\n{2,}", s.strip())


# --- an independent, straightforward reference of datatrove's definitions ------------


def reference(text, f):
    paragraphs = re.split(r"\n{2,}", text.strip())
    lines = re.split(r"\n+", text)

    def dups(items):
        seen, n, chars = set(), 0, 0
        for x in items:
            if x in seen:
                n, chars = n + 1, chars + len(x)
            else:
                seen.add(x)
        return n, chars

    if not text.strip():
        return None
    n, c = dups(paragraphs)
    if n / len(paragraphs) > f.dup_para_frac:
        return "dup_para_frac"
    if c / len(text) > f.dup_para_char_frac:
        return "dup_para_char_frac"
    n, c = dups(lines)
    if n / len(lines) > f.dup_line_frac:
        return "dup_line_frac"
    if c / len(text) > f.dup_line_char_frac:
        return "dup_line_char_frac"
    words = split_words(text)
    if len(words) < 2:
        return None
    for n, limit in f.top_n_grams:
        grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        if grams:
            top, count = Counter(grams).most_common(1)[0]
            if len(top) * count / len(text) > limit:
                return f"top_{n}_gram"
    for n, limit in f.dup_n_grams:
        seen, i, chars = set(), 0, 0
        while i < len(words) - n + 1:
            g = tuple(words[i : i + n])
            if g in seen:
                chars += sum(map(len, g))
                i += n
            else:
                seen.add(g)
                i += 1
        if chars / len(text) > limit:
            return f"duplicated_{n}_n_grams"
    return None


@pytest.mark.parametrize(
    "f",
    [
        GopherRepetitionFilter(),
        GopherRepetitionFilter(record_signals=True),
        GopherRepetitionFilter(top_n_grams=DEFAULT_TOP_N_GRAMS[::-1], dup_n_grams=DEFAULT_DUP_N_GRAMS[::-1]),
    ],
    ids=["defaults", "signals", "reversed-order"],
)
def test_matches_reference_on_random_documents(f):
    rng = random.Random(7)
    reasons = Counter()
    for _ in range(100):
        vocab = [f"v{i}" + "x" * rng.randint(0, 6) for i in range(rng.randint(3, 400))]
        lines = []
        for _ in range(rng.randint(1, 25)):
            if lines and rng.random() < 0.15:
                lines.append(rng.choice(lines))
            else:
                lines.append(" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 30))))
        text = rng.choice(["\n", "\n\n"]).join(lines)
        expected = reference(text, f)
        assert f.filter(doc(text)) == expected, text
        reasons[expected] += 1
    assert len(reasons) >= 5, reasons  # the sample exercises several rules
