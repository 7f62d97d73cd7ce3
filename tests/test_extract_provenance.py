"""Each document records which library produced its text: a signal on it, and counters for stats.json."""

from __future__ import annotations

import itertools

from thresher.io.inputs import iter_input
from thresher.io.pages import HtmlPage, TextPage
from thresher.config import bundled_sample_path, config_from_dict
from thresher.run.pages import PRE_EXTRACTED, PageProcessor
from thresher.run.plan import page_plan
from thresher.record import Document
from thresher.stats import DictStats, NullStats


def _processor(**extract) -> PageProcessor:
    config = config_from_dict({"extract": {"params": {"timeout_s": None}, **extract},
                               "langid": {"enabled": False}, "filters": [], "output": {"keep_signals": True}})
    return PageProcessor(page_plan(config))


def _html_pages(n: int) -> list[HtmlPage]:
    pages = (p for p in iter_input(bundled_sample_path(), NullStats()) if isinstance(p, HtmlPage))
    return list(itertools.islice(pages, n))


def test_kept_pages_are_counted_by_the_library_whose_text_they_carry():
    for profile in ("default", "fast"):
        processor = _processor(profile=profile)
        stats = DictStats()
        docs = [processor.process(page, stats) for page in _html_pages(40)]
        kept = [d for d in docs if isinstance(d, Document)]
        by = {name.rsplit("/", 1)[1]: n for name, n in stats.counts.items() if name.startswith("extract/by/")}
        assert set(by) <= {"trafilatura", "resiliparse"} and sum(by.values()) == stats["extract/kept"] == len(kept)
        for doc in kept:
            labels = [k for k in doc.signals if k.startswith("extract.by.")]
            assert len(labels) == 1 and doc.signals[labels[0]] == 1.0
        if profile == "fast":
            assert by.get("resiliparse", 0) > 0


def test_single_library_and_pre_extracted_text_are_labelled_too():
    processor = _processor(extractor="resiliparse")
    stats = DictStats()
    doc = processor.process(_html_pages(1)[0], stats)
    assert isinstance(doc, Document) and doc.signals["extract.by.resiliparse"] == 1.0
    assert stats["extract/by/resiliparse"] == 1
    text_page = TextPage(url="https://example.org/a", crawl_date="", record_id="r1", source="s", offset=0,
                         text="Already extracted text of a page.")
    stats = DictStats()
    doc = processor.process(text_page, stats)
    assert isinstance(doc, Document) and doc.signals[f"extract.by.{PRE_EXTRACTED}"] == 1.0
    assert stats[f"extract/by/{PRE_EXTRACTED}"] == 1


def test_signals_go_unless_the_config_keeps_them():
    config = config_from_dict({"extract": {"params": {"timeout_s": None}}, "langid": {"enabled": False},
                               "filters": []})
    doc = PageProcessor(page_plan(config)).process(_html_pages(1)[0], DictStats())
    assert isinstance(doc, Document) and doc.signals == {}
