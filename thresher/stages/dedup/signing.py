"""Texts -> LSH band keys under MinHash parameters: the one signing path every engine uses."""

from __future__ import annotations

from typing import Sequence

from thresher.stages.dedup.lsh import BandKey, batch_band_keys
from thresher.stages.dedup.minhash import minhash_signatures
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles


def document_band_keys(texts: Sequence[str], params: MinHashParams) -> list[list[BandKey]]:
    """Each text's band keys, signed as one batch (a few numpy passes for the whole batch).

    A text without words has no shingles and gets no keys: it is never a near-duplicate candidate.
    """
    if not texts:
        return []
    p = params
    shingle_sets = [word_shingles(text, p.ngram, p.normalization) for text in texts]
    signatures = minhash_signatures(shingle_sets, p.permutations, p.seed, p.scheme, p.hash)
    keys = batch_band_keys(signatures, p.bands, p.rows)
    return [doc_keys if shingles else [] for shingles, doc_keys in zip(shingle_sets, keys)]
