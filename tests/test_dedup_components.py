"""Connected components (union-find vs star contraction), the keep rule, and LSH recall on generated near-duplicates."""

from __future__ import annotations

import random

import pytest

from thresher.stages.dedup.components import (
    ConvergenceError,
    candidate_edge_bound,
    connected_components,
    edge_labels,
    is_settled,
    large_star,
    small_star,
    star_contraction_components,
)
from thresher.stages.dedup.keep import apply_keep_rule, choose_kept, keep_sort_key
from thresher.stages.dedup.lsh import batch_band_keys, collision_probability, star_edges
from thresher.stages.dedup.minhash import minhash_signatures
from thresher.stages.dedup.shingles import word_shingles
from thresher.stages.dedup.synthetic import measured_similarity, near_duplicate_pair
from thresher.errors import ThresherError
from thresher.record import Document


def random_graph(rng: random.Random, nodes: int, edges: int) -> list[tuple[str, str]]:
    names = [f"n{i:05d}" for i in range(nodes)]
    return [tuple(rng.sample(names, 2)) for _ in range(edges)]


def chain(length: int, rng: random.Random | None = None) -> list[tuple[str, str]]:
    names = [f"c{i:05d}" for i in range(length)]
    if rng is not None:
        rng.shuffle(names)  # ids in random order along the line: the harder case
    return list(zip(names, names[1:]))


@pytest.mark.parametrize("seed", range(8))
def test_star_contraction_equals_union_find_on_random_graphs(seed):
    rng = random.Random(seed)
    nodes = rng.randint(2, 400)
    edges = random_graph(rng, nodes, rng.randint(1, nodes))  # sparse: many components
    labels, rounds = star_contraction_components(edges, max_rounds=30)
    assert labels == connected_components(edges)
    assert rounds <= 30


@pytest.mark.parametrize("shuffled", [False, True])
def test_long_chain_needs_log_rounds(shuffled):
    edges = chain(1000, random.Random(1) if shuffled else None)
    labels, rounds = star_contraction_components(edges, max_rounds=30)
    assert labels == connected_components(edges)
    assert set(labels.values()) == {"c00000"}
    assert rounds <= 10  # logarithmic (8 shuffled, 10 sorted), not 1000


@pytest.mark.parametrize("seed", range(4))
def test_one_worker_labels_equal_star_contraction(seed):
    rng = random.Random(seed)
    edges = random_graph(rng, 400, rng.choice([150, 400, 900])) + chain(300, rng) + [("n00001", "n00001"), ("x", "x")]
    labels, _ = star_contraction_components(edges)
    assert dict(edge_labels(edges)) == labels
    assert "x" not in labels  # only on a self-loop: no edge, no label


def test_candidate_edge_bound_holds_on_heavy_duplication():
    # Every document in every band's one bucket: the most star edges documents can make.
    rng = random.Random(5)
    base = " ".join(f"w{rng.randrange(50)}" for _ in range(80))
    texts = [base] * 30 + [near_duplicate_pair(0.9, rng, words=80)[0] for _ in range(30)]
    ids = [f"d{i:03d}" for i in range(len(texts))]
    keys = batch_band_keys(minhash_signatures([word_shingles(t) for t in texts], num_perm=112), 14, 8)
    buckets: dict = {}
    for doc_id, doc_keys in zip(ids, keys):
        for key in doc_keys:
            buckets.setdefault(key, []).append(doc_id)
    edges = [e for bucket in buckets.values() for e in star_edges(bucket)]
    assert len(edges) >= 14 * 29  # the 30 copies share all 14 buckets
    assert len(edges) <= candidate_edge_bound(len(texts), 14)
    assert candidate_edge_bound(30, 14) == 14 * 30  # and it is tight up to one edge per band


def test_too_few_rounds_fail_loudly_naming_the_setting():
    with pytest.raises(ConvergenceError, match=r"max_rounds.*dedup\.minhash") as info:
        star_contraction_components(chain(1000), max_rounds=5)
    assert isinstance(info.value, ThresherError)


@pytest.mark.parametrize("centre", ["a0", "z9"])  # smallest or largest id at the centre
def test_large_star(centre):
    leaves = [f"m{i:05d}" for i in range(5000)]
    edges = [(centre, leaf) for leaf in leaves]
    labels, rounds = star_contraction_components(edges)
    assert labels == connected_components(edges)
    assert set(labels.values()) == {min(centre, leaves[0])}
    assert rounds <= 2


def test_steps_are_pure_functions_of_a_node_and_its_neighbours():
    # Large star: larger neighbours move to the smallest of the neighbourhood.
    assert sorted(large_star("c", ["e", "a", "d", "a"])) == [("d", "a"), ("e", "a")]
    assert list(large_star("a", ["b"])) == [("b", "a")]
    # Small star: the node and its smaller neighbours move to the smallest of them.
    assert sorted(small_star("c", ["b", "a", "e"])) == [("b", "a"), ("c", "a")]
    assert list(small_star("a", ["b", "c"])) == []
    # Settled: a centre, or a leaf of exactly one smaller node.
    assert is_settled("a", ["b", "c"]) and is_settled("c", ["a"])
    assert not is_settled("c", ["a", "b"])
    assert is_settled("c", ["d", "e"])


def test_edges_never_multiply():
    rng = random.Random(9)
    edges = random_graph(rng, 300, 600)
    state: dict = {}
    for a, b in edges:
        state.setdefault(a, set()).add(b)
        state.setdefault(b, set()).add(a)
    produced = [e for node, nbrs in state.items() for e in large_star(node, nbrs)]
    assert len(produced) <= len({frozenset(e) for e in edges})


def _doc(doc_id: str, date: str = "") -> Document:
    return Document(id=doc_id, url=f"https://x/{doc_id}", text="t", crawl_date=date)


def test_keep_rule_earliest_then_smallest_id():
    docs = [_doc("b", "2024-01-01"), _doc("a", "2024-01-02"), _doc("c", "2024-01-01"), _doc("0", "")]
    kept, removed = apply_keep_rule(docs)
    assert kept.id == "b"
    assert sorted((d.id, d.duplicate_of) for d in removed) == [("0", "b"), ("a", "b"), ("c", "b")]
    assert all(d.duplicate_of is None for d in docs)  # inputs untouched


def test_keep_rule_latest_and_custom():
    docs = [_doc("a", "2024-01-01"), _doc("b", "2024-01-01T10:00:00Z"), _doc("c", "2024-01-01T10:00:00Z"), _doc("d")]
    assert choose_kept(docs, "latest").id == "b"
    assert choose_kept(docs, "earliest").id == "a"
    assert choose_kept(docs, lambda d: -len(d.url)).id == "a"
    assert keep_sort_key(docs[0]) < keep_sort_key(docs[1])
    with pytest.raises(ValueError, match="keep rule"):
        choose_kept(docs, "oldest")


def test_generated_pairs_hit_the_requested_similarity():
    rng = random.Random(3)
    for target in (0.0, 0.3, 0.5, 0.72, 0.9, 1.0):
        a, b, exact = near_duplicate_pair(target, rng)
        assert measured_similarity(a, b) == pytest.approx(exact)
        assert exact == pytest.approx(target, abs=0.01)


def _found_fraction(similarity: float, pairs: int, seed: int) -> float:
    """Fraction of generated pairs that share at least one band with 14 x 8, 5-grams."""
    rng = random.Random(seed)
    texts = [t for _ in range(pairs) for t in near_duplicate_pair(similarity, rng, words=120)[:2]]
    signatures = minhash_signatures([word_shingles(t) for t in texts], num_perm=112)
    keys = batch_band_keys(signatures, 14, 8)
    found = sum(bool(set(keys[2 * i]) & set(keys[2 * i + 1])) for i in range(pairs))
    return found / pairs


def test_lsh_recall_follows_the_s_curve():
    # Threshold (1/14)**(1/8) ~ 0.72: pairs well above it are found, well below are not.
    found_090 = _found_fraction(0.9, 1000, seed=1)
    found_050 = _found_fraction(0.5, 2000, seed=2)
    found_030 = _found_fraction(0.3, 500, seed=3)
    assert found_090 > 0.99
    # Theory at 0.5 is 5.33 % (binomial sd over 2,000 pairs: 0.5 %): the brief's
    # "< 5 %" holds only below ~0.496, so compare with the curve instead.
    assert abs(found_050 - collision_probability(0.5, 14, 8)) < 0.02
    assert found_050 < 0.075
    assert found_030 < 0.01
