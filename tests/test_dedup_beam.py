"""Dedup transforms on Beam's real DirectRunner: outputs, components, determinism and counters."""

from __future__ import annotations

import glob
import json
import random

import apache_beam as beam
import pytest
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.util import assert_that, equal_to

from thresher.dedup.components import connected_components
from thresher.dedup.keep import apply_keep_rule
from thresher.dedup.lsh import batch_band_keys, star_edges
from thresher.dedup.minhash import minhash_signatures
from thresher.dedup.shingles import word_shingles
from thresher.dedup.synthetic import near_duplicate_pair
from thresher.engines.beam.dedup import ConnectedComponents, ExactDedup, MinHashDedup, UrlDedup
from thresher.engines.beam.metrics import NAMESPACE
from thresher.record import Document

IN_MEMORY = ["--runner=DirectRunner", "--direct_running_mode=in_memory"]
TWO_PROCESSES = ["--runner=DirectRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"]


def _counters(result) -> dict[str, int]:
    out: dict[str, int] = {}
    for counter in result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
        out[counter.key.metric.name] = out.get(counter.key.metric.name, 0) + int(counter.committed or 0)
    return out


def run_dedup(docs, make_transforms, tmp_path, args=IN_MEMORY):
    """Apply the transforms in a chain; returns (kept, removed, counters), read back from files."""
    pipeline = beam.Pipeline(options=PipelineOptions(args))
    pcoll = pipeline | beam.Create(docs)
    removed = []
    for i, transform in enumerate(make_transforms()):
        result = pcoll | f"Dedup{i}" >> transform
        pcoll = result.kept
        removed.append(result.removed)
    for name, out in (("kept", pcoll), ("removed", removed | beam.Flatten())):
        out | f"Json{name}" >> beam.Map(lambda d: json.dumps(d.to_dict())) | f"Write{name}" >> beam.io.WriteToText(
            str(tmp_path / name)
        )
    result = pipeline.run()
    result.wait_until_finish()

    def read(name):
        rows = [json.loads(line) for path in glob.glob(str(tmp_path / f"{name}*")) for line in open(path)]
        return sorted((Document.from_dict(r) for r in rows), key=lambda d: d.id)

    return read("kept"), read("removed"), _counters(result)


def assert_balanced(counters: dict[str, int], stage: str, reason: str, n_in: int) -> None:
    assert counters[f"{stage}/in"] == n_in
    assert counters[f"{stage}/in"] == counters.get(f"{stage}/kept", 0) + counters.get(f"{stage}/dropped/{reason}", 0)


def doc(doc_id, text="some text", url=None, date="2024-01-01"):
    return Document(id=doc_id, url=url or f"https://example.com/{doc_id}", text=text, crawl_date=date)


def test_url_then_exact_dedup(tmp_path):
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
    kept, removed, counters = run_dedup(docs, lambda: [UrlDedup(), ExactDedup()], tmp_path)
    assert [d.id for d in kept] == ["e2", "e4", "u2", "u3"]
    assert {d.id: d.duplicate_of for d in removed} == {"u1": "u2", "u4": "u3", "e1": "e2", "e3": "e2"}
    assert_balanced(counters, "dedup_url", "duplicate_url", 8)
    assert counters["dedup_url/dropped/duplicate_url"] == 2
    assert_balanced(counters, "dedup_exact", "exact_duplicate", 6)
    assert counters["dedup_exact/dropped/exact_duplicate"] == 2


def test_url_dedup_can_keep_the_earliest(tmp_path):
    docs = [doc("a", url="https://x.org/p", date="2024-01-01"), doc("b", url="https://x.org/p/", date="2020-01-01")]
    kept, removed, _ = run_dedup(docs, lambda: [UrlDedup(keep="earliest")], tmp_path)
    assert [d.id for d in kept] == ["b"] and removed[0].duplicate_of == "b"


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


def test_minhash_dedup_removes_near_duplicates_keeping_the_earliest(tmp_path):
    docs = near_duplicate_corpus()
    kept, removed, counters = run_dedup(docs, lambda: [MinHashDedup(max_rounds=4)], tmp_path)
    expected = reference_dedup(docs)
    assert {d.id: None for d in kept} | {d.id: d.duplicate_of for d in removed} == expected
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


def test_results_do_not_depend_on_bundles_order_workers_or_hash_seed(tmp_path):
    docs = near_duplicate_corpus(seed=1)
    shuffled = list(docs)
    random.Random(4).shuffle(shuffled)
    # One run clusters on one worker (a small graph), the other through the distributed rounds.
    single_worker = MinHashDedup(max_rounds=4, batch_size=1000, max_documents=len(docs))
    kept_a, removed_a, _ = run_dedup(docs, lambda: [single_worker], tmp_path / "a")
    # Two worker processes (each with its own random hash seed), batches of 3,
    # another input order.
    kept_b, removed_b, counters = run_dedup(
        shuffled, lambda: [MinHashDedup(max_rounds=4, batch_size=3)], tmp_path / "b", TWO_PROCESSES
    )
    assert [d.id for d in kept_a] == [d.id for d in kept_b]
    assert [(d.id, d.duplicate_of) for d in removed_a] == [(d.id, d.duplicate_of) for d in removed_b]
    assert_balanced(counters, "dedup_minhash", "near_duplicate", len(docs))


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


def test_distributed_components_equal_union_find():
    edges = _graphs()
    expected = sorted(connected_components(edges).items())
    with beam.Pipeline(options=PipelineOptions(IN_MEMORY)) as pipeline:
        labels = pipeline | beam.Create(edges) | ConnectedComponents(max_rounds=11)
        assert_that(labels, equal_to(expected))


def test_small_graphs_on_one_worker_equal_union_find():
    edges = _graphs() + [("self", "self")]  # a self-loop is no edge: no label, as with the rounds
    expected = sorted(connected_components(edges[:-1]).items())
    bound = len(edges)
    assert not ConnectedComponents(1, edge_bound=bound, single_worker_edges=bound - 1).single_worker
    assert not ConnectedComponents(1).single_worker  # size unknown: the rounds
    one_worker = ConnectedComponents(1, edge_bound=bound, single_worker_edges=bound)
    assert one_worker.single_worker
    with beam.Pipeline(options=PipelineOptions(IN_MEMORY)) as pipeline:
        # One round would not converge on these chains: the labels prove the rounds were bypassed.
        labels = pipeline | beam.Create(edges) | one_worker
        assert_that(labels, equal_to(expected))


def test_too_few_rounds_fail_loudly():
    line = [f"n{i:04d}" for i in range(1000)]
    with pytest.raises(Exception, match=r"max_rounds=3.*`max_rounds` in the `dedup\.minhash` config section"):
        with beam.Pipeline(options=PipelineOptions(IN_MEMORY)) as pipeline:
            pipeline | beam.Create(list(zip(line, line[1:]))) | ConnectedComponents(max_rounds=3)


def test_transform_construction_checks_settings():
    refinedweb = MinHashDedup.from_preset("refinedweb", keep="latest").params
    assert (refinedweb.bands, refinedweb.rows, refinedweb.normalization) == (450, 20, "refinedweb")
    assert MinHashDedup(bands=20, rows=5, max_rounds=7).params.permutations == 100
    with pytest.raises(ValueError, match="keep rule"):
        UrlDedup(keep="newest")
    with pytest.raises(ValueError, match="normalization"):
        ExactDedup(normalization="nfkc")
    with pytest.raises(ValueError, match="max_rounds"):
        MinHashDedup(max_rounds=0)
