"""Bounded fuzzing of the extraction wrapper: mutated real pages through bounded trafilatura and resiliparse.

The pages are the real HTML of ``shared/data/warc-*``, cut, nested thousands
deep, flooded with entities, NULs, lone surrogates and unclosed comments
(``test_fuzz_cases.mutate_html``). Whatever the page, ``extract()`` returns
text or None, or raises an :class:`~thresher.stages.extract.base.ExtractionBoundHit`
the pipeline counts; nothing else may escape, and a page that hits a bound
must not cost the pages after it.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from thresher.stages.extract import build_extractor
from thresher.stages.extract.base import ExtractionBoundHit, ExtractionTimeout
from thresher.stages.extract.combined import FAST_RESILIPARSE

from extract_doubles import STALL, StallingTrafilatura
from test_fuzz_cases import FuzzMaterial, gen_extract, load_material, mutate_html
from test_fuzz_checks import check_extract

# ~50 ms per page in the worker: a few seconds. bench/fuzz_inputs.py runs thousands.
EXTRACT_EXAMPLES = 40


@pytest.fixture(scope="module")
def material(shared_data: Path) -> FuzzMaterial:
    return load_material(shared_data)


@pytest.fixture(scope="module")
def extractor() -> Iterator:
    bounded = build_extractor("trafilatura", {"timeout_s": 5.0})
    yield bounded
    bounded.close()


@settings(derandomize=True, max_examples=EXTRACT_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(rng=st.randoms(use_true_random=False))
def test_mutated_real_pages_extract_or_hit_a_bound(material: FuzzMaterial, extractor, rng: random.Random):
    case = gen_extract(rng, material)
    html = case.data.decode("utf-8", "surrogatepass")
    note(f"{len(html)} characters, url {case.params['url']!r}, head {html[:120]!r}")
    check_extract(extractor, html, case.params["url"])


@pytest.fixture(scope="module")
def refined_resiliparse() -> Iterator:
    """resiliparse as the fast profile reads (boilerplate selectors built from the mutated markup)."""
    bounded = build_extractor("resiliparse", {"timeout_s": 5.0, **FAST_RESILIPARSE})
    yield bounded
    bounded.close()


@settings(derandomize=True, max_examples=EXTRACT_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(rng=st.randoms(use_true_random=False))
def test_mutated_real_pages_through_the_fast_profiles_resiliparse(material: FuzzMaterial, refined_resiliparse,
                                                                  rng: random.Random):
    case = gen_extract(rng, material)
    html = case.data.decode("utf-8", "surrogatepass")
    note(f"{len(html)} characters, head {html[:120]!r}")
    check_extract(refined_resiliparse, html, case.params["url"])


def test_a_page_after_a_bound_hit_still_extracts(material: FuzzMaterial):
    # The bound hit is certain, whatever the load: the page never finishes (a stall marker in the
    # real worker), so the timeout must cut it off; the restarted worker then takes the next page.
    bounded = StallingTrafilatura(timeout_s=0.5)
    url, html = max(material.pages, key=lambda page: len(page[1]))
    try:
        with pytest.raises(ExtractionBoundHit) as info:
            bounded.extract(STALL + html + "<div>" * 200_000 + html * 20, url)
        assert isinstance(info.value, ExtractionTimeout)
        bounded.timeout_s = 60.0
        text = bounded.extract("<html><body><article><p>" + "Harbour boats came in. " * 40 + "</p></article></body></html>")
        assert text is not None and "Harbour boats" in text
        assert bounded._worker.starts == 2
    finally:
        bounded.close()


def test_html_mutations_reach_the_hostile_cases():
    rng = random.Random(5)
    page = "<html><head></head><body>" + "<p>text</p>" * 50 + "</body></html>"
    mutants = [mutate_html(rng, page) for _ in range(200)]
    assert any("\x00" in m for m in mutants)
    assert any(any("\ud800" <= ch <= "\udfff" for ch in m) for m in mutants)
    assert any(m.count("<div>") >= 3000 or m.count("<p>") >= 3000 or m.count("<span>") >= 3000 for m in mutants)
