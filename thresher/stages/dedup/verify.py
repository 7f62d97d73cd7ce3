"""Optional verification of LSH candidate edges by exact Jaccard similarity.

LSH makes a pair a candidate when one band of its signatures matches; a pair
below the S-curve threshold still collides with probability
``1 - (1 - s**r)**b`` (about 4 % at 0.5 for FineWeb's 14 x 8). Left alone,
such a false candidate merges two components and removes a document that is
not a near-duplicate of the one kept. Verification computes the exact
Jaccard similarity of the two documents' shingle sets (the very shingles the
signatures were built from) and keeps the edge only at or above a threshold.

Off by default, as in FineWeb: it costs a second read of both documents'
texts per candidate edge, and at 14 x 8 false candidates are rare.

Limit: candidate edges are *star* edges (every bucket member to the bucket's
smallest id), so a bucket ``{r, x, y}`` where ``x`` and ``y`` are similar but
``r`` is not loses both edges, and ``x``/``y`` are then merged only if another
band of theirs collides (likely for truly similar pairs: each band is an
independent chance). Verifying every pair of a bucket would recover them at
quadratic cost.
"""

from __future__ import annotations

from typing import AbstractSet, Iterable, Iterator, TypeVar

from thresher.stages.dedup.lsh import s_curve_threshold
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.shingles import word_shingles
from thresher.stats import StatsSink

Node = TypeVar("Node")


def shingle_set(text: str, params: MinHashParams) -> frozenset[bytes]:
    """The shingle set MinHash signs for ``text`` under ``params`` (same n-gram and normalization)."""
    return frozenset(word_shingles(text, params.ngram, params.normalization))


def jaccard(a: AbstractSet, b: AbstractSet) -> float:
    """Exact Jaccard similarity of two sets; 0.0 when either is empty.

    Empty sets never become LSH candidates (they emit no band keys); should
    one reach here it must not be merged, hence 0 rather than 1.
    """
    if not a or not b:
        return 0.0
    if len(a) > len(b):  # iterate the smaller set
        a, b = b, a
    shared = sum(1 for s in a if s in b)
    return shared / (len(a) + len(b) - shared)


def default_threshold(params: MinHashParams) -> float:
    """The verification threshold when none is configured: the S-curve threshold ``(1/b)**(1/r)``."""
    return s_curve_threshold(params.bands, params.rows)


def keep_edge(shingles_a: AbstractSet, shingles_b: AbstractSet, threshold: float) -> bool:
    """Whether a candidate edge survives verification: Jaccard at or above ``threshold``."""
    return jaccard(shingles_a, shingles_b) >= threshold


def verify_edge(
    edge: tuple[Node, Node], shingles_a: AbstractSet, shingles_b: AbstractSet, threshold: float
) -> Iterable[tuple[Node, Node]]:
    """``edge`` (as a one-element iterable) if its two documents' shingle sets are similar enough, else nothing.

    Shaped for a flat-map: an engine joins each edge with both documents'
    shingles and flat-maps this over the result.
    """
    if keep_edge(shingles_a, shingles_b, threshold):
        return (edge,)
    return ()


def check_threshold(threshold: float | None) -> None:
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise ValueError(f"dedup.minhash.verify_threshold must be within (0, 1], got {threshold}")


# -- the two joins on id the dedup job runs (thresher.run.dedup) ---------------------------

#: Counter stage of the edge counters: not a document stage (no ``/in``), so the funnel skips it.
VERIFY_STAGE = "dedup_minhash_verify"


def first_halves(a: Node, seconds: Iterable[Node], text_a: str | None) -> Iterator[tuple[Node, tuple[Node, str]]]:
    """First join, per id ``a``: ``(b, (a, text_a))`` once per distinct edge ``(a, b)``.

    Star edges put the bucket's smallest id second, so the high-degree end is
    ``b``: its text is attached in the second join, once per group, not here.
    ``text_a`` None (an edge to an unknown id, which candidate edges never
    make) yields nothing. The same edge from several bands is verified once.
    """
    if text_a is None:
        return
    for b in set(seconds):
        yield b, (a, text_a)


def verify_halves(
    b: Node,
    text_b: str | None,
    halves: Iterable[tuple[Node, str]],
    params: MinHashParams,
    threshold: float,
    stats: StatsSink,
) -> Iterator[tuple[Node, Node]]:
    """Second join, per id ``b``: the edges ``(a, b)`` at or above ``threshold``, counted.

    ``b``'s shingles are made once, however many edges reach it. Counters:
    ``dedup_minhash_verify/candidate_edges``, ``/verified_edges``, ``/rejected_edges``.
    """
    if text_b is None:
        return
    shingles_b = shingle_set(text_b, params)
    for a, text_a in halves:
        stats.inc(f"{VERIFY_STAGE}/candidate_edges")
        kept = verify_edge((a, b), shingle_set(text_a, params), shingles_b, threshold)
        stats.inc(f"{VERIFY_STAGE}/{'verified_edges' if kept else 'rejected_edges'}")
        yield from kept
