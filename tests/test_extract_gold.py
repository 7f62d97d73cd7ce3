"""Extraction on every page of the dev gold sets: nothing bare trafilatura finds is lost, and the combined
extractor scores above both libraries (issue 16's targets), with the F1 of thresher.stages.extract.scoring.

All 311 pages, each library once per page: about 30 s on a quiet 2-core machine. The thresholds of the
combined rule were fitted on one set and are reported on the other (bench/fit_extract_rule.py); these
tests pin the figures BENCHMARKS.md reports, so a change that loses quality fails here.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from thresher.stages.extract import build_extractor
from thresher.stages.extract.gold import GOLD_SETS, available, load_gold_set
from thresher.stages.extract.scoring import oracle_f1, page_f1, words
from thresher.io.charset import decode_html
from thresher.io.inputs import iter_input
from thresher.io.pages import HtmlPage
from thresher.stats import NullStats

TARGET_SHARE_OF_GAP = 0.4


@pytest.fixture(scope="module")
def outputs(shared_data: Path) -> dict[str, dict[str, list]]:
    """Per set: gold texts, bare trafilatura's and bare resiliparse's outputs, and both Thresher profiles'."""
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    default = build_extractor("combined", {"timeout_s": None}, "default")
    fast = build_extractor("combined", {"timeout_s": None}, "fast")
    result: dict[str, dict[str, list]] = {}
    for name in GOLD_SETS:
        if not available(shared_data, name):
            continue
        pages = load_gold_set(shared_data, name)
        entry: dict[str, list] = {"gold": [p.gold for p in pages], "bare_trafilatura": [], "bare_resiliparse": [],
                                  "default": [], "fast": []}
        for page in pages:
            entry["bare_trafilatura"].append(
                trafilatura.extract(page.html_bytes, favor_precision=True, include_comments=False))
            raw = bytes_to_str(page.html_bytes, detect_encoding(page.html_bytes))
            entry["bare_resiliparse"].append(extract_plain_text(raw, main_content=True))
            html, _ = decode_html(page.html_bytes)
            entry["default"].append(default.extract(html, page.url))
            entry["fast"].append(fast.extract(html, page.url))
        result[name] = entry
    if not result:
        pytest.skip("no dev gold set in the shared data")
    return result


def mean_f1(texts: list, golds: list) -> float:
    return sum(page_f1(t, g) for t, g in zip(texts, golds)) / len(golds)


@pytest.mark.parametrize("set_name", GOLD_SETS)
def test_no_page_is_empty_that_bare_trafilatura_extracts(outputs, set_name):
    entry = outputs.get(set_name) or pytest.skip(f"{set_name} is absent")
    for profile in ("default", "fast"):
        lost = [i for i, (ours, bare) in enumerate(zip(entry[profile], entry["bare_trafilatura"]))
                if words(bare) and not words(ours)]
        assert lost == [], profile
    assert len(entry["default"]) == len(entry["gold"]) >= 100


@pytest.mark.parametrize("set_name", GOLD_SETS)
def test_default_extraction_beats_both_libraries_by_the_target_margin(outputs, set_name):
    entry = outputs.get(set_name) or pytest.skip(f"{set_name} is absent")
    gold = entry["gold"]
    traf = [page_f1(t, g) for t, g in zip(entry["bare_trafilatura"], gold)]
    resi = [page_f1(t, g) for t, g in zip(entry["bare_resiliparse"], gold)]
    better = max(sum(traf), sum(resi)) / len(gold)
    target = better + TARGET_SHARE_OF_GAP * (oracle_f1([traf, resi]) - better)
    assert mean_f1(entry["default"], gold) >= target
    assert mean_f1(entry["default"], gold) >= sum(traf) / len(gold)


@pytest.mark.parametrize("set_name", GOLD_SETS)
def test_fast_profile_scores_at_least_bare_trafilatura(outputs, set_name):
    # On scrapinghub-aeb by 0.0004, with resiliparse's options fitted there (BENCHMARKS.md, section 6),
    # measured with resiliparse 2.0.1 and trafilatura 2.3.1: a new version of either may move it either way.
    entry = outputs.get(set_name) or pytest.skip(f"{set_name} is absent")
    gold = entry["gold"]
    fast = mean_f1(entry["fast"], gold)
    assert fast > mean_f1(entry["bare_resiliparse"], gold)
    assert fast >= mean_f1(entry["bare_trafilatura"], gold)


def test_no_real_crawl_page_is_emptied_that_bare_trafilatura_extracts(shared_data: Path):
    """The same guarantee over the HTML pages of the real WARC files (old and broken pages included)."""
    import trafilatura

    extractors = [build_extractor("combined", {"timeout_s": None}, profile) for profile in ("default", "fast")]
    checked = 0
    for folder in ("warc-resiliparse", "warc-node-warc", "warc-warcio"):
        for path in sorted((shared_data / folder).glob("*.warc*")):
            for page in iter_input(str(path), NullStats()):
                if not isinstance(page, HtmlPage):
                    continue
                bare = trafilatura.extract(page.body, favor_precision=True, include_comments=False)
                html, _ = decode_html(page.body, page.http_charset)
                for extractor in extractors:
                    assert not words(bare) or words(extractor.extract(html, page.url)), (extractor.profile, page.url)
                checked += 1
    assert checked >= 20
