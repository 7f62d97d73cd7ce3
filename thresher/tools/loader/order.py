"""Seeded permutations that any training stack can reproduce bit for bit.

NumPy's ``Generator`` streams may change between NumPy versions, which would
silently break an exact resume after an upgrade. These permutations are
instead ``argsort`` of SplitMix64 hashes: fixed arithmetic, documented in
docs/SHARDS.md, the same in every version and language.
"""

from __future__ import annotations

import numpy as np

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def splitmix64(value: int) -> int:
    """One SplitMix64 output for a 64-bit input (Python ints: no overflow warnings)."""
    z = (value + _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def mix_key(*parts: int) -> int:
    """Fold integers (seed, epoch, shard, row group) into one 64-bit key, order-sensitive."""
    key = 0
    for part in parts:
        key = splitmix64(key ^ (int(part) & _MASK))
    return key


def _splitmix64_array(values: np.ndarray) -> np.ndarray:
    # uint64 array arithmetic wraps modulo 2**64, which is what SplitMix64 wants.
    z = values + np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def permutation(n: int, key: int) -> np.ndarray:
    """A permutation of ``range(n)``: sort positions by ``splitmix64(key ^ position)``.

    A stable sort breaks the (astronomically unlikely) ties by position.
    """
    positions = np.arange(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        scores = _splitmix64_array(positions ^ np.uint64(key & _MASK))
    return np.argsort(scores, kind="stable").astype(np.int64)


def maybe_permutation(n: int, shuffle: bool, *key_parts: int) -> np.ndarray:
    """``permutation(n, mix_key(*key_parts))`` when shuffling, else the identity."""
    if not shuffle:
        return np.arange(n, dtype=np.int64)
    return permutation(n, mix_key(*key_parts))
