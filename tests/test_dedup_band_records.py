"""MinHash bucket keys: one bytes object per band, the same buckets as ``(band, hash)`` gave.

The key's shape matters for memory only (a local runner holds a grouping whole: BENCHMARKS.md §9);
which documents share a bucket must not change.
"""

from __future__ import annotations

from collections import defaultdict

from thresher.run.dedup.light import BAND_HASH_BYTES, Light, band_keys
from thresher.run.dedup.stages import band_records, bucket_star_edges


def _light(doc_id: str, hashes: list[bytes], language: str | None = "en") -> Light:
    return Light(doc_id, 0, 0, language, None, None, None, None, None, b"".join(hashes))


def _h(n: int) -> bytes:
    return n.to_bytes(BAND_HASH_BYTES, "big")


def _buckets(records) -> dict:
    groups = defaultdict(list)
    for key, doc_id in records:
        groups[key].append(doc_id)
    return groups


def test_a_key_per_band_holding_the_band_and_its_hash():
    light = _light("a", [_h(1), _h(2), _h(1)])
    keys = [key for key, _ in band_records(light)]
    assert len(set(keys)) == 3  # the same hash in another band is another bucket
    assert all(isinstance(key, bytes) for key in keys)
    assert [(int.from_bytes(k[:2], "big"), k[2:]) for k in keys] == band_keys(light)


def test_the_same_buckets_and_star_edges_as_tuple_keys():
    lights = [
        _light("d3", [_h(1), _h(2)]), _light("d1", [_h(1), _h(3)]),
        _light("d2", [_h(4), _h(2)]), _light("d4", [_h(5), _h(6)]), _light("d0", [])
    ]
    as_bytes = _buckets(r for light in lights for r in band_records(light))
    as_tuples = _buckets((key, light.id) for light in lights for key in band_keys(light))
    assert sorted(map(sorted, as_bytes.values())) == sorted(map(sorted, as_tuples.values()))
    edges = sorted(e for bucket in as_bytes.items() for e in bucket_star_edges(bucket))
    assert edges == [("d3", "d1"), ("d3", "d2")]  # each bucket's members to its smallest id


def test_per_language_keys_keep_languages_apart_and_none_apart_from_empty():
    same = [_h(7)]
    languages = ["en", "fr", "", None, "e"]
    keys = {next(band_records(_light(str(i), same, lang), per_language=True))[0] for i, lang in enumerate(languages)}
    assert len(keys) == len(languages)
    # Without per_language, one bucket for all of them.
    assert len({next(band_records(_light(str(i), same, lang)))[0] for i, lang in enumerate(languages)}) == 1
