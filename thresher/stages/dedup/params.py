"""MinHash dedup parameters and the named presets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from thresher.stages.dedup.minhash import AFFINE32, HASHES, SCHEMES, SHA1
from thresher.stages.dedup.normalize import DEFAULT, NORMALIZERS, REFINEDWEB

#: Unrolled star-contraction rounds (one large-star and one small-star step
#: each). Rounds grow with the log of the longest chain of near-duplicates:
#: measured 8 to 10 for a 1,000-document chain, 13 to 17 for 100,000.
DEFAULT_MAX_ROUNDS = 20


@dataclass(frozen=True)
class MinHashParams:
    bands: int = 14
    rows: int = 8
    ngram: int = 5
    seed: int = 1
    normalization: str = DEFAULT
    #: Permutations computed; ``None`` means ``bands * rows`` (extra ones are unused by LSH).
    num_perm: int | None = None
    #: datasketch permutation scheme: ``affine32`` (its default), ``affine64`` or ``legacy``.
    scheme: str = AFFINE32
    #: Shingle hash: ``sha1`` (datasketch's default) or ``xxh3`` (faster).
    hash: str = SHA1
    max_rounds: int = DEFAULT_MAX_ROUNDS

    def __post_init__(self) -> None:
        for name in ("bands", "rows", "ngram", "max_rounds"):
            if getattr(self, name) < 1:
                raise ValueError(f"dedup.minhash.{name} must be at least 1, got {getattr(self, name)}")
        if self.num_perm is not None and self.num_perm < self.bands * self.rows:
            raise ValueError(
                f"dedup.minhash.num_perm={self.num_perm} is smaller than bands x rows = {self.bands * self.rows}"
            )
        if self.normalization not in NORMALIZERS:
            raise ValueError(f"dedup.minhash.normalization must be one of {sorted(NORMALIZERS)}")
        if self.scheme not in SCHEMES:
            raise ValueError(f"dedup.minhash.scheme must be one of {SCHEMES}")
        if self.hash not in HASHES:
            raise ValueError(f"dedup.minhash.hash must be one of {HASHES}")

    @property
    def permutations(self) -> int:
        return self.num_perm if self.num_perm is not None else self.bands * self.rows

    def with_(self, **changes: Any) -> "MinHashParams":
        return replace(self, **changes)


PRESETS: dict[str, MinHashParams] = {
    # FineWeb: 112 permutations in 14 bands of 8, word 5-grams.
    "fineweb": MinHashParams(),
    # RefinedWeb: 9,000 permutations in 450 bands of 20, word 5-grams,
    # over its aggressive normalization.
    "refinedweb": MinHashParams(bands=450, rows=20, normalization=REFINEDWEB),
}


def preset(name: str, **overrides: Any) -> MinHashParams:
    try:
        base = PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown MinHash preset {name!r}; expected one of {sorted(PRESETS)}") from None
    return replace(base, **overrides)
