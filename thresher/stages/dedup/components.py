"""Connected components of the candidate graph.

Two implementations that must agree:

* :class:`UnionFind` / :func:`connected_components`: the in-memory reference;
* star contraction, the alternating *large-star* / *small-star* rounds of
  Kiveris et al. ("Connected Components in MapReduce and Beyond", SoCC
  2014), as pure functions over ``(node, neighbours)`` records, so an engine
  without loops (Beam) can unroll a bounded number of rounds as separate
  shuffles, and an engine with loops (Spark) can iterate them.
  :func:`star_contraction_components` iterates them in memory.

Every component is labelled by its smallest node. Nodes are any totally
ordered, hashable values (document ids here), so results never depend on
arrival order or Python's hash seed.

Why star contraction and not hash-to-min: both need about log(n) rounds,
but hash-to-min ships whole clusters around and its traffic grows
quadratically on a chain whose ids happen to be sorted along it (measured:
1.9 million messages in one round for a 1,000-node line). Each star step
emits at most one edge per input edge, so traffic stays linear in the
graph on any input.

The graph has converged when it is a set of stars, each centred on its
component's smallest node. That is a *local* property: every node with a
smaller neighbour has exactly one neighbour (:func:`is_settled`); if every
node is settled, every component is such a star. So convergence is checked
per node, with no extra round and no global view.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Iterable, Iterator, TypeVar

from thresher.errors import ThresherError

Node = TypeVar("Node", bound=Hashable)
Edge = tuple[Node, Node]


class ConvergenceError(ThresherError):
    """Star contraction did not converge within the allowed rounds."""


def convergence_message(max_rounds: int, unsettled: int | None = None) -> str:
    detail = f" ({unsettled} nodes not yet in a star)" if unsettled else ""
    return (
        f"MinHash dedup: connected components did not converge within max_rounds={max_rounds} "
        f"star-contraction rounds{detail}. Chains of near-duplicates in this data are longer than "
        f"{max_rounds} rounds can resolve; raise `max_rounds` in the `dedup.minhash` config section "
        f"(each round roughly halves the longest chain; a few more rounds are cheap)."
    )


class UnionFind:
    """Disjoint sets with path halving; each set's representative is its smallest node."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def add(self, node: Hashable) -> None:
        self.parent.setdefault(node, node)

    def find(self, node: Hashable) -> Hashable:
        parent = self.parent
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: Hashable, b: Hashable) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        # The smaller root wins, so every root is its set's minimum.
        if root_b < root_a:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a

    def labels(self) -> dict:
        return {node: self.find(node) for node in self.parent}


def connected_components(edges: Iterable[Edge], nodes: Iterable[Node] = ()) -> dict[Node, Node]:
    """Reference components: ``{node: smallest node of its component}``."""
    uf = UnionFind()
    for node in nodes:
        uf.add(node)
    for a, b in edges:
        uf.union(a, b)
    return uf.labels()


# -- star contraction, one step at a time --------------------------------------
# An engine alternates: group edges by node (both directions, see
# adjacency_records) -> large_star -> group -> small_star -> group -> ...


def adjacency_records(edges: Iterable[Edge]) -> Iterator[Edge]:
    """Both directions of every edge, self-loops dropped: group by the first to get neighbours."""
    for a, b in edges:
        if a != b:
            yield a, b
            yield b, a


def large_star(node: Node, neighbours: Iterable[Node]) -> Iterator[Edge]:
    """Connect every *larger* neighbour of ``node`` to the smallest of ``node`` and its neighbours.

    Each edge ``(u, v)`` with ``u < v`` is re-emitted once, by ``u``: traffic
    never exceeds the input's.
    """
    neighbours = set(neighbours)
    smallest = min(neighbours, default=node)
    smallest = min(smallest, node)
    for v in neighbours:
        if v > node:
            yield v, smallest


def small_star(node: Node, neighbours: Iterable[Node]) -> Iterator[Edge]:
    """Connect ``node`` and its *smaller* neighbours to the smallest of them.

    Each edge ``(u, v)`` with ``u > v`` is re-emitted once, by ``u``.
    """
    smaller = {v for v in neighbours if v < node}
    if not smaller:
        return
    smallest = min(smaller)
    smaller.add(node)
    for v in smaller:
        if v != smallest:
            yield v, smallest


def is_settled(node: Node, neighbours: Iterable[Node]) -> bool:
    """Whether ``node`` is final: a centre (no smaller neighbour) or a leaf of exactly one smaller node."""
    neighbours = set(neighbours)
    return min(neighbours) > node or len(neighbours) == 1


def component_label(node: Node, neighbours: Iterable[Node]) -> Node:
    """The label of a settled node: the centre of its star."""
    return min(node, min(neighbours))


def _group(edges: Iterable[Edge]) -> dict:
    neighbours: dict = defaultdict(set)
    for a, b in adjacency_records(edges):
        neighbours[a].add(b)
    return neighbours


def _step(state: dict, step) -> dict:
    return _group(edge for node, nbrs in state.items() for edge in step(node, nbrs))


def star_contraction_components(edges: Iterable[Edge], max_rounds: int = 20) -> tuple[dict[Node, Node], int]:
    """Iterate the steps in memory: ``({node: label}, rounds used)``.

    A round is one large-star step then one small-star step. Raises
    :class:`ConvergenceError` if nodes are still unsettled after
    ``max_rounds`` rounds, the rule the Beam transform applies.
    """
    state = _group(edges)
    for rounds in range(max_rounds + 1):
        unsettled = sum(not is_settled(node, nbrs) for node, nbrs in state.items())
        if not unsettled:
            return {node: component_label(node, nbrs) for node, nbrs in state.items()}, rounds
        if rounds == max_rounds:
            raise ConvergenceError(convergence_message(max_rounds, unsettled))
        state = _step(_step(state, large_star), small_star)
    raise AssertionError("unreachable")


# -- small graphs on one worker ---------------------------------------------------

#: Up to this many candidate edges, one worker finds the components with union-find.
#: Edges are small (two ids, about 200 bytes as Python objects), so this bounds
#: that worker's memory to a few hundred MB, and spares an engine without loops
#: the fixed cost of its unrolled rounds (Beam: two stages each).
SINGLE_WORKER_EDGES = 1_000_000


def candidate_edge_bound(documents: int, bands: int) -> int:
    """At most this many LSH star edges come from ``documents`` documents.

    A bucket of ``k`` documents gives ``k - 1`` star edges, so one band gives
    fewer edges than documents, and ``bands`` bands at most ``bands`` times as many.
    """
    return documents * bands


def edge_labels(edges: Iterable[Edge]) -> Iterator[tuple[Node, Node]]:
    """``(node, smallest node of its component)`` for every node on an edge, by union-find.

    The same records as star contraction gives: self-loops are not edges, so a
    node only on a self-loop gets no label.
    """
    uf = UnionFind()
    for a, b in edges:
        if a != b:
            uf.union(a, b)
    return iter(uf.labels().items())
