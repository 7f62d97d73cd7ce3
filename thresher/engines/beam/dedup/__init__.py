"""Deduplication as composite Beam transforms over :class:`~thresher.record.Document`.

Each transform takes a PCollection of documents and returns the outputs of a
``ParDo(...).with_outputs("removed", main="kept")``: ``result.kept`` holds the
surviving documents, ``result.removed`` the removed ones, each a copy with
``duplicate_of`` set to the id of the document kept in its place.

Counters (``thresher`` namespace), with ``in == kept + dropped`` per stage:

* ``dedup_url/in``, ``dedup_url/kept``, ``dedup_url/dropped/duplicate_url``
* ``dedup_exact/in``, ``dedup_exact/kept``, ``dedup_exact/dropped/exact_duplicate``
* ``dedup_minhash/in``, ``dedup_minhash/kept``, ``dedup_minhash/dropped/near_duplicate``

Determinism: every key is a string or bytes built from content (never
Python's ``hash``), every choice is a minimum over ``(rule key, id)``, and
signatures are per-document pure functions, so results do not depend on
bundle boundaries, worker count or hash seeds.

Scalability: no step gathers all ids or all edges in one place (no global
combine, no side input), except the edges of a candidate graph known, when
the pipeline is built, to be small (:class:`ConnectedComponents`). The largest groups are one LSH bucket, one node's
neighbours (a component's centre ends up adjacent to all its members) and
one component's keep keys; groups of documents and of keep keys are
streamed in two passes rather than copied into lists.

Modules: :mod:`.common` (tags, stage names), :mod:`.groups` (URL, exact),
:mod:`.signatures` (batched band keys), :mod:`.components` (connected
components), :mod:`.minhash`, :mod:`.verify` (exact-Jaccard edge check),
:mod:`.index` (cross-run index), :mod:`.chain` (URL, exact and MinHash on
light records, documents shuffled once: what the driver runs). Everything
public is re-exported here.
"""

from __future__ import annotations

from thresher.engines.beam.dedup.chain import DedupChain
from thresher.engines.beam.dedup.common import (
    EXACT_REASON,
    EXACT_STAGE,
    KEPT,
    MINHASH_REASON,
    MINHASH_STAGE,
    REMOVED,
    URL_REASON,
    URL_STAGE,
)
from thresher.engines.beam.dedup.components import ConnectedComponents
from thresher.engines.beam.dedup.groups import ExactDedup, UrlDedup
from thresher.engines.beam.dedup.index import INDEX_STAGE, DropIndexedDuplicates, WriteDedupIndex
from thresher.engines.beam.dedup.minhash import MinHashCandidateEdges, MinHashDedup
from thresher.engines.beam.dedup.signatures import _BandKeysDoFn  # bench/bench_stages.py times it directly
from thresher.engines.beam.dedup.verify import VERIFY_STAGE, VerifiedMinHashDedup, VerifyCandidateEdges

__all__ = [
    "ConnectedComponents",
    "DedupChain",
    "DropIndexedDuplicates",
    "EXACT_REASON",
    "EXACT_STAGE",
    "ExactDedup",
    "INDEX_STAGE",
    "KEPT",
    "MINHASH_REASON",
    "MINHASH_STAGE",
    "MinHashCandidateEdges",
    "MinHashDedup",
    "REMOVED",
    "URL_REASON",
    "URL_STAGE",
    "UrlDedup",
    "VERIFY_STAGE",
    "VerifiedMinHashDedup",
    "VerifyCandidateEdges",
    "WriteDedupIndex",
]
