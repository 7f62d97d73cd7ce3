"""The dedup job on every engine (Beam's local runner, Spark): decisions, components, determinism, counters."""

from __future__ import annotations

import random

import pytest

from flows import ENGINES, assert_balanced, dedup_plan, doc, run_and_collect, run_dedup
from thresher.stages.dedup.components import SINGLE_WORKER_EDGES, connected_components
from thresher.stages.dedup.keep import apply_keep_rule
from thresher.stages.dedup.lsh import batch_band_keys, star_edges
from thresher.stages.dedup.minhash import minhash_signatures
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles
from thresher.stages.dedup.synthetic import near_duplicate_pair
from thresher.record import Document
from thresher.run.dedup.components import connected_components as components_job
from thresher.stats import is_measurement

PARAMS = MinHashParams(hash="sha1", max_rounds=4)


@pytest.mark.parametrize("engine", ENGINES)
def test_url_then_exact_dedup(engine, tmp_path):
    docs = [
        doc("u1", "page one, first crawl", url="https://Example.com/a/", date="2023-05-01"),
        doc("u2", "page one, second crawl", url="https://example.com/a?utm_source=feed", date="2024-02-01"),
        doc("u3", "page one, second crawl again", url="http://example.com:80/b#top", date="2024-02-01"),
        doc("u4", "different page", url="http://example.com/b", date="2024-02-01"),  # tie: smallest id u3 wins
        doc("e1", "Hello   World", date="2024-03-01"),
        doc("e2", "hello world\n", date="2024-01-01"),  # earliest: kept
        doc("e3", "HELLO WORLD", date="2024-01-01"),
        doc("e4", "hello, world", date="2022-01-01"),  # punctuation differs: not a duplicate
    ]
    plan = dedup_plan(url_keep="latest", exact_normalization="default")
    kept, removed, counters = run_dedup(engine, docs, plan, tmp_path)
    assert [d.id for d in kept] == ["e2", "e4", "u2", "u3"]
    assert removed == {"u1": "u2", "u4": "u3", "e1": "e2", "e3": "e2"}
    assert_balanced(counters, "dedup_url", "duplicate_url", 8)
    assert counters["dedup_url/dropped/duplicate_url"] == 2
    assert_balanced(counters, "dedup_exact", "exact_duplicate", 6)
    assert counters["dedup_exact/dropped/exact_duplicate"] == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_url_dedup_can_keep_the_earliest(engine, tmp_path):
    docs = [doc("a", url="https://x.org/p", date="2024-01-01"), doc("b", url="https://x.org/p/", date="2020-01-01")]
    kept, removed, _ = run_dedup(engine, docs, dedup_plan(url_keep="earliest"), tmp_path)
    assert [d.id for d in kept] == ["b"] and removed == {"a": "b"}


def near_duplicate_corpus(seed: int = 0) -> list[Document]:
    """Groups of near-duplicates, exact copies, unrelated pages, short and empty pages.

    Group members share the first 95 % of a 150-word base text (5-gram
    Jaccard ~ 0.88 to each other), so LSH finds them with probability > 99.9 %;
    the fixed seed makes the outcome the same on every run.
    """
    rng = random.Random(seed)
    docs = []
    for g in range(12):
        base = near_duplicate_pair(0.0, rng, words=150)[0].split()
        cut = int(len(base) * 0.95)
        for m in range(rng.randint(1, 4)):
            fresh = near_duplicate_pair(0.0, rng, words=150)[0].split()
            date = f"2024-0{rng.randint(1, 3)}-0{rng.randint(1, 3)}"
            docs.append(doc(f"g{g:02d}m{m}", " ".join(base[:cut] + fresh[cut:]), date=date))
        docs.append(doc(f"g{g:02d}base", " ".join(base), date=f"2024-0{rng.randint(1, 3)}-01"))
    # Exact copies of a group member, crawled later: removed in favour of the group's best.
    docs.append(doc("x_exact1", docs[0].text, date="2025-01-01"))
    docs.append(doc("x_exact2", docs[0].text, date="2025-01-01"))
    docs += [doc(f"solo{i}", near_duplicate_pair(0.0, rng, words=60)[0]) for i in range(5)]
    docs += [doc("short1", "just three words"), doc("short2", "Just  three WORDS"), doc("empty", "")]
    return docs


def reference_dedup(docs: list[Document], bands: int = 14, rows: int = 8) -> dict[str, str | None]:
    """The same pipeline in memory: band keys -> buckets -> star edges -> union-find -> keep rule."""
    shingles = [word_shingles(d.text) for d in docs]
    keys = batch_band_keys(minhash_signatures(shingles, num_perm=bands * rows), bands, rows)
    buckets: dict = {}
    for d, s, k in zip(docs, shingles, keys):
        for key in k if s else []:
            buckets.setdefault(key, []).append(d.id)
    edges = [e for ids in buckets.values() for e in star_edges(ids)]
    labels = connected_components(edges)
    components: dict = {}
    for d in docs:
        components.setdefault(labels.get(d.id, d.id), []).append(d)
    decision = {}
    for members in components.values():
        kept, removed = apply_keep_rule(members)
        decision[kept.id] = None
        decision.update({r.id: r.duplicate_of for r in removed})
    return decision


@pytest.mark.parametrize("engine", ENGINES)
def test_minhash_dedup_removes_near_duplicates_keeping_the_earliest(engine, tmp_path):
    docs = near_duplicate_corpus()
    kept, removed, counters = run_dedup(engine, docs, dedup_plan(PARAMS, minhash=True), tmp_path)
    expected = reference_dedup(docs)
    assert {d.id: None for d in kept} | removed == expected
    # Every group collapsed to its earliest member (ties: smallest id).
    by_group: dict = {}
    for d in docs:
        if d.id.startswith("g"):
            by_group.setdefault(d.id[:3], []).append(d)
    kept_ids = {d.id for d in kept}
    for members in by_group.values():
        best = min(members, key=lambda d: (d.crawl_date, d.id))
        assert best.id in kept_ids
        assert all(expected[m.id] == best.id for m in members if m is not best)
    g00_best = min(by_group["g00"], key=lambda d: (d.crawl_date, d.id))
    assert expected["x_exact1"] == expected["x_exact2"] == g00_best.id
    assert expected["short2"] == "short1" and "empty" in kept_ids
    assert all(f"solo{i}" in kept_ids for i in range(5))
    assert_balanced(counters, "dedup_minhash", "near_duplicate", len(docs))
    assert counters["dedup_minhash/dropped/near_duplicate"] == len(removed) > 20


def test_results_do_not_depend_on_engine_order_workers_or_hash_seed(tmp_path):
    docs = near_duplicate_corpus(seed=1)
    shuffled = list(docs)
    random.Random(4).shuffle(shuffled)
    plan = dedup_plan(PARAMS, url_keep="latest", exact_normalization="default", minhash=True)
    reference = run_dedup("beam", docs, plan, tmp_path, files=1)
    # Two Beam worker processes (each with its own random hash seed), another input order and
    # split; then Spark, whose components run as star-contraction rounds when the size is unknown.
    for engine in ("beam2", "spark"):
        kept, removed, counters = run_dedup(engine, shuffled, plan, tmp_path, files=3)
        assert [d.id for d in kept] == [d.id for d in reference[0]]
        assert removed == reference[1]
        assert {k: v for k, v in counters.items() if not is_measurement(k)} == {
            k: v for k, v in reference[2].items() if not is_measurement(k)}
        assert_balanced(counters, "dedup_url", "duplicate_url", len(docs))


def _graphs() -> list[tuple[str, str]]:
    rng = random.Random(7)
    edges = []
    for g in range(4):  # random graphs, sparse to dense
        names = [f"r{g}_{i:04d}" for i in range(300)]
        edges += [tuple(rng.sample(names, 2)) for _ in range(rng.choice([100, 250, 600]))]
    line = [f"line{i:04d}" for i in range(1000)]
    edges += list(zip(line, line[1:]))  # ids sorted along the line: the slowest case
    shuffled = [f"sline{i:04d}" for i in range(1000)]
    rng.shuffle(shuffled)
    edges += list(zip(shuffled, shuffled[1:]))
    edges += [("star_z", f"star_leaf{i:05d}") for i in range(1500)]  # centre is the largest id
    edges += [("hub_0", f"hub_leaf{i:05d}") for i in range(1500)]
    return edges


def _components(engine: str, edges: list, tmp_path, max_rounds: int, edge_bound: int | None) -> list:
    labels, _ = run_and_collect(
        engine,
        lambda flow: components_job(flow, flow.create("Edges", edges), max_rounds=max_rounds, edge_bound=edge_bound,
                                    stage="dedup_minhash"),
        tmp_path,
    )
    return sorted(labels)


@pytest.mark.parametrize("engine", ENGINES)
def test_distributed_components_equal_union_find(engine, tmp_path):
    edges = _graphs()
    assert _components(engine, edges, tmp_path, max_rounds=11, edge_bound=None) == sorted(
        connected_components(edges).items())


@pytest.mark.parametrize("engine", ENGINES)
def test_small_graphs_on_one_worker_equal_union_find(engine, tmp_path):
    edges = _graphs() + [("self", "self")]  # a self-loop is no edge: no label, as with the rounds
    expected = sorted(connected_components(edges[:-1]).items())
    # One round would not converge on these chains: the labels prove the rounds were bypassed.
    assert _components(engine, edges, tmp_path, max_rounds=1, edge_bound=SINGLE_WORKER_EDGES) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_too_few_rounds_fail_loudly(engine, tmp_path):
    line = [f"n{i:04d}" for i in range(1000)]
    with pytest.raises(Exception, match=r"max_rounds=3.*`max_rounds` in the `dedup\.minhash` config section"):
        _components(engine, list(zip(line, line[1:])), tmp_path, max_rounds=3, edge_bound=None)


def test_settings_are_checked():
    with pytest.raises(ValueError, match="keep rule"):
        from thresher.stages.dedup.keep import resolve_rule

        resolve_rule("newest")
    with pytest.raises(ValueError, match="max_rounds"):
        MinHashParams(max_rounds=0)
