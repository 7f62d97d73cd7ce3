"""spaCy-compatible English tokens without spaCy (what FineWeb's rules count).

The expected tokens are what ``spacy.blank("en")`` 3.8 gives (checked against
it on the whole datatrove fixture corpus by ``bench/datatrove_decisions.py
--tokens``; ``tests/test_filters_datatrove.py`` holds the decisions)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thresher.stages.text.spacy_tokens import count_spacy_sentences, is_word_token, spacy_tokens


@pytest.mark.parametrize("text,tokens", [
    ("Hello, world!", ["Hello", ",", "world", "!"]),
    ("don't can't won't I'm you're it's", ["do", "n't", "ca", "n't", "wo", "n't", "I", "'m", "you", "'re", "it", "'s"]),
    ("Don’t dont cant Im wed well its", ["Do", "n’t", "do", "nt", "ca", "nt", "I", "m", "we", "d", "well", "its"]),
    ("Mr. Smith met Dr. Jones on Jan. 5, e.g. at 10am.", ["Mr.", "Smith", "met", "Dr.", "Jones", "on", "Jan.", "5", ",", "e.g.", "at", "10", "am", "."]),
    ("U.S. USA. a.b.c. A. (D-Minn.), x.y", ["U.S.", "USA", ".", "a.b.c", ".", "A.", "(", "D", "-", "Minn.", ")", ",", "x.y"]),
    ("well-known 2021-22 e-mail x--y --word word-- -5", ["well", "-", "known", "2021", "-", "22", "e", "-", "mail", "x", "--", "y", "--word", "word--", "-5"]),
    ("$5 US$5 5$ 50% (50%) 10km 5kg. 3.14.", ["$", "5", "US$", "5", "5", "$", "50", "%", "(", "50", "%", ")", "10", "km", "5", "kg", ".", "3.14", "."]),
    ("http://a.com/x?y=1 www.foo.com foo.com. a/b hello.World", ["http://a.com/x?y=1", "www.foo.com", "foo.com", ".", "a", "/", "b", "hello", ".", "World"]),
    ("word... ...word #tag @user :) (word): ''", ["word", "...", "...", "word", "#", "tag", "@user", ":)", "(", "word", "):", "''"]),
    ("«q» “quoted” ‘word’ ©2021 ★★", ["«", "q", "»", "“", "quoted", "”", "‘", "word", "’", "©", "2021", "★", "★"]),
    ("", []),
    ("  \n\t ", []),
])
def test_tokens_as_spacy_makes_them(text, tokens):
    assert spacy_tokens(text) == tokens


def test_words_and_sentences():
    assert [t for t in spacy_tokens("A - | -- 2021 word.") if is_word_token(t)] == ["A", "2021", "word"]
    assert count_spacy_sentences(spacy_tokens("One. Two! Three? Four")) == 4
    assert count_spacy_sentences(spacy_tokens("Wait... what")) == 1  # "..." is no sentence end
    assert count_spacy_sentences(spacy_tokens('He said "no." Then left.')) == 2
    assert count_spacy_sentences(spacy_tokens("Rep. Ilhan Omar (D-Minn.) spoke.")) == 1
    assert count_spacy_sentences([]) == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_tokens_cover_the_text_exactly(text):
    # Tokens are the non-whitespace characters of the text, in order, split.
    tokens = spacy_tokens(text)
    assert "".join(tokens) == "".join(text.split())
    assert all(tokens) and not any(ch.isspace() for t in tokens for ch in t)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["word", "Mr.", "don't", "(", ")", ".", ",", "...", "-", "U.S.", ":)", "10km", "'s", "e.g.", "—", "x"]),
                max_size=12))
def test_glued_pieces_never_lose_characters(pieces):
    text = "".join(pieces)
    assert "".join(spacy_tokens(text)) == text
