"""The dedup job with every stage at once equals the stages one at a time, on every engine."""

from __future__ import annotations

import random

import pytest

from flows import ENGINES, dedup_plan, doc, run_dedup
from test_dedup_job import near_duplicate_corpus
from thresher.stages.dedup.params import MinHashParams
from thresher.stats import is_measurement

PARAMS = MinHashParams(hash="xxh3", max_rounds=4)


def mixed_corpus() -> list:
    """Near-duplicate groups plus URL duplicates, exact copies and one record read twice."""
    docs = near_duplicate_corpus(seed=3)
    rng = random.Random(8)
    for i, d in enumerate(rng.sample(docs, 8)):  # other crawls of the same URLs
        docs.append(doc(f"url{i}", f"a later crawl of page {i}", url=d.url, date="2024-06-01"))
    docs.append(doc("copy_a", docs[5].text, date="2023-01-01"))  # exact copy, earlier: wins the exact stage
    docs.append(docs[10])  # the same record twice (one id)
    docs.append(docs[-2])  # and the exact copy's record twice too
    return docs


def _measured(counters: dict) -> dict:
    return {k: v for k, v in counters.items() if not is_measurement(k)}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("verify", [False, True])
def test_all_stages_at_once_equal_one_at_a_time(engine, verify, tmp_path):
    docs = mixed_corpus()
    threshold = 0.7 if verify else None
    together = run_dedup(engine, docs, dedup_plan(PARAMS, url_keep="latest", exact_normalization="default",
                                                  minhash=True, verify_threshold=threshold), tmp_path)
    removed: dict = {}
    counters: dict = {}
    survivors = docs
    for stage in (dict(url_keep="latest"), dict(exact_normalization="default"),
                  dict(minhash=True, verify_threshold=threshold)):
        kept, gone, counted = run_dedup(engine, survivors, dedup_plan(PARAMS, **stage), tmp_path)
        for doc_id, duplicate_of in gone.items():  # a page read twice can be removed by two stages
            if doc_id in removed:
                duplicate_of = tuple(sorted((removed[doc_id], duplicate_of), key=str))
            removed[doc_id] = duplicate_of
        counters.update(_measured(counted))
        # The same record twice leaves one copy: the survivors keep one record per kept document.
        survivors = kept
    assert [d.id for d in together[0]] == [d.id for d in survivors]
    assert together[1] == removed
    assert _measured(together[2]) == counters
    assert counters["dedup_url/dropped/duplicate_url"] >= 8  # every stage removed something
    assert counters["dedup_exact/dropped/exact_duplicate"] >= 1
    assert counters["dedup_minhash/dropped/near_duplicate"] > 20


@pytest.mark.parametrize("engine", ENGINES)
def test_no_stage_keeps_every_document(engine, tmp_path):
    docs = mixed_corpus()
    kept, removed, counters = run_dedup(engine, docs, dedup_plan(PARAMS), tmp_path)
    assert len(kept) == len(docs) and not removed
    assert not any(k.startswith("dedup_") for k in counters)
