"""MinHash near-duplicate dedup: LSH candidate edges -> components -> keep rule."""

from __future__ import annotations

from typing import Any, Iterable

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput

from thresher.dedup.components import SINGLE_WORKER_EDGES, candidate_edge_bound
from thresher.dedup.keep import EARLIEST, KeepRule, keep_sort_key, mark_duplicate, resolve_rule
from thresher.dedup.params import MinHashParams, preset
from thresher.engines.beam.dedup.common import KEPT, MINHASH_REASON, MINHASH_STAGE, REMOVED, _CountAndKey, _doc_id
from thresher.engines.beam.dedup.components import ConnectedComponents
from thresher.engines.beam.dedup.signatures import _BandKeysDoFn
from thresher.engines.beam.dedup.timing import TimedDoFn, TimedFlatMap, TimedMap, require_global_window
from thresher.record import Document
from thresher.stats import dropped


def _bucket_star_edges(element: tuple[Any, Iterable[str]]) -> Iterable[tuple[str, str]]:
    """Star edges of one bucket, streamed: first its smallest id, then member -> smallest."""
    _, ids = element
    root = min(ids)
    for doc_id in ids:
        if doc_id != root:
            yield doc_id, root


class MinHashCandidateEdges(beam.PTransform):
    """Documents -> star edges ``(id, smallest id of the bucket)`` for every LSH bucket of two or more."""

    def __init__(
        self,
        params: MinHashParams,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
        stage: str = MINHASH_STAGE,
    ) -> None:
        super().__init__()
        self._params = params
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars
        self._stage = stage  # the time counters' stage

    def expand(self, docs):
        require_global_window(docs, "MinHashCandidateEdges")
        return (
            docs
            | "BandKeys"
            >> beam.ParDo(_BandKeysDoFn(self._params, self._batch_size, self._max_batch_chars, self._stage))
            | "GroupBuckets" >> beam.GroupByKey()
            | "StarEdges" >> beam.ParDo(TimedFlatMap(self._stage, _bucket_star_edges))
        )


def _member_of_component(element: tuple[str, dict]) -> Iterable[tuple[str, tuple]]:
    """``(component, keep sort key)`` for documents that are graph nodes."""
    _, joined = element
    for label in joined["label"]:
        for sort_key in joined["sort_key"]:
            yield label, sort_key


def _component_decisions(element: tuple[str, Iterable[tuple]]) -> Iterable[tuple[str, str]]:
    """``(removed id, kept id)`` for every member but the component's best, streamed in two passes."""
    _, sort_keys = element
    kept_id = min(sort_keys)[-1]
    for sort_key in sort_keys:
        if sort_key[-1] != kept_id:
            yield sort_key[-1], kept_id


class _ApplyDecisions(TimedDoFn):
    """Joins documents with removal decisions: kept to the main output, removed tagged."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(stage)
        self._stage = stage
        self._reason = reason

    def work(self, element: tuple[str, dict]):
        _, joined = element
        kept_ids = list(joined["duplicate_of"])
        for doc in joined["doc"]:
            if kept_ids:
                self.stats.inc(dropped(self._stage, self._reason))
                yield TaggedOutput(REMOVED, mark_duplicate(doc, kept_ids[0]))
            else:
                self.stats.inc(f"{self._stage}/kept")
                yield doc




def _sort_key_record(doc: Document, keep: KeepRule) -> tuple[str, tuple]:
    return doc.id, keep_sort_key(doc, keep)


class MinHashDedup(beam.PTransform):
    """Near-duplicate removal: MinHash LSH candidates, distributed connected components, keep rule.

    Steps: batched signatures -> ``(band, band hash)`` keys -> GroupByKey ->
    star edges per bucket (:class:`MinHashCandidateEdges`) -> ``max_rounds``
    unrolled star-contraction rounds, two shuffles each, and a convergence check
    that fails the run if any node is not yet in a star around its
    component's minimum (:class:`ConnectedComponents`) -> component labels
    joined with each document's
    keep key (CoGroupByKey on id) -> GroupByKey on component, keep rule ->
    removal decisions joined back to the documents (CoGroupByKey on id).

    Keyword arguments are :class:`~thresher.dedup.params.MinHashParams` fields
    (``bands``, ``rows``, ``ngram``, ``seed``, ``normalization``,
    ``num_perm``, ``scheme``, ``hash``, ``max_rounds``); ``params`` passes
    them whole. ``keep`` is the keep rule (default earliest crawl, then
    smallest id).

    ``max_documents``: an upper bound on the input's document count, when
    known as the pipeline is built (the driver reads it from Parquet
    metadata). If the candidate graph it bounds has at most
    ``single_worker_edges`` edges, components are found on one worker
    (see :class:`ConnectedComponents`), sparing a small run the fixed cost of
    the unrolled rounds. Results are identical.
    """

    def __init__(
        self,
        params: MinHashParams | None = None,
        *,
        keep: KeepRule = EARLIEST,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
        max_documents: int | None = None,
        single_worker_edges: int = SINGLE_WORKER_EDGES,
        **overrides: Any,
    ) -> None:
        super().__init__()
        base = params if params is not None else MinHashParams()
        self.params = base.with_(**overrides) if overrides else base
        resolve_rule(keep)
        self._keep = keep
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars
        self._edge_bound = None if max_documents is None else candidate_edge_bound(max_documents, self.params.bands)
        self._single_worker_edges = single_worker_edges

    @classmethod
    def from_preset(cls, name: str, **kwargs: Any) -> "MinHashDedup":
        """``MinHashDedup.from_preset("refinedweb")``: 450 x 20 bands, RefinedWeb normalization."""
        overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in MinHashParams.__dataclass_fields__}
        return cls(preset(name, **overrides), **kwargs)

    def _edges(self, docs):
        """The candidate graph (a hook: :class:`VerifiedMinHashDedup` verifies its edges)."""
        return docs | "CandidateEdges" >> MinHashCandidateEdges(self.params, self._batch_size, self._max_batch_chars)

    def expand(self, docs):
        require_global_window(docs, type(self).__name__)
        p = self.params
        keyed_docs = docs | "CountAndKeyById" >> beam.ParDo(_CountAndKey(MINHASH_STAGE, _doc_id))

        components = ConnectedComponents(
            p.max_rounds, edge_bound=self._edge_bound, single_worker_edges=self._single_worker_edges
        )
        labels = self._edges(docs) | "Components" >> components

        sort_keys = docs | "KeepKeys" >> beam.ParDo(TimedMap(MINHASH_STAGE, _sort_key_record, keep=self._keep))
        decisions = (
            {"label": labels, "sort_key": sort_keys}
            | "JoinLabels" >> beam.CoGroupByKey()
            | "ByComponent" >> beam.ParDo(TimedFlatMap(MINHASH_STAGE, _member_of_component))
            | "GroupComponents" >> beam.GroupByKey()
            | "KeepPerComponent" >> beam.ParDo(TimedFlatMap(MINHASH_STAGE, _component_decisions))
        )
        return (
            {"doc": keyed_docs, "duplicate_of": decisions}
            | "JoinDecisions" >> beam.CoGroupByKey()
            | "Apply"
            >> beam.ParDo(_ApplyDecisions(MINHASH_STAGE, MINHASH_REASON)).with_outputs(REMOVED, main=KEPT)
        )

