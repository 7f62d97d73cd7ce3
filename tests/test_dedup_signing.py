"""The one signing path: texts -> band keys, as every engine calls it."""

from __future__ import annotations

from thresher.stages.dedup.lsh import band_keys
from thresher.stages.dedup.minhash import minhash_signatures
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles
from thresher.stages.dedup.signing import document_band_keys


def test_batch_keys_equal_each_text_signed_alone_and_wordless_texts_get_none() -> None:
    params = MinHashParams(hash="xxh3")
    texts = ["the quick brown fox jumps over the lazy dog " * 3, "   ", "another text with several words in it"]
    keys = document_band_keys(texts, params)
    assert keys[1] == []
    for text, got in zip(texts, keys):
        if not text.strip():
            continue
        signature = minhash_signatures([word_shingles(text, params.ngram)], params.permutations, params.seed,
                                       params.scheme, params.hash)[0]
        assert got == band_keys(signature, params.bands, params.rows)
        assert len(got) == params.bands
    assert document_band_keys([], params) == []
