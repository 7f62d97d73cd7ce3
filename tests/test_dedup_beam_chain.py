"""DedupChain (light records, documents joined back once) against UrlDedup, ExactDedup and MinHashDedup in a row."""

from __future__ import annotations

import random

import pytest

from thresher.dedup.params import MinHashParams
from thresher.engines.beam.dedup import DedupChain, ExactDedup, MinHashDedup, UrlDedup, VerifiedMinHashDedup

from tests.test_dedup_beam import IN_MEMORY, TWO_PROCESSES, doc, near_duplicate_corpus, run_dedup


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


def _decisions(kept, removed) -> list:
    return sorted([(d.id, None) for d in kept] + [(d.id, d.duplicate_of) for d in removed], key=str)


def _measured(counters: dict) -> dict:
    return {k: v for k, v in counters.items() if not k.endswith(("/time_us", "/cpu_us"))}


@pytest.mark.parametrize("verify", [False, True])
def test_chain_equals_the_three_transforms(tmp_path, verify):
    docs = mixed_corpus()
    params = MinHashParams(max_rounds=4)
    minhash = VerifiedMinHashDedup(params) if verify else MinHashDedup(params)
    kept, removed, counters = run_dedup(docs, lambda: [UrlDedup(), ExactDedup(), minhash], tmp_path / "three")
    # The chain on two worker processes, clustering on one worker (a small graph).
    chain = DedupChain(minhash=params, verify=verify, max_documents=len(docs))
    kept_c, removed_c, counters_c = run_dedup(docs, lambda: [chain], tmp_path / "chain", TWO_PROCESSES)
    assert _decisions(kept_c, removed_c) == _decisions(kept, removed)
    assert sorted(d.to_dict().items() for d in kept_c) == sorted(d.to_dict().items() for d in kept)
    assert _measured(counters_c) == _measured(counters)
    assert counters["dedup_url/dropped/duplicate_url"] >= 8  # every stage removed something
    assert counters["dedup_exact/dropped/exact_duplicate"] >= 1
    assert counters["dedup_minhash/dropped/near_duplicate"] > 20


def test_chain_with_stages_off(tmp_path):
    docs = mixed_corpus()
    kept, removed, counters = run_dedup(docs, lambda: [ExactDedup()], tmp_path / "one")
    kept_c, removed_c, counters_c = run_dedup(
        docs, lambda: [DedupChain(url_keep=None, minhash=None)], tmp_path / "chain", IN_MEMORY
    )
    assert _decisions(kept_c, removed_c) == _decisions(kept, removed)
    assert _measured(counters_c) == _measured(counters)
    assert not any(k.startswith(("dedup_url", "dedup_minhash")) for k in counters_c)
    with pytest.raises(ValueError, match="at least one stage"):
        DedupChain(url_keep=None, exact_normalization=None)
    with pytest.raises(ValueError, match="keep rule"):
        DedupChain(url_keep="newest")
