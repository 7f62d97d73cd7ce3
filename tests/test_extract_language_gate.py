"""The language gate: trafilatura is skipped only on pages the language stage drops anyway.

Real components throughout: the bundled lid.176, both extraction libraries, the
bounded worker process, the bundled sample crawl and (when present) the real gold
pages in ../shared/data.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from thresher.config import bundled_sample_path, config_from_dict
from thresher.errors import ConfigError
from thresher.io.charset import decode_html
from thresher.io.inputs import iter_input
from thresher.io.pages import HtmlPage
from thresher.record import Document
from thresher.run.pages import PageProcessor
from thresher.run.plan import language_gate, page_plan
from thresher.stages.extract import build_extractor
from thresher.stages.extract.combined import CombinedExtractor
from thresher.stages.extract.language_gate import LanguageGate
from thresher.stages.langid.language_filter import LanguageFilter
from thresher.stats import DictStats, NullStats

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

ENGLISH = ("The old mill by the river was rebuilt in 1902 after a fire destroyed most of the town. "
           "Its wheel still turns every summer, and the museum beside it explains how flour was made.")
FRENCH = ("Le vieux moulin au bord de la rivière a été reconstruit en 1902 après un incendie qui a détruit "
          "presque toute la ville. Sa roue tourne encore chaque été, et le musée explique comment on faisait la farine.")


def _page(paragraphs: list[str], teasers: list[str]) -> str:
    """An article whose short teaser lines make resiliparse's text boilerplate-shaped (the fast profile routes it)."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    more = "".join(f'<p><a href="/{i}">{item}</a></p>' for i, item in enumerate(teasers))
    return (f"<html><head><title>t</title></head><body>"
            f"<article><h1>Title</h1>{body}{more}</article><footer>Contact</footer></body></html>")


def _sample_pages(n: int) -> list[HtmlPage]:
    pages = (p for p in iter_input(bundled_sample_path(), NullStats()) if isinstance(p, HtmlPage))
    return list(itertools.islice(pages, n))


def test_the_gate_names_a_confident_language_that_is_not_kept():
    gate = LanguageGate(languages=["en"])
    prediction = gate.rules_out(FRENCH)
    assert prediction is not None and prediction.language == "fr" and prediction.score >= 0.5
    # The language stage's own prediction for the same text, which the gate hands on to it.
    assert prediction == LanguageFilter(languages=["en"]).identifier.predict(FRENCH)
    assert gate.rules_out(ENGLISH) is None
    assert LanguageGate(languages=["en", "fr"]).rules_out(FRENCH) is None
    # Never sure enough: the page is extracted as before.
    assert LanguageGate(languages=["en"], min_score=1.0).rules_out(FRENCH) is None


@pytest.mark.parametrize("params, message", [
    ({"languages": []}, "non-empty"),
    ({"languages": "en"}, "non-empty"),
    ({"languages": ["en"], "min_score": 1.5}, "within 0..1"),
])
def test_bad_gate_parameters_fail_with_one_line(params, message):
    with pytest.raises(ValueError, match=message):
        LanguageGate(**params)


@pytest.mark.parametrize("profile", ["default", "fast"])
@pytest.mark.parametrize("timeout_s", [None, 30.0], ids=["inline", "bounded-worker"])
def test_a_page_in_a_language_not_kept_keeps_resiliparse_text(profile, timeout_s):
    # The fast profile routes a page with this many short lines to trafilatura at this threshold.
    routing = {"max_short_share": 0.5} if profile == "fast" else {}
    gated = CombinedExtractor(profile=profile, timeout_s=timeout_s, language_gate={"languages": ["en"]}, **routing)
    plain = CombinedExtractor(profile=profile, timeout_s=None, **routing)
    resiliparse = plain._inner_extractors()[1]
    try:
        html = _page([FRENCH, FRENCH.replace("1902", "1903")], ["Lire aussi la suite", "Nos autres moulins"] * 20)
        result = gated.extract_labelled(html, "https://example.fr/moulin")
        assert result.gated_language == "fr"
        assert result.extractor == "resiliparse"
        assert result.text == resiliparse.extract_inline(html, "https://example.fr/moulin")
        # trafilatura ran without the gate (its share is a signal of the choice), not with it.
        ungated = plain.extract_labelled(html, "https://example.fr/moulin")
        assert ungated.gated_language is None and "extract.trafilatura_share" in ungated.signals
        assert "extract.trafilatura_share" not in result.signals

        english = _page([ENGLISH, ENGLISH.replace("1902", "1903")], ["Read more of this", "Our other mills"] * 20)
        kept = gated.extract_labelled(english, "https://example.org/mill")
        assert kept.gated_language is None and "extract.trafilatura_share" in kept.signals
        assert kept == plain.extract_labelled(english, "https://example.org/mill")
    finally:
        gated.close()


def test_the_run_plan_gives_the_gate_only_when_language_id_keeps_a_list():
    def plan(**sections):
        return language_gate(config_from_dict(sections))

    assert plan(langid={"languages": ["en", "de"]}) == {"languages": ("en", "de"), "model_path": None, "top_k": 3}
    assert plan(langid={"languages": ["en"], "model": "/models/lid.bin"})["model_path"] == "/models/lid.bin"
    assert plan(langid={"languages": None}) is None
    assert plan(langid={"languages": ["en"], "enabled": False}) is None
    assert plan(langid={"languages": ["en"]}, extract={"language_gate": False}) is None
    assert plan(langid={"languages": ["en"]}, extract={"extractor": "trafilatura"}) is None
    with pytest.raises(ConfigError, match="extract.language_gate"):
        build_extractor("combined", {"language_gate": {"languages": ["en"]}})


@pytest.mark.parametrize("profile", ["default", "fast"])
def test_on_the_sample_the_gate_changes_no_kept_document_and_every_gated_page_is_dropped(profile):
    # At the fast profile's default max_short_share (1.0) trafilatura runs only on pages resiliparse finds
    # empty, and the gate has nothing to read: 0.5 routes the boilerplate-shaped pages, as users may.
    params = {"timeout_s": None, **({"max_short_share": 0.5} if profile == "fast" else {})}

    def processor(gate: bool) -> PageProcessor:
        config = config_from_dict({"preset": "fineweb", "extract": {"profile": profile, "language_gate": gate,
                                                                    "params": params}})
        p = PageProcessor(page_plan(config))
        p.setup()
        return p

    on, off = processor(True), processor(False)
    stats_on, stats_off = DictStats(), DictStats()
    fresh_language_id = LanguageFilter(languages=["en"])
    for page in _sample_pages(400):
        with_gate, without = on.process(page, stats_on), off.process(page, stats_off)
        assert type(with_gate) is type(without)
        if isinstance(with_gate, Document):
            assert with_gate.text == without.text and with_gate.language == without.language
        elif with_gate.reason == "langid/language_not_kept":
            # Labelled from the gate's prediction where it acted: what the stage itself would have said.
            doc = with_gate.dropped
            expected = fresh_language_id.identifier.predict(doc.text)
            assert (doc.language, doc.language_score) == (expected.language, round(expected.score, 4))
    counted = sum(n for name, n in stats_on.counts.items() if name.startswith("extract/language_gated/"))
    assert counted > 20, "the sample has pages in several languages: the gate must act on some"
    assert not any(name.startswith("extract/language_gated/") for name in stats_off.counts)
    assert stats_on["langid/dropped/language_not_kept"] >= counted
    assert stats_on["langid/kept"] == stats_off["langid/kept"]


@pytest.mark.skipif(not (DATA / "extract-readability-mozilla").is_dir(), reason="../shared/data is absent")
def test_on_real_pages_no_page_the_run_keeps_is_gated():
    from thresher.stages.extract.gold import load_gold_set

    language_id = LanguageFilter(languages=["en"], threshold=0.65)
    plain = CombinedExtractor(timeout_s=None)
    gate = LanguageGate(languages=["en"])
    resiliparse = plain._inner_extractors()[1]
    gated = 0
    for page in load_gold_set(DATA, "readability"):
        html, _ = decode_html(page.html_bytes, None)
        resi = resiliparse.extract_inline(html, page.url)
        if not resi or gate.rules_out(resi) is None:
            continue
        gated += 1
        text = plain.extract_inline(html, page.url)
        doc = Document(id=page.id, url=page.url, text=text or "", crawl_date="", source="", offset=0, record_id="")
        assert not text or language_id.filter(doc) is not None, f"{page.id}: gated, but the run would keep it"
    assert gated >= 10, "the readability set has pages in many languages"
