"""Containers named like boilerplate, left out by resiliparse; and the page's largest <article>."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from resiliparse.extract.html2text import extract_plain_text

from thresher.errors import ConfigError
from thresher.io.charset import decode_html
from thresher.stages.extract import build_extractor
from thresher.stages.extract.boilerplate import (
    boilerplate_selectors,
    css_string,
    largest_article,
)
from thresher.stages.extract.combined import FAST_RESILIPARSE
from thresher.stages.extract.gold import GOLD_SETS, available, load_gold_set
from thresher.stages.extract.resiliparse_extractor import OVERPRUNED_WORDS
from thresher.stages.extract.scoring import page_f1, words

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BODY = ("The rowing club met on Tuesday evening to plan the spring regatta, and the boat house will open "
        "again after the winter repairs. ")


def _paragraphs(n: int, tag: str = "p") -> str:
    return "".join(f"<{tag}>{BODY}Paragraph {i}.</{tag}>" for i in range(n))


def test_named_containers_become_exact_selectors_on_block_elements_only():
    page = ('<body class="has-sidebar"><article class="post-meta">'
            '<div class="share-bar top">s</div><SECTION ID="related-posts">r</SECTION>'
            "<span class='byline'>b</span><ul class=\"most-popular\"><li class=\"x\">l</li></ul>"
            '<a class="share-link">a</a><div class="content">c</div><p id="Footer-note">f</p></article></body>')
    assert boilerplate_selectors(page) == [
        'div[class="share-bar top"]',
        'p[id="Footer-note"]',
        'section[id="related-posts"]',
        'span[class="byline"]',
        'ul[class="most-popular"]',
    ]
    assert boilerplate_selectors("<div class='article-body'><p>text</p></div>") == []


def test_values_with_quotes_entities_and_newlines_give_selectors_that_parse_and_match():
    for value in ('share-"quoted" bar', "related\nstories", "teaser &amp; more", "caption\\x"):
        page = (f"<html><body><article><p>{BODY}</p>"
                f"<div class='{value}'>BOILERPLATE</div></article></body></html>")
        skip = boilerplate_selectors(page)
        assert len(skip) == 1, value
        text = extract_plain_text(page, skip_elements=skip)
        assert "BOILERPLATE" not in text and "rowing club" in text, value
    assert css_string('a"b\\c\nd') == 'a\\"b\\\\c\\a d'


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(value=st.text(min_size=1, max_size=30))
def test_any_class_value_gives_a_selector_that_parses_and_skips_its_element(value):
    value = value.replace("'", "").replace(">", "")  # kept inside the single-quoted attribute and the tag
    page = (f"<html><body><article><p>{BODY}</p><div class='share-{value}'>BOILERPLATE</div>"
            "</article></body></html>")
    skip = boilerplate_selectors(page)
    assert len(skip) == 1
    assert "BOILERPLATE" not in extract_plain_text(page, skip_elements=skip)


def test_largest_article_counts_nested_articles_in_their_parent_and_ignores_unclosed_ones():
    assert largest_article("<p>no article</p>") is None
    page = "<article>a</article><ARTICLE class=x>bb<article>c</article>dd</ARTICLE><article>open"
    start, end = largest_article(page)
    assert page[start:end] == "<ARTICLE class=x>bb<article>c</article>dd</ARTICLE>"


def _extract(page: str, **params) -> str:
    return build_extractor("resiliparse", {"timeout_s": None, **params}).extract(page) or ""


def test_boilerplate_containers_leave_out_named_boxes_resiliparse_keeps():
    page = (f"<html><body><article>{_paragraphs(3)}<div class='next-stories'><p>{BODY}NEXT</p></div>"
            f"<div class='photo-caption'>CAPTION of the photo</div></article></body></html>")
    assert "NEXT" in _extract(page) and "CAPTION" in _extract(page)
    refined = _extract(page, boilerplate_containers=True)
    assert "NEXT" not in refined and "CAPTION" not in refined and "Paragraph 2" in refined


def test_when_a_named_wrapper_holds_the_article_the_page_is_read_without_the_skips():
    page = f"<html><body><div class='layout with-sidebar'>{_paragraphs(6)}</div></body></html>"
    assert boilerplate_selectors(page) == ['div[class="layout with-sidebar"]']
    assert _extract(page, boilerplate_containers=True) == _extract(page)
    assert len(words(_extract(page))) > OVERPRUNED_WORDS
    # A short page whose only box is named like boilerplate is not emptied either.
    short = "<html><body><div class='widget-area'><p>Opening hours: nine to five.</p></div></body></html>"
    assert _extract(short, boilerplate_containers=True) == _extract(short) != ""


def test_article_share_keeps_to_the_article_only_when_it_holds_that_share_of_the_words():
    teasers = "".join(f"<div class='card'><p>{BODY}Teaser {i}.</p></div>" for i in range(2))
    page = f"<html><body><main><article>{_paragraphs(8)}</article>{teasers}</main></body></html>"
    assert "Teaser 1" in _extract(page)
    assert "Teaser 1" not in _extract(page, article_share=0.8)
    small = f"<html><body><main><article>{_paragraphs(1)}</article>{_paragraphs(6, 'p')}</main></body></html>"
    assert _extract(small, article_share=0.8) == _extract(small)
    with pytest.raises(ConfigError, match="article_share"):
        build_extractor("resiliparse", {"article_share": 1.5})


def test_headers_false_leaves_out_header_elements_unless_that_empties_the_page():
    page = (f"<html><body><header><nav>Home</nav><p>{BODY}STANDFIRST</p></header>"
            f"<article><header><p>By a reporter, BYLINE</p></header>{_paragraphs(3)}</article></body></html>")
    assert "STANDFIRST" in _extract(page) and "BYLINE" in _extract(page)
    assert "STANDFIRST" not in _extract(page, headers=False) and "BYLINE" not in _extract(page, headers=False)
    assert "Paragraph 2" in _extract(page, headers=False)
    only_header = f"<html><body><header>{_paragraphs(1)}</header></body></html>"
    assert _extract(only_header, headers=False) == _extract(only_header) != ""


def _gold_pages():
    for name in GOLD_SETS:
        if available(DATA, name):
            yield name, load_gold_set(DATA, name)


@pytest.mark.skipif(not any(available(DATA, n) for n in GOLD_SETS), reason="../shared/data has no gold set")
def test_on_the_real_gold_pages_every_selector_parses_and_the_refinements_gain_on_both_sets():
    plain = build_extractor("resiliparse", {"timeout_s": None})
    refined = build_extractor("resiliparse", {"timeout_s": None, **FAST_RESILIPARSE})
    for name, pages in _gold_pages():
        gains, emptied = [], []
        for page in pages:
            html, _ = decode_html(page.html_bytes)
            # Straight to the library: the extractor's fallback for a selector that fails to parse would hide it.
            extract_plain_text(html, skip_elements=boilerplate_selectors(html))
            before, after = plain.extract(html, page.url), refined.extract(html, page.url)
            if words(before) and not words(after):
                emptied.append(page.url)
            gains.append(page_f1(after, page.gold) - page_f1(before, page.gold))
        assert emptied == [], name
        # +0.019 on scrapinghub-aeb and +0.014 on readability when this was written (BENCHMARKS.md, section 6).
        assert sum(gains) / len(gains) > 0.01, name


def test_a_lone_surrogate_in_the_text_does_not_stop_resiliparse():
    # Thresher's decoding never leaves one, but the extractor is public: resiliparse itself rejects it.
    page = "\ud800<html><body><article><p>" + BODY + "</p></article></body></html>"
    for params in ({}, FAST_RESILIPARSE):
        assert "rowing club" in _extract(page, **params)
