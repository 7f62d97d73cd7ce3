"""Exact-Jaccard verification of MinHash candidate edges on Spark (``dedup.minhash.verify``).

As Beam's ``VerifyCandidateEdges``, from the same functions
(:mod:`thresher.dedup.verify`): two joins on id, never a broadcast. Edges
keyed by their first id are cogrouped with that document's text and re-keyed
by their second id; those are cogrouped with the second text, and each edge
is kept if the two shingle sets' Jaccard reaches the threshold. Each edge
carries one text through one shuffle. Counters:
``dedup_minhash_verify/candidate_edges``, ``/verified_edges``,
``/rejected_edges``; time under ``dedup_minhash``.
"""

from __future__ import annotations

from functools import partial
from typing import Iterable, Iterator

from pyspark import RDD

from thresher.dedup.params import MinHashParams
from thresher.dedup.verify import (
    VERIFY_STAGE,
    check_threshold,
    default_threshold,
    first_halves,
    verify_halves,
)
from thresher.engines.spark.stats import PartitionStats, SparkStats
from thresher.engines.spark.timing import per_record, timed
from thresher.record import Document


def verified_edges(
    stats: SparkStats,
    docs: RDD,
    edges: RDD,
    params: MinHashParams,
    threshold: float | None,
    partitions: int,
    timed_as: str,
) -> RDD:
    """Candidate edges ``(a, b)`` -> those whose documents are similar enough (``threshold``
    None: the S-curve threshold); ``docs`` is read twice (cache it), ``timed_as`` names the stage."""
    check_threshold(threshold)
    threshold = default_threshold(params) if threshold is None else threshold
    def step(name: str, body):
        return stats.counted(f"{VERIFY_STAGE}/{name}", timed(timed_as, body))

    texts = docs.mapPartitionsWithIndex(step("texts", per_record(_text_record)))
    halves = edges.cogroup(texts, partitions).mapPartitionsWithIndex(step("first", per_record(_attach_first_text)))
    verify = partial(_verify, params=params, threshold=threshold)
    return halves.cogroup(texts, partitions).mapPartitionsWithIndex(step("verify", verify))


def _text_record(doc: Document) -> Iterator[tuple[str, str]]:
    yield doc.id, doc.text


def _first_or_none(values: Iterable[str]) -> str | None:
    return next(iter(values), None)


def _attach_first_text(joined: tuple[str, tuple[Iterable[str], Iterable[str]]]) -> Iterator[tuple[str, tuple]]:
    a, (seconds, texts) = joined
    return first_halves(a, seconds, _first_or_none(texts))


def _verify(
    index: int,
    groups: Iterator[tuple[str, tuple[Iterable[tuple[str, str]], Iterable[str]]]],
    stats: PartitionStats,
    *,
    params: MinHashParams,
    threshold: float,
) -> Iterator[tuple[str, str]]:
    for b, (halves, texts) in groups:
        yield from verify_halves(b, _first_or_none(texts), halves, params, threshold, stats)
