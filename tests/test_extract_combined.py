"""The combined extractor: trafilatura and resiliparse, the better text per page, never less than trafilatura."""

from __future__ import annotations

import pickle

import pytest

from thresher.errors import ConfigError
from thresher.stages.extract import build_extractor
from thresher.stages.extract.combined import (
    FAST_RESILIPARSE,
    CombinedExtractor,
    _attempt,
    short_line_share,
    surplus_short_words,
)

SENTENCE = "The rowing club met on Tuesday evening to plan the spring regatta, and the boat house will open soon."

# An older page laid out in a table: trafilatura without tables found nothing in it.
TABLE_PAGE = (
    "<html><head><title>Club news 2004</title></head><body bgcolor=white><table width=760><tr><td width=140>"
    "<a href=/>Home</a><br><a href=/news>News</a><br><a href=/links>Links</a></td><td>"
    + "".join(f"<font face=arial size=2>Meeting {n}. {SENTENCE}</font><br><br>" for n in range(6))
    + "</td></tr></table></body></html>"
)

ARTICLE = (
    "<html><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Harbour reopens</h1>"
    + "".join(f"<p>Paragraph {n}: the old harbour reopened after months of repairs, and the first boats "
              f"came in before noon while people watched from the pier.</p>" for n in range(8))
    + "</article><footer>Contact us</footer></body></html>"
)

# Menus, share bars and teasers: resiliparse's text of it is mostly short lines.
LINKY = (
    "<html><body><main>"
    + "".join(f"<div><a href='/s{n}'>Story {n}</a></div><div>Share</div><div>Tweet</div>" for n in range(30))
    + f"<p>{SENTENCE}</p></main></body></html>"
)


def rule(**params) -> CombinedExtractor:
    return CombinedExtractor(timeout_s=None, **params)


def test_trafilatura_text_is_kept_when_resiliparse_only_adds_boilerplate():
    traf = "\n".join([SENTENCE] * 4)
    resi = "\n".join(["Home", "World", "Share", "Tweet", "By Jane Doe", "Updated 2 hours ago", *[SENTENCE] * 4,
                      "Related stories", "Sign up for our newsletter"])
    result = rule().choose(traf, resi)
    assert result.extractor == "trafilatura" and result.text == traf


def test_resiliparse_text_is_kept_when_trafilatura_lost_most_of_the_page():
    traf = SENTENCE
    resi = "\n".join(f"Part {n}. {SENTENCE}" for n in range(10))
    result = rule().choose(traf, resi)
    assert result.extractor == "resiliparse" and result.text == resi
    assert result.signals["extract.trafilatura_share"] < 0.4


def test_in_between_the_shape_of_resiliparse_surplus_decides():
    traf = "\n".join(f"Part {n}. {SENTENCE}" for n in range(5))
    body_surplus = traf + "\n" + "\n".join(f"Later part {n}. {SENTENCE}" for n in range(4))
    menu_surplus = traf + "\n" + "\n".join(f"Menu entry {n}" for n in range(40))
    share = len(traf.split()) / len(body_surplus.split())
    assert 0.4 < share < 0.55  # between min_share and min_share_clean
    assert rule().choose(traf, body_surplus).extractor == "resiliparse"
    chosen = rule().choose(traf, menu_surplus)
    assert chosen.extractor == "trafilatura" and chosen.signals["extract.surplus_short_words"] >= 80


def test_an_empty_side_gives_the_other_and_both_empty_gives_none():
    assert rule().choose(None, SENTENCE).text == SENTENCE
    assert rule().choose(SENTENCE, None).text == SENTENCE
    assert rule().choose(SENTENCE, "").extractor == "trafilatura"
    assert rule().choose(None, None).text is None and rule().choose("  ", "\n").text is None


def test_line_shape_signals():
    assert short_line_share(SENTENCE) == 0.0
    assert short_line_share("Home\nNews\n" + SENTENCE) == pytest.approx(2 / (2 + len(SENTENCE.split())), abs=0.02)
    assert short_line_share(None) == 1.0
    # Surplus: short lines of the text that the reference lacks; contained ones do not count.
    assert surplus_short_words("Home\nNews today\n" + SENTENCE, SENTENCE) == 3
    assert surplus_short_words("Home\n" + SENTENCE, "Home. " + SENTENCE) == 0


def test_one_library_failing_on_a_page_leaves_the_other():
    def broken(html: str, url: str) -> str:
        raise ValueError("parser bug")

    def exhausted(html: str, url: str) -> str:
        raise MemoryError

    text, error = _attempt(broken, "<p>x</p>", "")
    assert text is None and isinstance(error, ValueError)
    with pytest.raises(MemoryError):  # the worker's memory bound must still see it
        _attempt(exhausted, "<p>x</p>", "")


def test_a_table_laid_page_is_not_lost():
    for name in ("trafilatura", "combined"):
        text = build_extractor(name, {"timeout_s": None}).extract(TABLE_PAGE) or ""
        assert text.count("rowing club met") == 6, name
    assert build_extractor("trafilatura", {"timeout_s": None, "include_tables": False}).extract(TABLE_PAGE) is None


def test_each_result_names_its_library_and_the_worker_passes_it_on():
    inline = build_extractor("combined", {"timeout_s": None})
    bounded = build_extractor("combined", {"timeout_s": 60})
    try:
        for page in (ARTICLE, TABLE_PAGE, LINKY):
            expected = inline.extract_labelled(page)
            assert expected.extractor in ("trafilatura", "resiliparse")
            assert bounded.extract_labelled(page) == expected
            assert bounded.extract(page) == expected.text
    finally:
        bounded.close()


def test_fast_profile_runs_trafilatura_only_where_resiliparse_text_looks_like_boilerplate():
    fast = build_extractor("combined", {"timeout_s": None, "max_short_share": 0.55}, profile="fast")
    prose = fast.extract_labelled(ARTICLE)
    assert prose.extractor == "resiliparse" and "harbour reopened" in prose.text
    assert "extract.trafilatura_share" not in prose.signals  # trafilatura did not run
    linky = fast.extract_labelled(LINKY)
    assert linky.signals["extract.short_line_share"] > fast.max_short_share
    assert "extract.trafilatura_share" in linky.signals  # routed: both ran, the rule chose
    assert SENTENCE[:40] in (linky.text or "")


def test_fast_profile_by_default_runs_trafilatura_only_where_resiliparse_has_no_text():
    fast = build_extractor("combined", {"timeout_s": None}, profile="fast")
    assert fast.max_short_share == 1.0
    linky = fast.extract_labelled(LINKY)
    assert linky.extractor == "resiliparse" and "extract.trafilatura_share" not in linky.signals
    # Only a title: resiliparse leaves <h1> out and has nothing, so trafilatura reads the page.
    titled = "<html><body><h1>" + SENTENCE + "</h1></body></html>"
    assert build_extractor("resiliparse", {"timeout_s": None}).extract(titled) is None
    result = fast.extract_labelled(titled)
    assert result.extractor == "trafilatura" and result.text == SENTENCE
    assert result.signals["extract.short_line_share"] == 1.0


def test_fast_profile_reads_with_resiliparse_refinements_which_the_user_can_switch_off():
    fast = build_extractor("combined", {"timeout_s": None}, profile="fast")
    assert fast.resiliparse_params == FAST_RESILIPARSE
    assert build_extractor("combined", {"timeout_s": None}).resiliparse_params == {}
    switched_off = {"boilerplate_containers": False, "article_share": None, "headers": True}
    off = build_extractor("combined", {"timeout_s": None, "resiliparse": switched_off}, profile="fast")
    assert off.resiliparse_params == switched_off  # every fast option overridden
    # A box resiliparse's own heuristics keep, inside the article: named like one, it is left out.
    page = ARTICLE.replace("</article>", '<div class="next-stories"><p>' + SENTENCE + " Next.</p></div></article>")
    assert "Next." not in (fast.extract(page) or "") and "harbour reopened" in fast.extract(page)
    assert "Next." in (off.extract(page) or "")


def test_profile_and_parameters_are_validated():
    assert build_extractor("combined", {}, "fast").profile == "fast"
    assert build_extractor("combined", {}, None).profile == "default"
    with pytest.raises(ConfigError, match="extract.profile"):
        build_extractor("combined", {}, "turbo")
    with pytest.raises(ConfigError, match="needs extract.extractor: combined"):
        build_extractor("trafilatura", {}, "fast")
    assert build_extractor("trafilatura", {}, "default").name == "trafilatura"
    with pytest.raises(ConfigError, match="disagree"):
        build_extractor("combined", {"profile": "default"}, "fast")
    with pytest.raises(ConfigError, match="min_share"):
        build_extractor("combined", {"min_share": 1.5})
    with pytest.raises(ConfigError, match="extract.params"):
        build_extractor("combined", {"trafilatura": {"no_such_option": 1}})


def test_combined_extractor_pickles_without_its_worker_or_libraries():
    extractor = build_extractor("combined", {"timeout_s": 30, "min_share": 0.3})
    try:
        extractor.extract(ARTICLE)
        clone = pickle.loads(pickle.dumps(extractor))
        assert clone._worker is None and clone._inner is None and clone.min_share == 0.3
        assert clone.extract_labelled_inline(ARTICLE) == extractor.extract_labelled_inline(ARTICLE)
    finally:
        extractor.close()


def test_only_the_extraction_worker_imports_trafilatura():
    """The driver and Beam's workers build and ship the extractor: they are spared trafilatura's import."""
    import subprocess
    import sys

    code = ("import sys; from thresher.stages.extract import build_extractor; "
            "build_extractor('combined', {'trafilatura': {'favor_precision': True}}, 'fast'); "
            "print('trafilatura' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    routing = {"max_short_share": 0.55}
    bounded = build_extractor("combined", {"timeout_s": 60, **routing}, profile="fast")
    try:
        inline = build_extractor("combined", {"timeout_s": None, **routing}, "fast")
        assert bounded.extract_labelled(LINKY) == inline.extract_labelled(LINKY)
        assert "extract.trafilatura_share" in bounded.extract_labelled(LINKY).signals  # routed, in the worker
    finally:
        bounded.close()
