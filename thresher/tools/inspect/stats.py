"""``thresher inspect stats``: document lengths, tokens per language and per shard, from the data.

Reads only the ``token_count`` and ``language`` columns, so it stays cheap on
remote shards.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from thresher.tools.loader.run import Run

UNKNOWN_LANGUAGE = "unknown"  # what the pipeline's manifest calls a null language


def corpus_stats(run: Run) -> dict[str, Any]:
    lengths_parts, languages, shards = [], {}, []
    for shard in run.shards:
        table = run.open_shard(shard.name).read(columns=["token_count", "language"])
        counts = table.column("token_count").to_numpy(zero_copy_only=False).astype(np.int64)
        lengths_parts.append(counts)
        for lang, tokens in zip(table.column("language").to_pylist(), counts.tolist()):
            per = languages.setdefault(lang or UNKNOWN_LANGUAGE, {"documents": 0, "tokens": 0})
            per["documents"] += 1
            per["tokens"] += tokens
        shards.append({
            "name": shard.name,
            "documents": len(counts),
            "tokens": int(counts.sum()),
            "bytes": shard.bytes,
            "mean_tokens_per_document": float(counts.mean()) if len(counts) else 0.0,
        })
    lengths = np.concatenate(lengths_parts) if lengths_parts else np.empty(0, dtype=np.int64)
    total = int(lengths.sum())
    for per in languages.values():
        per["token_share"] = per["tokens"] / total if total else 0.0
    return {
        "path": run.location,
        "documents": len(lengths),
        "tokens": total,
        "document_tokens": _summary(lengths),
        "histogram": length_histogram(lengths),
        "languages": dict(sorted(languages.items(), key=lambda kv: -kv[1]["tokens"])),
        "shards": shards,
    }


def _summary(lengths: np.ndarray) -> dict[str, float]:
    if not len(lengths):
        return {"min": 0, "p50": 0, "p90": 0, "p99": 0, "max": 0, "mean": 0.0}
    p50, p90, p99 = np.percentile(lengths, [50, 90, 99])
    return {"min": int(lengths.min()), "p50": float(p50), "p90": float(p90), "p99": float(p99),
            "max": int(lengths.max()), "mean": float(lengths.mean())}


def length_histogram(lengths: np.ndarray) -> list[dict[str, int]]:
    """Power-of-two buckets ``[lo, hi]``: web documents span 10 to 100,000 tokens."""
    if not len(lengths):
        return []
    exponents = np.floor(np.log2(np.maximum(lengths, 1))).astype(np.int64)
    buckets = []
    for exponent in range(int(exponents.min()), int(exponents.max()) + 1):
        buckets.append({
            "min_tokens": 1 << exponent,
            "max_tokens": (1 << (exponent + 1)) - 1,
            "documents": int((exponents == exponent).sum()),
        })
    return buckets
