"""Generated near-duplicates at a controlled shingle Jaccard similarity (evaluation and tests).

Documents are sequences of distinct random words, so every word n-gram is
distinct and the Jaccard similarity of two documents is exact arithmetic:
``b`` keeps the first ``k`` words of ``a`` and replaces the rest with fresh
words, sharing the ``k - n + 1`` n-grams that lie wholly in the kept prefix.
With ``S = len - n + 1`` n-grams per document and ``x`` shared,
``J = x / (2S - x)``, so ``x = 2SJ / (1 + J)``, rounded. MinHash only sees
sets, so where the edit sits does not matter.
"""

from __future__ import annotations

import random

from thresher.stages.dedup.shingles import DEFAULT_NGRAM, word_shingles


def jaccard(a: set | list, b: set | list) -> float:
    a, b = set(a), set(b)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _fresh_words(rng: random.Random, count: int) -> list[str]:
    # 40 random bits per word: collisions in a test corpus are negligible.
    return [f"w{rng.getrandbits(40):010x}" for _ in range(count)]


def near_duplicate_pair(
    similarity: float, rng: random.Random, words: int = 200, ngram: int = DEFAULT_NGRAM
) -> tuple[str, str, float]:
    """Two texts whose word-``ngram`` Jaccard similarity is as close to ``similarity`` as integers allow.

    Returns ``(text_a, text_b, exact_similarity)``.
    """
    if not 0.0 <= similarity <= 1.0:
        raise ValueError("similarity must be in [0, 1]")
    if words < ngram:
        raise ValueError("words must be at least ngram")
    grams = words - ngram + 1
    shared = round(2 * grams * similarity / (1 + similarity))
    kept_words = shared + ngram - 1 if shared else 0
    a = _fresh_words(rng, words)
    b = a[:kept_words] + _fresh_words(rng, words - kept_words)
    exact = shared / (2 * grams - shared)
    return " ".join(a), " ".join(b), exact


def measured_similarity(text_a: str, text_b: str, ngram: int = DEFAULT_NGRAM) -> float:
    return jaccard(word_shingles(text_a, ngram), word_shingles(text_b, ngram))
