"""Verified MinHash: candidate edges checked by exact Jaccard before components.

Engine-neutral rule: :mod:`thresher.dedup.verify`. Edge counters use their
own stage name without ``/in``, so the documents funnel never mistakes them
for a document stage.
"""

from __future__ import annotations

from typing import Any, Iterable

import apache_beam as beam

from thresher.dedup.params import MinHashParams
from thresher.dedup.verify import check_threshold, default_threshold, shingle_set, verify_edge
from thresher.engines.beam.dedup.common import MINHASH_STAGE, _first_or_none
from thresher.engines.beam.dedup.minhash import MinHashDedup
from thresher.engines.beam.dedup.timing import TimedDoFn, TimedFlatMap, TimedMap, require_global_window
from thresher.record import Document

VERIFY_STAGE = "dedup_minhash_verify"


def _edge_by_first(edge: tuple[str, str]) -> tuple[str, str]:
    return edge


def _doc_text_record(doc: Document) -> tuple[str, str]:
    return doc.id, doc.text


def _attach_first_text(element: tuple[str, dict]) -> Iterable[tuple[str, tuple[str, str]]]:
    """``(a, {edge: [b...], text: [text_a]})`` -> ``(b, (a, text_a))`` once per distinct ``b``.

    Star edges put the bucket's smallest id second, so the high-degree end is
    ``b``: its text is attached in the second join, once per group, not here.
    """
    a, joined = element
    text_a = _first_or_none(joined["text"])
    # No text: an edge to an unknown id, which MinHashCandidateEdges never makes.
    # (No early return: Beam warns about generators that mix return and yield.)
    if text_a is not None:
        for b in set(joined["edge"]):  # the same edge from several bands is verified once
            yield b, (a, text_a)


class _VerifyAgainstSecond(TimedDoFn):
    """``(b, {half: [(a, text_a)...], text: [text_b]})`` -> the edges ``(a, b)`` at or above the threshold."""

    def __init__(self, params: MinHashParams, threshold: float, stage: str) -> None:
        super().__init__(stage)
        self._params = params
        self._threshold = threshold

    def work(self, element: tuple[str, dict]) -> Iterable[tuple[str, str]]:
        b, joined = element
        text_b = _first_or_none(joined["text"])
        # Edges to an unknown id (none come from MinHashCandidateEdges) are dropped.
        halves = joined["half"] if text_b is not None else ()
        shingles_b = shingle_set(text_b or "", self._params)  # once per node, however many edges reach it
        for a, text_a in halves:
            self.stats.inc(f"{VERIFY_STAGE}/candidate_edges")
            kept = verify_edge((a, b), shingle_set(text_a, self._params), shingles_b, self._threshold)
            self.stats.inc(f"{VERIFY_STAGE}/{'verified_edges' if kept else 'rejected_edges'}")
            yield from kept


class VerifyCandidateEdges(beam.PTransform):
    """``{"edges": (a, b), "docs": Document}`` -> the edges whose documents' shingle Jaccard is >= ``threshold``.

    Two joins on id (CoGroupByKey), never a side input: edges keyed by their
    first id meet that document's text, then are re-keyed by their second
    id to meet the other text. Each edge carries one text through one shuffle.
    Counters: ``dedup_minhash_verify/candidate_edges``, ``/verified_edges``,
    ``/rejected_edges`` (distinct edges). Time counts as ``stage`` (the
    MinHash stage's, as on Spark).
    """

    def __init__(self, params: MinHashParams, threshold: float | None = None, stage: str = MINHASH_STAGE) -> None:
        super().__init__()
        check_threshold(threshold)
        self._params = params
        self._threshold = default_threshold(params) if threshold is None else threshold
        self._stage = stage

    def expand(self, inputs):
        require_global_window(inputs["edges"], "VerifyCandidateEdges")
        require_global_window(inputs["docs"], "VerifyCandidateEdges")
        stage = self._stage
        texts = inputs["docs"] | "TextById" >> beam.ParDo(TimedMap(stage, _doc_text_record))
        halves = (
            {"edge": inputs["edges"] | "ByFirst" >> beam.Map(_edge_by_first), "text": texts}
            | "JoinFirstText" >> beam.CoGroupByKey()
            | "AttachFirstText" >> beam.ParDo(TimedFlatMap(stage, _attach_first_text))
        )
        return (
            {"half": halves, "text": texts}
            | "JoinSecondText" >> beam.CoGroupByKey()
            | "Verify" >> beam.ParDo(_VerifyAgainstSecond(self._params, self._threshold, stage))
        )


class VerifiedMinHashDedup(MinHashDedup):
    """:class:`MinHashDedup` with every candidate edge verified by exact Jaccard before components.

    ``verify_threshold``: the Jaccard similarity an edge needs (default: the
    S-curve threshold ``(1/b)**(1/r)``). A pair LSH proposes below it is
    never merged. Same outputs and counters as :class:`MinHashDedup`, plus the
    edge counters of :class:`VerifyCandidateEdges`.
    """

    def __init__(
        self, params: MinHashParams | None = None, *, verify_threshold: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(params, **kwargs)
        check_threshold(verify_threshold)
        self.verify_threshold = verify_threshold

    def _edges(self, docs):
        candidates = super()._edges(docs)
        verify = VerifyCandidateEdges(self.params, self.verify_threshold)
        return {"edges": candidates, "docs": docs} | "VerifyEdges" >> verify
