"""LSH precision/recall evaluation on generated near-duplicates of known Jaccard, and ``thresher dedup-eval``."""

from __future__ import annotations

import argparse
import json
import random

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from thresher.tools.dedup_eval import cli as dedup_cli
from thresher.tools.dedup_eval import evaluate
from thresher.tools.dedup_eval.evaluate import (
    Prepared,
    candidate_pairs,
    evaluate_corpus,
    evaluate_prepared,
    fingerprint_jaccard,
    minhash_input,
    sample_non_candidates,
    shingle_fingerprints,
    wilson_interval,
)
from thresher.stages.dedup.lsh import collision_probability
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles
from thresher.stages.dedup.synthetic import jaccard, near_duplicate_pair
from thresher.errors import ThresherError
from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row
from thresher.record import Document

PARAMS = MinHashParams(hash="xxh3")  # 14 x 8: threshold 0.719


def test_fingerprint_jaccard_equals_the_exact_set_jaccard():
    rng = random.Random(1)
    for target in (0.0, 0.3, 0.72, 0.95, 1.0):
        a, b, exact = near_duplicate_pair(target, rng, words=120)
        fa, fb = shingle_fingerprints(word_shingles(a)), shingle_fingerprints(word_shingles(b))
        assert fingerprint_jaccard(fa, fb) == pytest.approx(jaccard(word_shingles(a), word_shingles(b)))
        assert fingerprint_jaccard(fa, fb) == pytest.approx(exact)
    assert fingerprint_jaccard(shingle_fingerprints([]), fb) == 0.0


def _known_corpus(seed: int = 0):
    """Pairs at 0.9 (always candidates), at the threshold's edge (0.75: candidates ~77 % of the time),
    below it (0.6: candidates ~21 %), and unrelated pages. Returns texts and the pairs per Jaccard."""
    rng = random.Random(seed)
    texts: list[str] = []
    pairs: dict[float, list[tuple[int, int]]] = {}
    for target, count in ((0.9, 10), (0.75, 60), (0.6, 60)):
        for _ in range(count):
            a, b, exact = near_duplicate_pair(target, rng, words=150)
            pairs.setdefault(round(exact, 2), []).append((len(texts), len(texts) + 1))
            texts += [a, b]
    texts += [near_duplicate_pair(0.0, rng, words=150)[0] for _ in range(40)]
    return texts, pairs


def test_precision_and_recall_on_pairs_of_known_jaccard():
    texts, pairs = _known_corpus()
    assert sorted(pairs) == [0.6, 0.75, 0.9]
    n = len(texts)
    # Every non-candidate pair compared: recall is exact, not estimated.
    result = evaluate_corpus(texts, PARAMS, sample_pairs=n * n)
    assert result["threshold"] == pytest.approx(0.719, abs=1e-3) and result["threshold_source"] == "s_curve"
    assert result["non_candidates_exhaustive"]
    assert result["total_pairs"] == n * (n - 1) // 2
    # Similar pairs are exactly the designed ones at 0.75 and 0.9, found or missed.
    assert result["estimated_similar_pairs"] == len(pairs[0.75]) + len(pairs[0.9]) == 70
    # Candidates are designed pairs only (unrelated pages share no shingle).
    designed = {p for group in pairs.values() for p in group}
    prepared = evaluate.prepare(texts, PARAMS)
    found = candidate_pairs(prepared.band_keys)
    assert found <= designed and set(pairs[0.9]) <= found
    false_positives = len(found & set(pairs[0.6]))
    true_positives = len(found & (set(pairs[0.75]) | set(pairs[0.9])))
    assert result["candidate_pairs"] == len(found) == true_positives + false_positives
    assert result["precision"] == pytest.approx(true_positives / len(found))
    assert result["recall"] == pytest.approx(true_positives / 70)
    # And both sit where the S-curve puts them (a fixed seed: no flakiness).
    expected_fp = 60 * collision_probability(0.6, 14, 8)  # ~12.6
    expected_tp = 10 + 60 * collision_probability(0.75, 14, 8)  # ~56
    assert 4 <= false_positives <= 24 and abs(true_positives - expected_tp) <= 10
    assert 0 < result["precision"] < 1 and 0.6 < result["recall"] < 0.98
    hist = {h["jaccard_from"]: h["pairs"] for h in result["candidate_jaccard_histogram"]}
    below = sum(count for start, count in hist.items() if start < 0.7)
    assert below == false_positives and sum(hist.values()) == len(found)

    # A lower threshold turns the 0.6 pairs into similar ones: precision 1.
    low = evaluate_corpus(texts, PARAMS, threshold=0.55, sample_pairs=n * n)
    assert low["precision"] == 1.0 and low["estimated_similar_pairs"] == 130


def test_sampled_recall_estimate_brackets_the_truth():
    """Fingerprints made by hand: 40 groups of 5 identical sets whose band keys never collide,
    so every similar pair is missed: 400 missed pairs among 19,900, estimated from 3,000."""
    fingerprints, band_keys = [], []
    for group in range(40):
        fp = np.arange(group * 100, group * 100 + 50, dtype=np.uint64)
        for member in range(5):
            fingerprints.append(fp)
            band_keys.append([(0, f"{group}-{member}".encode())])
    # Plus one found pair, so recall is defined.
    fingerprints += [np.arange(10_000, 10_050, dtype=np.uint64)] * 2
    band_keys += [[(0, b"same")], [(0, b"same")]]
    result = evaluate_prepared(Prepared(fingerprints, band_keys, 0), PARAMS, sample_pairs=3_000, seed=4)
    assert not result["non_candidates_exhaustive"] and result["sampled_non_candidate_pairs"] == 3_000
    assert result["candidate_pairs"] == 1 and result["precision"] == 1.0
    low, high = result["estimated_missed_similar_pairs_95"]
    assert low <= 400 <= high
    assert result["estimated_missed_similar_pairs"] == pytest.approx(400, rel=0.35)
    r_low, r_high = result["recall_95"]
    assert r_low <= 1 / 401 <= r_high


def test_non_candidate_sampling():
    rng = random.Random(0)
    candidates = {(0, 1), (2, 3)}
    every, exhaustive = sample_non_candidates(5, candidates, 100, rng)
    assert exhaustive and len(every) == 10 - 2 and not set(every) & candidates
    some, exhaustive = sample_non_candidates(60, candidates, 500, rng)
    assert not exhaustive and len(some) == len(set(some)) == 500
    assert all(i < j and (i, j) not in candidates for i, j in some)
    assert wilson_interval(0, 1000)[0] == 0.0 and 0.002 < wilson_interval(0, 1000)[1] < 0.005


def test_a_huge_bucket_stops_with_advice():
    with pytest.raises(ThresherError, match="--max-documents"):
        candidate_pairs([[(0, b"x")]] * 100, max_pairs=1_000)


def test_minhash_input_reproduces_url_and_exact_dedup():
    docs = [
        Document("a", "https://x.org/p", "Hello World", "2024-01-01"),
        Document("b", "https://x.org/p/", "other text", "2024-03-01"),  # same URL, latest: kept
        Document("c", "https://x.org/q", "hello   world", "2023-01-01"),  # same text as a, earliest: kept
        Document("d", "https://x.org/r", "unique", "2024-01-01"),
    ]
    assert [d.id for d in minhash_input(docs)] == ["b", "c", "d"]
    assert [d.id for d in minhash_input(docs, url_enabled=False)] == ["b", "c", "d"]
    assert [d.id for d in minhash_input(docs, url_enabled=False, exact_enabled=False)] == ["a", "b", "c", "d"]


def _fake_run(root, texts: list[str]) -> None:
    """A run directory with what dedup-eval reads: phase-A results and manifest.json."""
    docs = [Document(f"d{i:03d}", f"https://e.org/{i}", t, "2024-01-01") for i, t in enumerate(texts)]
    docs.append(Document("dup", "https://e.org/copy", texts[0], "2025-01-01"))  # removed by exact dedup
    for part, chunk in enumerate((docs[::2], docs[1::2])):
        result = root / "_work" / "phase_a" / f"k{part}"
        result.mkdir(parents=True)
        rows = [document_to_row(d) for d in chunk]
        table = pa.Table.from_pydict({f.name: [r[f.name] for r in rows] for f in DOCUMENT_SCHEMA}, DOCUMENT_SCHEMA)
        pq.write_table(table, result / "piece-00000-of-00001.documents.parquet")
        (result / "result.json").write_text(json.dumps({
            "source": f"in{part}", "fingerprint": "x", "counters": {}, "documents": len(rows),
            "documents_files": ["piece-00000-of-00001.documents.parquet"], "rejects_files": [], "audit": []}))
    # A file whose result was never committed (no result.json) is ignored.
    (root / "_work" / "phase_a" / "k9").mkdir()
    pq.write_table(table, root / "_work" / "phase_a" / "k9" / "piece-00000-of-00001.documents.parquet")
    minhash = {"enabled": True, "ngram": 5, "bands": 14, "rows": 8, "seed": 1, "normalization": "default",
               "hash": "xxh3", "max_rounds": 20, "some_future_key": True}
    config = {"dedup": {"url": {"enabled": True, "keep": "latest"}, "exact": {"enabled": True}, "minhash": minhash}}
    (root / "manifest.json").write_text(json.dumps({"config": config}))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thresher")
    dedup_cli.add_dedup_eval_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def test_dedup_eval_command_on_a_run_directory(tmp_path, capsys):
    texts, pairs = _known_corpus(seed=2)
    _fake_run(tmp_path, texts[:60])  # 0.9 pairs and 0.75 pairs
    args = _parser().parse_args(["dedup-eval", str(tmp_path), "--sample-pairs", "500", "--seed", "3"])
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "precision" in printed and "recall" in printed and "dedup_eval.json" in printed
    saved = json.loads((tmp_path / "dedup_eval.json").read_text())
    assert saved["phase_a_documents"] == 61 and saved["documents_reaching_minhash"] == 60
    assert saved["sampled_non_candidate_pairs"] == 500 and saved["sample_seed"] == 3
    assert saved["params"]["bands"] == 14 and saved["params"]["hash"] == "xxh3"
    assert saved["candidate_pairs"] >= 10 and saved["precision"] == 1.0

    args = _parser().parse_args(["dedup-eval", str(tmp_path), "--json", "--threshold", "0.5", "--max-documents", "40"])
    assert args.func(args) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["threshold"] == 0.5 and printed["threshold_source"] == "given"
    assert printed["documents_evaluated"] == 40

    with pytest.raises(ThresherError, match="manifest.json"):
        evaluate.evaluate_run(str(tmp_path / "nowhere"))


def test_dedup_eval_help_and_argument_checks(capsys):
    with pytest.raises(SystemExit) as exit_info:
        _parser().parse_args(["dedup-eval", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--sample-pairs", "--seed", "--json", "--threshold", "RUN_DIR"):
        assert option in text
    with pytest.raises(SystemExit):
        _parser().parse_args(["dedup-eval", "run", "--threshold", "1.5"])
    # The parser's literal defaults stay in step with the library's.
    assert dedup_cli.DEFAULT_SAMPLE_PAIRS == evaluate.DEFAULT_SAMPLE_PAIRS
    assert dedup_cli.DEFAULT_MAX_CANDIDATE_PAIRS == evaluate.DEFAULT_MAX_CANDIDATE_PAIRS
