"""Connected components of the candidate graph over the Flow primitives.

Small graphs (an upper bound on their edges, known when the job is built, is at most
:data:`~thresher.stages.dedup.components.SINGLE_WORKER_EDGES`) are gathered on one worker and
labelled by union-find: one shuffle. Others run star contraction
(:mod:`thresher.stages.dedup.components`): rounds of a large-star and a small-star step, each
followed by regrouping every node's neighbours, until every node is settled in a star
around its component's smallest id. Either way a node's label is that smallest id.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Iterator

from thresher.stages.dedup.components import (
    SINGLE_WORKER_EDGES,
    ConvergenceError,
    adjacency_records,
    component_label,
    convergence_message,
    edge_labels,
    is_settled,
    large_star,
    small_star,
)
from thresher.engines.base import Flow, MapStep, SetUnion

Edge = tuple[str, str]


def _under_one_key(edge: Edge) -> Iterator[tuple[int, Edge]]:
    yield 0, edge


def _union_find_labels(gathered: tuple[int, Iterable[Edge]]) -> Iterator[tuple[str, str]]:
    return edge_labels(gathered[1])


def _both_ways(edge: Edge) -> Iterator[Edge]:
    return adjacency_records((edge,))


def _large_star(record: tuple[str, frozenset]) -> Iterator[Edge]:
    return large_star(*record)


def _small_star(record: tuple[str, frozenset]) -> Iterator[Edge]:
    return small_star(*record)


def _unsettled(record: tuple[str, frozenset]) -> bool:
    return not is_settled(*record)


def _not_converged(max_rounds: int, unsettled: int | None) -> Exception:
    return ConvergenceError(convergence_message(max_rounds, unsettled))


def _label(record: tuple[str, frozenset]) -> Iterator[tuple[str, str]]:
    yield record[0], component_label(*record)


def _neighbours(flow: Flow, edges: Any, name: str, stage: str) -> Any:
    """Edges -> ``(node, frozenset of neighbours)``: both directions, one shuffle."""
    both = flow.apply(f"{name}.BothWays", edges, MapStep(_both_ways, stage))
    return flow.combine_per_key(f"{name}.Neighbours", both, SetUnion())


def _star_round(flow: Flow, state: Any, name: str, *, stage: str) -> Any:
    large = flow.apply(f"{name}.LargeStar", state, MapStep(_large_star, stage))
    after_large = _neighbours(flow, large, f"{name}.AfterLarge", stage)
    small = flow.apply(f"{name}.SmallStar", after_large, MapStep(_small_star, stage))
    return _neighbours(flow, small, f"{name}.AfterSmall", stage)


def connected_components(
    flow: Flow, edges: Any, *, max_rounds: int, edge_bound: int | None, stage: str, name: str = "Components"
) -> Any:
    """Edges ``(a, b)`` -> ``(node, label)`` for every node on an edge.

    Raises :class:`~thresher.stages.dedup.components.ConvergenceError` (naming
    ``dedup.minhash.max_rounds``) when star contraction has not settled in ``max_rounds`` rounds.
    """
    if max_rounds < 1:
        raise ValueError("max_rounds must be at least 1")
    if edge_bound is not None and edge_bound <= SINGLE_WORKER_EDGES:
        gathered = flow.group(f"{name}.Gather", flow.apply(f"{name}.OneKey", edges, MapStep(_under_one_key, stage)))
        return flow.apply(f"{name}.UnionFind", gathered, MapStep(_union_find_labels, stage))
    state = _neighbours(flow, edges, f"{name}.Start", stage)
    state = flow.iterate(
        name, state, partial(_star_round, stage=stage), _unsettled, max_rounds, partial(_not_converged, max_rounds)
    )
    return flow.apply(f"{name}.Labels", state, MapStep(_label, stage))
