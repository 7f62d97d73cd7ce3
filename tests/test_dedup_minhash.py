"""Vectorized MinHash is element-wise identical to datasketch; LSH banding interoperates with it."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

import thresher.stages.dedup.minhash as mh
from thresher.stages.dedup.lsh import (
    band_bytes,
    band_keys,
    batch_band_keys,
    collision_probability,
    s_curve_threshold,
    star_edges,
)
from thresher.stages.dedup.minhash import (
    HASHES,
    SCHEMES,
    minhash_signature,
    minhash_signatures,
    to_datasketch,
    xxh3_hash32,
    xxh3_hash64,
)
from thresher.stages.dedup.params import MinHashParams, preset
from thresher.stages.dedup.shingles import word_shingles

VOCAB = "the of and a to in is was he for it with as his on be at by i this had not are but from".split()


def _texts(rng: random.Random, count: int) -> list[str]:
    texts = ["", "one", "two words", "four words in all", "exactly five little words here"]
    while len(texts) < count:
        texts.append(" ".join(rng.choice(VOCAB) for _ in range(rng.randint(0, 300))))
    return texts


def _datasketch(shingles: list[bytes], num_perm: int, seed: int, scheme: str, hash: str) -> np.ndarray:
    hashfunc = None if hash == "sha1" else (xxh3_hash64 if scheme == "affine64" else xxh3_hash32)
    m = MinHash(num_perm=num_perm, seed=seed, scheme=scheme, hashfunc=hashfunc)
    m.update_batch(shingles)
    return m.hashvalues


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("hash", HASHES)
@pytest.mark.parametrize("num_perm, seed", [(1, 1), (16, 7), (112, 1), (128, 42), (257, 12345)])
def test_signatures_equal_datasketch(scheme, hash, num_perm, seed):
    rng = random.Random(num_perm * 1000 + seed)
    shingle_sets = [word_shingles(t) for t in _texts(rng, 25)]
    batch = minhash_signatures(shingle_sets, num_perm=num_perm, seed=seed, scheme=scheme, hash=hash)
    assert batch.shape == (len(shingle_sets), num_perm)
    for shingles, row in zip(shingle_sets, batch):
        expected = _datasketch(shingles, num_perm, seed, scheme, hash)
        assert row.dtype == expected.dtype
        np.testing.assert_array_equal(row, expected)
        np.testing.assert_array_equal(minhash_signature(shingles, num_perm, seed, scheme, hash), expected)


def test_default_call_matches_datasketch_defaults():
    # MinHash(num_perm=N, seed=S) with nothing else: affine32 + sha1_hash32.
    shingles = word_shingles("the quick brown fox jumps over the lazy dog again and again")
    for seed in (1, 2, 99):
        m = MinHash(num_perm=64, seed=seed)
        m.update_batch(shingles)
        np.testing.assert_array_equal(minhash_signature(shingles, num_perm=64, seed=seed), m.hashvalues)


def test_empty_text_is_datasketchs_empty_minhash():
    for scheme in SCHEMES:
        sig = minhash_signature([], num_perm=32, scheme=scheme)
        np.testing.assert_array_equal(sig, MinHash(num_perm=32, scheme=scheme).hashvalues)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_documents_spanning_tiles(monkeypatch, scheme):
    # Tiny blocks: documents straddle many block boundaries, and empty
    # documents sit between them.
    monkeypatch.setattr(mh, "_BLOCK_SHINGLES", 40)
    monkeypatch.setattr(mh, "_BLOCK_ELEMENTS", 5 * 40)  # 5 permutations per tile: 16 = 5 + 5 + 5 + 1
    rng = random.Random(5)
    shingle_sets = [word_shingles(t) for t in _texts(rng, 40)]
    rng.shuffle(shingle_sets)
    batch = minhash_signatures(shingle_sets, num_perm=16, seed=3, scheme=scheme)
    for shingles, row in zip(shingle_sets, batch):
        np.testing.assert_array_equal(row, _datasketch(shingles, 16, 3, scheme, "sha1"))


def test_bad_scheme_or_hash():
    with pytest.raises(ValueError, match="scheme"):
        minhash_signature([b"x"], scheme="affine16")
    with pytest.raises(ValueError, match="hash"):
        minhash_signature([b"x"], hash="md5")


def test_band_keys_shape_and_datasketch_band_bytes():
    sig = minhash_signature(word_shingles("a b c d e f g h i j k"), num_perm=112)
    keys = band_keys(sig, bands=14, rows=8)
    assert [i for i, _ in keys] == list(range(14))
    assert all(isinstance(h, bytes) and len(h) == 16 for _, h in keys)
    raw = band_keys(sig, bands=14, rows=8, hashed=False)
    # datasketch keys its tables with bytes(band.byteswap().data).
    assert raw[3][1] == bytes(sig[24:32].byteswap().data) == band_bytes(sig, 3, 8)
    assert batch_band_keys(np.stack([sig, sig]), 14, 8) == [keys, keys]
    with pytest.raises(ValueError, match="need 120"):
        band_keys(sig, bands=15, rows=8)


def test_datasketch_lsh_queries_thresher_signatures():
    rng = random.Random(11)
    base = [rng.choice(VOCAB) + str(rng.randint(0, 999)) for _ in range(300)]
    near = list(base)
    near[150] = "changed"  # one word: a near duplicate
    other = [rng.choice(VOCAB) + str(rng.randint(0, 999)) for _ in range(300)]
    texts = {"base": " ".join(base), "near": " ".join(near), "other": " ".join(other)}
    sigs = dict(zip(texts, minhash_signatures([word_shingles(t) for t in texts.values()], num_perm=112)))

    lsh = MinHashLSH(num_perm=112, params=(14, 8))
    for key, sig in sigs.items():
        lsh.insert(key, to_datasketch(sig))
    assert sorted(lsh.query(to_datasketch(sigs["near"]))) == ["base", "near"]
    assert lsh.query(to_datasketch(sigs["other"])) == ["other"]

    # Thresher's raw band keys are exactly the keys of datasketch's hash tables.
    for band, key in band_keys(sigs["base"], 14, 8, hashed=False):
        assert "base" in lsh.hashtables[band].get(key)


def test_s_curve_numbers():
    assert s_curve_threshold(14, 8) == pytest.approx(0.719, abs=1e-3)
    assert s_curve_threshold(450, 20) == pytest.approx(0.737, abs=1e-3)
    assert collision_probability(0.9, 14, 8) > 0.999
    # The textbook figure: 0.5 is found 5.3 % of the time with 14 x 8, just
    # above 5 %; the curve crosses 5 % at about 0.496.
    assert collision_probability(0.5, 14, 8) == pytest.approx(0.0533, abs=1e-4)
    assert collision_probability(0.49, 14, 8) < 0.05


def test_star_edges_point_at_the_smallest_id():
    assert star_edges(["c", "a", "b", "a"]) == [("b", "a"), ("c", "a")]
    assert star_edges(["only"]) == []
    assert star_edges([]) == []


def test_presets_and_params():
    fineweb = preset("fineweb")
    assert (fineweb.bands, fineweb.rows, fineweb.ngram, fineweb.permutations) == (14, 8, 5, 112)
    refinedweb = preset("refinedweb")
    assert (refinedweb.bands, refinedweb.rows, refinedweb.permutations) == (450, 20, 9000)
    assert refinedweb.normalization == "refinedweb"
    assert preset("refinedweb", seed=3).seed == 3
    with pytest.raises(ValueError, match="max_rounds"):
        MinHashParams(max_rounds=0)
    with pytest.raises(ValueError, match="num_perm"):
        MinHashParams(num_perm=100)
    with pytest.raises(ValueError, match="preset"):
        preset("gopher")


def test_refinedweb_preset_signature_matches_datasketch():
    p = preset("refinedweb")
    shingles = word_shingles("Le Café, le café — LE CAFÉ! " * 3 + "and a few more words", p.ngram, p.normalization)
    sig = minhash_signature(shingles, p.permutations, p.seed)
    np.testing.assert_array_equal(sig, _datasketch(shingles, p.permutations, p.seed, "affine32", "sha1"))
    assert len(band_keys(sig, p.bands, p.rows)) == 450
