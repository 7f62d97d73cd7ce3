"""Word n-gram shingles: the sets MinHash compares.

A shingle is ``" ".join(words[i:i + n])`` encoded as UTF-8, exactly the byte
string one would pass to ``datasketch.MinHash.update``. Shingles are returned
once each, in order of first occurrence (MinHash sees a set; duplicates would
only cost hashing time).

Short texts: a text with at least one but fewer than ``n`` words yields ONE
shingle, the whole normalized text, so short pages still dedup against exact
copies of themselves. A text with no words yields no shingles; its signature
is datasketch's empty value (every slot at the maximum hash) and it takes no
part in LSH (the Jaccard similarity of empty sets is undefined, and exact
dedup already catches empty pages).
"""

from __future__ import annotations

from thresher.stages.dedup.normalize import DEFAULT, normalize_text

DEFAULT_NGRAM = 5


def word_shingles(text: str, ngram: int = DEFAULT_NGRAM, normalization: str = DEFAULT) -> list[bytes]:
    if ngram < 1:
        raise ValueError(f"ngram must be at least 1, got {ngram}")
    normalized = normalize_text(text, normalization)
    if not normalized:
        return []
    # Split the encoded text: UTF-8 never uses the space byte inside a
    # multi-byte character, and joining bytes skips one encode per shingle
    # (twice as fast as joining strings, then encoding).
    words = normalized.encode("utf-8", "surrogatepass").split(b" ")
    if len(words) < ngram:
        return [b" ".join(words)]
    grams = map(b" ".join, zip(*(words[i:] for i in range(ngram))))
    return list(dict.fromkeys(grams))
