"""MinHash signatures per second on one core: Thresher's batched numpy vs datasketch per document.

    .venv/bin/python bench/bench_minhash.py [--docs 2000] [--quick] [--out bench/results/minhash.json]

Every variant signs the same documents from the same precomputed shingles
(shingling is timed separately: it is common to both), and the outputs are
checked equal before anything is timed. Variants:

* ``datasketch``: ``MinHash(num_perm, seed)`` + ``update_batch`` per document,
  the usual way to use it;
* ``datasketch shared perms``: the same, reusing one MinHash's permutations
  (skips re-drawing them per document; its best case);
* ``thresher sha1``: :func:`minhash_signatures` over batches of 512 documents,
  identical output to both datasketch variants;
* ``thresher xxh3``: the same with ``hash="xxh3"`` (identical to datasketch
  given ``hashfunc=xxh3_hash32``).

The process is pinned to one CPU. Results go to bench/results/minhash.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from thresher.stages.dedup.minhash import minhash_signatures, xxh3_hash32  # noqa: E402
from thresher.stages.dedup.shingles import word_shingles  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "minhash.json"
BATCH = 512
SEED = 1


def make_corpus(n_docs: int, rng: random.Random) -> list[str]:
    """Web-page-like texts: Zipf-distributed words, lengths log-normal around ~400 words."""
    vocab = [f"{rng.choice('bcdfghjklmnpst')}{rng.choice('aeiou')}{rng.getrandbits(20):x}" for _ in range(50_000)]
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    texts = []
    for _ in range(n_docs):
        length = min(5000, max(20, int(rng.lognormvariate(6.0, 0.7))))
        texts.append(" ".join(rng.choices(vocab, weights, k=length)))
    return texts


def best_times(variants: dict, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` runs per variant, interleaved so load changes hit every variant alike."""
    best = {name: float("inf") for name in variants}
    for _ in range(repeat):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def datasketch_naive(shingle_sets, num_perm, hashfunc=None):
    out = []
    for shingles in shingle_sets:
        m = MinHash(num_perm=num_perm, seed=SEED, hashfunc=hashfunc)
        m.update_batch(shingles)
        out.append(m.hashvalues)
    return out


def datasketch_shared(shingle_sets, num_perm):
    perms = MinHash(num_perm=num_perm, seed=SEED).permutations
    out = []
    for shingles in shingle_sets:
        m = MinHash(num_perm=num_perm, seed=SEED, permutations=perms, scheme="affine32")
        m.update_batch(shingles)
        out.append(m.hashvalues)
    return out


def thresher(shingle_sets, num_perm, hash="sha1"):
    return np.concatenate(
        [
            minhash_signatures(shingle_sets[i : i + BATCH], num_perm=num_perm, seed=SEED, hash=hash)
            for i in range(0, len(shingle_sets), BATCH)
        ]
    )


def bench_setting(name, shingle_sets, num_perm, repeat, shingling_per_doc):
    docs = len(shingle_sets)
    shingles = sum(len(s) for s in shingle_sets)
    # Correctness first: all variants agree.
    reference = np.array(datasketch_naive(shingle_sets[:50], num_perm))
    assert (np.array(datasketch_shared(shingle_sets[:50], num_perm)) == reference).all()
    assert (thresher(shingle_sets[:50], num_perm) == reference).all()
    xxh = np.array(datasketch_naive(shingle_sets[:50], num_perm, hashfunc=xxh3_hash32))
    assert (thresher(shingle_sets[:50], num_perm, "xxh3") == xxh).all()

    variants = {
        "datasketch": lambda: datasketch_naive(shingle_sets, num_perm),
        "datasketch shared perms": lambda: datasketch_shared(shingle_sets, num_perm),
        "thresher sha1": lambda: thresher(shingle_sets, num_perm),
        "thresher xxh3": lambda: thresher(shingle_sets, num_perm, "xxh3"),
    }
    rows = []
    times = best_times(variants, repeat)
    baseline = times["datasketch"]
    for variant, seconds in times.items():
        rows.append(
            {
                "setting": name,
                "variant": variant,
                "num_perm": num_perm,
                "documents": docs,
                "shingles": shingles,
                "seconds": round(seconds, 4),
                "docs_per_second": round(docs / seconds, 1),
                "ns_per_shingle": round(seconds / shingles * 1e9, 1),
                "speedup_vs_datasketch": round(baseline / seconds, 2),
                # From text: the same shingling cost added to every variant.
                "docs_per_second_from_text": round(docs / (seconds + shingling_per_doc * docs), 1),
                "speedup_from_text": round(
                    (baseline + shingling_per_doc * docs) / (seconds + shingling_per_doc * docs), 2
                ),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="fewer documents and one repeat")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default bench/results/minhash.json)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    n_docs = 300 if args.quick else args.docs
    repeat = 1 if args.quick else 3

    rng = random.Random(0)
    texts = make_corpus(n_docs, rng)
    start = time.perf_counter()
    shingle_sets = [word_shingles(t) for t in texts]
    shingling = time.perf_counter() - start
    shingles = sum(len(s) for s in shingle_sets)

    per_doc = shingling / n_docs
    rows = bench_setting("fineweb 14x8", shingle_sets, 112, repeat, per_doc)
    rows += bench_setting("datasketch default", shingle_sets, 128, repeat, per_doc)
    few = max(20, n_docs // 20)
    rows += bench_setting("refinedweb 450x20", shingle_sets[:few], 9000, min(repeat, 2), per_doc)

    header = (
        f"{'setting':<20} {'variant':<25} {'docs':>6} {'docs/s':>9} {'ns/shingle':>11} {'speedup':>8}"
        f" {'from text: docs/s':>18} {'speedup':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['setting']:<20} {r['variant']:<25} {r['documents']:>6} {r['docs_per_second']:>9.1f} "
            f"{r['ns_per_shingle']:>11.1f} {r['speedup_vs_datasketch']:>7.2f}x"
            f" {r['docs_per_second_from_text']:>18.1f} {r['speedup_from_text']:>7.2f}x"
        )
    print(
        f"\nshingling (common to all; only in the 'from text' columns): "
        f"{shingling / n_docs * 1e6:.0f} us/doc, {shingling / shingles * 1e9:.0f} ns/shingle"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                    "numpy": np.__version__, "cores_used": 1},
        "corpus": {"documents": n_docs, "shingles": shingles, "mean_shingles_per_doc": round(shingles / n_docs, 1),
                   "shingling_ns_per_shingle": round(shingling / shingles * 1e9, 1)},
        "batch_size": BATCH,
        "results": rows,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
