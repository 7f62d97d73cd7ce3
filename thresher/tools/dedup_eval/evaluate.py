"""How well MinHash LSH found the near-duplicates of a corpus: precision and recall against exact Jaccard.

For a set of documents and MinHash parameters:

* **candidate pairs**: every pair sharing at least one LSH band (what LSH
  proposes, before connected components make it transitive);
* **precision**: the share of candidate pairs whose exact Jaccard similarity
  is at or above the threshold (computed for every candidate pair);
* **recall**: the share of all similar pairs (Jaccard at or above the
  threshold) that are candidates. Similar pairs LSH missed hide among the
  ``n(n-1)/2 - candidates`` other pairs, too many to compare all; a uniform
  sample of them estimates the missed count (the sample's similar share
  times the number of non-candidate pairs), with a 95 % Wilson interval.
  When the non-candidate pairs are few enough they are all compared and
  recall is exact.

The threshold defaults to the S-curve threshold ``(1/b)**(1/r)`` of the
bands and rows, where LSH is designed to switch from "rarely" to "almost
always" a candidate.

Jaccard similarity is computed over the same shingles the signatures sign
(same n-gram, same normalization), each stored as its 64-bit xxh3 hash in a
sorted array: 8 bytes per shingle instead of a Python bytes object, and a
hash collision between two distinct shingles of a pair has probability
about ``shingles**2 / 2**64``, far below anything the estimate resolves.

Documents without words take no part: they have no shingles, emit no band
keys, and their Jaccard similarity is undefined.

Nothing here imports Beam: :func:`evaluate_corpus` takes texts, and
:func:`evaluate_run` reads a run directory (``thresher dedup-eval``).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import xxhash

from thresher.stages.dedup.keep import EARLIEST, LATEST, choose_kept
from thresher.stages.dedup.lsh import batch_band_keys, collision_probability, s_curve_threshold
from thresher.stages.dedup.minhash import minhash_signatures
from thresher.stages.dedup.normalize import DEFAULT, exact_text_key
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles
from thresher.stages.dedup.urls import url_key
from thresher.errors import ThresherError
from thresher.record import Document

EVAL_FILE = "dedup_eval.json"
DEFAULT_SAMPLE_PAIRS = 10_000
#: Candidate pairs enumerated at most: a bucket of k documents holds k(k-1)/2
#: pairs, so one huge bucket could otherwise exhaust memory.
DEFAULT_MAX_CANDIDATE_PAIRS = 20_000_000
_Z95 = 1.959964
_HIST_BINS = 10


# -- shingle fingerprints and Jaccard ------------------------------------------------


def shingle_fingerprints(shingles: Iterable[bytes]) -> np.ndarray:
    """Sorted unique 64-bit hashes of a shingle set: a compact stand-in for the set itself."""
    digest = xxhash.xxh3_64_intdigest
    return np.unique(np.fromiter((digest(s) for s in shingles), dtype=np.uint64))


def fingerprint_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two :func:`shingle_fingerprints` arrays (0.0 if either is empty)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / (a.size + b.size - shared)


# -- preparing a corpus -----------------------------------------------------------


@dataclass
class Prepared:
    """Fingerprints and band keys of the documents that have shingles (indices are positions here)."""

    fingerprints: list[np.ndarray]
    band_keys: list[list[tuple[int, bytes]]]
    without_shingles: int


def prepare(texts: Iterable[str], params: MinHashParams, batch_size: int = 512) -> Prepared:
    """Sign ``texts`` in batches, keeping only what evaluation needs (not the shingles themselves)."""
    p = params
    out = Prepared([], [], 0)

    def flush(batch: list[str]) -> None:
        shingle_sets = [word_shingles(t, p.ngram, p.normalization) for t in batch]
        signatures = minhash_signatures(shingle_sets, p.permutations, p.seed, p.scheme, p.hash)
        for shingles, keys in zip(shingle_sets, batch_band_keys(signatures, p.bands, p.rows)):
            if not shingles:
                out.without_shingles += 1
                continue
            out.fingerprints.append(shingle_fingerprints(shingles))
            out.band_keys.append(keys)

    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return out


def candidate_pairs(
    band_keys: Sequence[Sequence[tuple[int, bytes]]], max_pairs: int = DEFAULT_MAX_CANDIDATE_PAIRS
) -> set[tuple[int, int]]:
    """Every pair ``(i, j)``, ``i < j``, of documents sharing at least one band key."""
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for doc, keys in enumerate(band_keys):
        for key in keys:
            buckets[key].append(doc)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        if len(pairs) + len(members) * (len(members) - 1) // 2 > max_pairs:
            raise ThresherError(
                f"dedup-eval: more than {max_pairs:,} candidate pairs (a bucket holds {len(members):,} documents); "
                f"evaluate a sample of the documents with --max-documents"
            )
        pairs.update(itertools.combinations(members, 2))  # members are in increasing order
    return pairs


def sample_non_candidates(
    n: int, candidates: set[tuple[int, int]], size: int, rng: random.Random
) -> tuple[list[tuple[int, int]], bool]:
    """``(pairs, exhaustive)``: up to ``size`` distinct non-candidate pairs drawn uniformly.

    When there are at most ``2 * size`` non-candidate pairs they are
    enumerated (``exhaustive`` if all of them fit in ``size``); otherwise
    pairs are drawn at random and candidates rejected, which ends quickly
    because at least half of all pairs qualify.
    """
    total = n * (n - 1) // 2
    others = total - len(candidates)
    if others <= 0 or size <= 0:
        return [], others <= 0
    if others <= 2 * size:
        every = [pair for pair in itertools.combinations(range(n), 2) if pair not in candidates]
        if len(every) <= size:
            return every, True
        return sorted(rng.sample(every, size)), False
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < size:
        i, j = rng.randrange(n), rng.randrange(n)
        if i == j:
            continue
        pair = (i, j) if i < j else (j, i)
        if pair not in candidates:
            chosen.add(pair)
    return sorted(chosen), False


def wilson_interval(hits: int, trials: int, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (sensible at 0 hits, unlike the normal one)."""
    if trials == 0:
        return 0.0, 1.0
    p = hits / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # Exact bounds at the extremes (the formula leaves rounding dust there).
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == trials else min(1.0, centre + half)
    return low, high


def _histogram(values: Sequence[float]) -> list[dict[str, Any]]:
    counts = [0] * _HIST_BINS
    for v in values:
        counts[min(int(v * _HIST_BINS), _HIST_BINS - 1)] += 1
    return [
        {"jaccard_from": round(i / _HIST_BINS, 2), "jaccard_to": round((i + 1) / _HIST_BINS, 2), "pairs": c}
        for i, c in enumerate(counts)
    ]


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


# -- the estimate -----------------------------------------------------------------


def evaluate_prepared(
    prepared: Prepared,
    params: MinHashParams,
    threshold: float | None = None,
    sample_pairs: int = DEFAULT_SAMPLE_PAIRS,
    seed: int = 0,
    max_candidate_pairs: int = DEFAULT_MAX_CANDIDATE_PAIRS,
) -> dict[str, Any]:
    """Precision and estimated recall of LSH candidates; see the module docstring."""
    if threshold is None:
        threshold, threshold_source = s_curve_threshold(params.bands, params.rows), "s_curve"
    else:
        threshold_source = "given"
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be within (0, 1], got {threshold}")
    fps = prepared.fingerprints
    n = len(fps)
    candidates = candidate_pairs(prepared.band_keys, max_candidate_pairs)
    candidate_jaccard = [fingerprint_jaccard(fps[i], fps[j]) for i, j in sorted(candidates)]
    true_positives = sum(j >= threshold for j in candidate_jaccard)

    total_pairs = n * (n - 1) // 2
    non_candidates = total_pairs - len(candidates)
    sampled, exhaustive = sample_non_candidates(n, candidates, sample_pairs, random.Random(seed))
    sampled_jaccard = [fingerprint_jaccard(fps[i], fps[j]) for i, j in sampled]
    sampled_similar = sum(j >= threshold for j in sampled_jaccard)

    if exhaustive:
        missed = float(sampled_similar)
        missed_low = missed_high = missed
    else:
        share_low, share_high = wilson_interval(sampled_similar, len(sampled))
        missed = _ratio(sampled_similar, len(sampled)) * non_candidates if sampled else 0.0
        missed_low, missed_high = share_low * non_candidates, share_high * non_candidates
    similar = true_positives + missed
    recall = _ratio(true_positives, similar)
    return {
        "params": {f.name: getattr(params, f.name) for f in fields(params)},
        "threshold": threshold,
        "threshold_source": threshold_source,
        # What the S-curve promises at the threshold, for comparison with the measured recall.
        "candidate_probability_at_threshold": collision_probability(threshold, params.bands, params.rows),
        "documents": n + prepared.without_shingles,
        "documents_with_shingles": n,
        "total_pairs": total_pairs,
        "candidate_pairs": len(candidates),
        "candidate_pairs_similar": true_positives,
        "precision": _ratio(true_positives, len(candidates)),
        "non_candidate_pairs": non_candidates,
        "sampled_non_candidate_pairs": len(sampled),
        "sampled_non_candidates_similar": sampled_similar,
        "non_candidates_exhaustive": exhaustive,
        "estimated_missed_similar_pairs": missed,
        "estimated_missed_similar_pairs_95": [missed_low, missed_high],
        "estimated_similar_pairs": similar,
        "recall": recall,
        # Fewer missed pairs mean higher recall: the bounds swap.
        "recall_95": [
            _ratio(true_positives, true_positives + missed_high),
            _ratio(true_positives, true_positives + missed_low),
        ]
        if true_positives
        else [None, None],
        "candidate_jaccard_histogram": _histogram(candidate_jaccard),
        "sampled_non_candidate_jaccard_histogram": _histogram(sampled_jaccard),
        "sample_seed": seed,
    }


def evaluate_corpus(
    texts: Iterable[str],
    params: MinHashParams,
    threshold: float | None = None,
    sample_pairs: int = DEFAULT_SAMPLE_PAIRS,
    seed: int = 0,
    max_candidate_pairs: int = DEFAULT_MAX_CANDIDATE_PAIRS,
) -> dict[str, Any]:
    """:func:`evaluate_prepared` over raw texts."""
    return evaluate_prepared(prepare(texts, params), params, threshold, sample_pairs, seed, max_candidate_pairs)


# -- the documents MinHash saw ------------------------------------------------------


def _keep_one_per_key(docs: Sequence[Document], key_fn, rule: str) -> list[Document]:
    groups: dict[Any, list[Document]] = defaultdict(list)
    for d in docs:
        groups[key_fn(d)].append(d)
    return sorted((choose_kept(g, rule) for g in groups.values()), key=lambda d: d.id)


def minhash_input(
    docs: Sequence[Document], url_enabled: bool = True, url_keep: str = LATEST, exact_enabled: bool = True
) -> list[Document]:
    """The documents that reach MinHash dedup: phase-A output after URL and exact dedup, in memory.

    Without this, exact copies (Jaccard 1, always candidates) would crowd the
    candidate pairs and flatter precision with pairs the MinHash stage never saw.
    """
    out = sorted(docs, key=lambda d: d.id)
    if url_enabled:
        out = _keep_one_per_key(out, lambda d: url_key(d.url), url_keep)
    if exact_enabled:
        out = _keep_one_per_key(out, lambda d: exact_text_key(d.text, DEFAULT), EARLIEST)
    return out


# -- a run directory --------------------------------------------------------------


def params_from_config(minhash: Mapping[str, Any]) -> MinHashParams:
    """:class:`MinHashParams` from a run config's ``dedup.minhash`` section (unknown keys ignored)."""
    names = {f.name for f in fields(MinHashParams)}
    return MinHashParams(**{k: v for k, v in minhash.items() if k in names})


def read_run_config(run_dir: str) -> dict[str, Any]:
    """The config a finished run used, from its ``manifest.json``."""
    from thresher.run.layout import RunLayout

    path = RunLayout.of(run_dir).manifest
    try:
        with open(path, encoding="utf-8") as fh:
            manifest = json.load(fh)
    except FileNotFoundError:
        raise ThresherError(f"{run_dir}: no manifest.json (not a finished `thresher run` output)") from None
    except (OSError, ValueError) as exc:
        raise ThresherError(f"{path}: cannot read: {exc}") from None
    config = manifest.get("config") if isinstance(manifest, dict) else None
    if not isinstance(config, dict) or not isinstance(config.get("dedup"), dict):
        raise ThresherError(f"{path}: no config.dedup section")
    return config


def phase_a_files(run_dir: str) -> list[str]:
    """The documents files of the run's committed phase-A results (every document that reached dedup)."""
    from thresher.run.layout import RunLayout
    from thresher.run.results import read_result

    files = []
    for directory in RunLayout.of(run_dir).file_results():
        result = read_result(directory)
        if result is not None:
            files.extend(result.files("documents"))
    if not files:
        raise ThresherError(
            f"{run_dir}: no phase-A results in _work/phase_a (dedup-eval needs the run's intermediate files)"
        )
    return files


def read_documents(files: Sequence[str]) -> list[Document]:
    import pyarrow.parquet as pq

    columns = ["id", "url", "text", "crawl_date"]
    docs = []
    for path in files:
        table = pq.read_table(path, columns=columns).to_pydict()
        rows = zip(*(table[k] for k in columns))
        docs += [Document(id=i, url=u, text=t, crawl_date=c) for i, u, t, c in rows]
    return docs


def evaluate_run(
    run_dir: str,
    sample_pairs: int = DEFAULT_SAMPLE_PAIRS,
    seed: int = 0,
    threshold: float | None = None,
    max_documents: int | None = None,
    max_candidate_pairs: int = DEFAULT_MAX_CANDIDATE_PAIRS,
    write: bool = True,
) -> dict[str, Any]:
    """Evaluate the MinHash settings of a finished run on the documents its MinHash stage saw.

    Writes ``RUN_DIR/dedup_eval.json`` (unless ``write`` is false) and returns the same dict.
    """
    config = read_run_config(run_dir)
    dedup = config["dedup"]
    minhash = dedup.get("minhash") or {}
    try:
        params = params_from_config(minhash)
    except (TypeError, ValueError) as exc:
        raise ThresherError(f"{run_dir}: invalid dedup.minhash settings in manifest.json: {exc}") from None
    phase_a = read_documents(phase_a_files(run_dir))
    url, exact = dedup.get("url") or {}, dedup.get("exact") or {}
    docs = minhash_input(phase_a, url.get("enabled", True), url.get("keep", LATEST), exact.get("enabled", True))
    reaching = len(docs)
    if max_documents is not None and len(docs) > max_documents:
        # A uniform document sample keeps pair statistics unbiased; sorted for a stable order.
        docs = sorted(random.Random(seed).sample(docs, max_documents), key=lambda d: d.id)
    result = evaluate_corpus((d.text for d in docs), params, threshold, sample_pairs, seed, max_candidate_pairs)
    result = {
        "run_dir": os.path.abspath(run_dir),
        "phase_a_documents": len(phase_a),
        "documents_reaching_minhash": reaching,
        "documents_evaluated": len(docs),
        "minhash_enabled_in_run": bool(minhash.get("enabled", True)),
        **result,
    }
    if write:
        from thresher.io import storage

        storage.write_json(os.path.join(run_dir, EVAL_FILE), result)
    return result


def format_evaluation(result: Mapping[str, Any]) -> str:
    """A short plain-text summary for the terminal."""

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{100 * x:.1f} %"

    p = result["params"]
    low, high = result["recall_95"]
    lines = [
        f"MinHash {p['bands']} bands x {p['rows']} rows, {p['ngram']}-grams, {p['normalization']} normalization",
        f"threshold            {result['threshold']:.3f} ({result['threshold_source']}; "
        f"the S-curve gives a candidate {pct(result['candidate_probability_at_threshold'])} of the time there)",
    ]
    if "documents_reaching_minhash" in result:
        lines.append(
            f"documents            {result['phase_a_documents']:,} after phase A, "
            f"{result['documents_reaching_minhash']:,} reaching MinHash, {result['documents_evaluated']:,} evaluated"
        )
    lines += [
        f"pairs                {result['total_pairs']:,} among {result['documents_with_shingles']:,} documents with words",
        f"candidate pairs      {result['candidate_pairs']:,}, of which {result['candidate_pairs_similar']:,} "
        f"at or above the threshold",
        f"precision            {pct(result['precision'])}",
        f"non-candidate pairs  {result['non_candidate_pairs']:,}: "
        + (
            f"all compared, {result['sampled_non_candidates_similar']:,} similar"
            if result["non_candidates_exhaustive"]
            else f"{result['sampled_non_candidate_pairs']:,} sampled, {result['sampled_non_candidates_similar']:,} "
            f"similar -> about {result['estimated_missed_similar_pairs']:,.1f} similar pairs missed"
        ),
        f"recall               {pct(result['recall'])}"
        + ("" if result["non_candidates_exhaustive"] or low is None else f" (95 %: {pct(low)} to {pct(high)})"),
    ]
    return "\n".join(lines)
