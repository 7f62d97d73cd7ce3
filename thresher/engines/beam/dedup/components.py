"""Distributed connected components: star contraction unrolled into Beam rounds."""

from __future__ import annotations

from typing import Iterable

import apache_beam as beam

from thresher.dedup.components import (
    ConvergenceError,
    adjacency_records,
    component_label,
    SINGLE_WORKER_EDGES,
    convergence_message,
    edge_labels,
    is_settled,
    large_star,
    small_star,
)
from thresher.engines.beam.dedup.common import MINHASH_STAGE
from thresher.engines.beam.dedup.timing import TimedFlatMap, TimedMap, require_global_window


def _edge_both_ways(edge: tuple[str, str]) -> Iterable[tuple[str, str]]:
    return adjacency_records((edge,))


def _grouped_neighbours(element: tuple[str, Iterable[str]]) -> tuple[str, frozenset]:
    node, neighbours = element
    return node, frozenset(neighbours)


def _large_star(element: tuple[str, frozenset]) -> Iterable[tuple[str, str]]:
    return large_star(*element)


def _small_star(element: tuple[str, frozenset]) -> Iterable[tuple[str, str]]:
    return small_star(*element)


class _GroupNeighbours(beam.PTransform):
    """Edges -> ``(node, neighbours)``: both directions, one shuffle."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self._stage = stage

    def expand(self, edges):
        return (
            edges
            | "BothWays" >> beam.ParDo(TimedFlatMap(self._stage, _edge_both_ways))
            | "Group" >> beam.GroupByKey()
            | "AsSet" >> beam.ParDo(TimedMap(self._stage, _grouped_neighbours))
        )


class _StarRound(beam.PTransform):
    """One star-contraction round: large-star step, regroup, small-star step, regroup."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self._stage = stage

    def expand(self, state):
        return (
            state
            | "LargeStar" >> beam.ParDo(TimedFlatMap(self._stage, _large_star))
            | "GroupAfterLarge" >> _GroupNeighbours(self._stage)
            | "SmallStar" >> beam.ParDo(TimedFlatMap(self._stage, _small_star))
            | "GroupAfterSmall" >> _GroupNeighbours(self._stage)
        )


def _require_settled(element: tuple[str, frozenset], max_rounds: int) -> tuple[str, str]:
    node, neighbours = element
    if not is_settled(node, neighbours):
        # Not yet a star around its component's minimum: the labels are not
        # final, and using them would keep near-duplicates silently.
        raise ConvergenceError(convergence_message(max_rounds))
    return node, component_label(node, neighbours)


def _under_one_key(edge: tuple[str, str]) -> tuple[int, tuple[str, str]]:
    return 0, edge


def _union_find_labels(element: tuple[int, Iterable[tuple[str, str]]]) -> Iterable[tuple[str, str]]:
    return edge_labels(element[1])


class _SingleWorkerComponents(beam.PTransform):
    """Edges -> ``(node, label)`` on one worker: every edge under one key, then union-find."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self._stage = stage

    def expand(self, edges):
        return (
            edges
            | "UnderOneKey" >> beam.ParDo(TimedMap(self._stage, _under_one_key))
            | "Gather" >> beam.GroupByKey()
            | "UnionFind" >> beam.ParDo(TimedFlatMap(self._stage, _union_find_labels))
        )


class ConnectedComponents(beam.PTransform):
    """Edges ``(a, b)`` -> ``(node, label)`` for every node on an edge; label = smallest node of its component.

    Star contraction (:mod:`thresher.dedup.components`) unrolled into
    ``max_rounds`` rounds of two shuffles each, then a per-node check that
    the graph has become stars around each component's minimum; otherwise
    the run fails with :class:`~thresher.dedup.components.ConvergenceError`
    naming ``max_rounds`` in the ``dedup.minhash`` section. Rounds after
    convergence change nothing and cost two shuffles of the edges each.
    The steps' time counts as ``stage`` (``<stage>/time_us``, ``/cpu_us``).

    Small graphs: when the pipeline's builder knows ``edge_bound``, an upper
    bound on the number of edges (for LSH candidates,
    :func:`~thresher.dedup.components.candidate_edge_bound` of the document
    count), and it is at most ``single_worker_edges``, the edges are gathered
    on one worker and labelled by union-find instead: one shuffle, where the
    rounds are ``2 * max_rounds`` shuffles whose fixed cost dominates a small
    run. The choice is made when the pipeline is built, because a Beam stage
    costs its fixed overhead even when it receives no data. The labels are
    the same either way.
    """

    def __init__(
        self,
        max_rounds: int,
        stage: str = MINHASH_STAGE,
        edge_bound: int | None = None,
        single_worker_edges: int = SINGLE_WORKER_EDGES,
    ) -> None:
        super().__init__()
        if max_rounds < 1:
            raise ValueError("max_rounds must be at least 1")
        self._max_rounds = max_rounds
        self._stage = stage
        self.single_worker = edge_bound is not None and edge_bound <= single_worker_edges

    def expand(self, edges):
        require_global_window(edges, "ConnectedComponents")
        stage = self._stage
        if self.single_worker:
            return edges | "OnOneWorker" >> _SingleWorkerComponents(stage)
        state = edges | "GroupNeighbours" >> _GroupNeighbours(stage)
        # Beam graphs have no loops: unroll the rounds.
        for round_number in range(1, self._max_rounds + 1):
            state = state | f"StarRound{round_number}" >> _StarRound(stage)
        return state | "RequireConverged" >> beam.ParDo(
            TimedMap(stage, _require_settled, max_rounds=self._max_rounds)
        )

