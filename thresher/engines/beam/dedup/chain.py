"""URL, exact and MinHash dedup in one transform: light records through the groupings, documents joined back once.

:class:`UrlDedup`, :class:`ExactDedup` and :class:`MinHashDedup` each shuffle
whole documents (their groupings and the MinHash decision join): three
shuffles of every text for a run that uses all three. :class:`DedupChain`
makes the same decisions from one small record per document, built in one
pass: ``(id, URL key, URL keep key, text key, exact keep key, MinHash keep
key, band keys)``. The groupings and the candidate graph carry those; each
stage emits removal decisions ``(id, (stage rank, kept id))``; the documents
meet all decisions in one join on id at the end.

Same decisions, ``duplicate_of`` and counters as the three transforms in a
row. Counters are counted where the documents are, in the final join: a
document removed by stage ``r`` passed every earlier stage (``in``, ``kept``)
and was dropped by ``r``. The cost of the one pass: band keys are computed
for documents that URL or exact dedup then remove, so those are signed too
(a minority; signing is far cheaper than shuffling their text three times).
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput

from thresher.dedup.components import SINGLE_WORKER_EDGES, candidate_edge_bound
from thresher.dedup.keep import EARLIEST, LATEST, KeepRule, mark_duplicate, resolve_rule
from thresher.dedup.signing import document_band_keys
from thresher.dedup.minhash import permutations
from thresher.dedup.normalize import DEFAULT, exact_text_key
from thresher.dedup.params import MinHashParams
from thresher.dedup.urls import url_key
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
from thresher.engines.beam.dedup.minhash import _bucket_star_edges, _component_decisions, _member_of_component
from thresher.engines.beam.dedup.timing import (
    TimedDoFn,
    TimedFlatMap,
    TimedMap,
    in_global_window,
    require_global_window,
)
from thresher.engines.beam.dedup.verify import VerifyCandidateEdges
from thresher.engines.beam.metrics import BeamStats
from thresher.record import Document
from thresher.stats import dropped, stage_timer


class Light(NamedTuple):
    """What the dedup stages need of a document (``None`` for a stage that is off)."""

    id: str
    url_key: str | None
    url_sort: Any
    text_key: str | None
    exact_sort: Any
    minhash_sort: Any
    band_keys: tuple  # empty: no words, never a near-duplicate candidate


class _LightRecordsDoFn(beam.DoFn):
    """Documents -> :class:`Light` records, in batches (signatures are batched numpy work).

    Each stage's part of a batch is timed as that stage.
    """

    def __init__(
        self,
        url_keep: KeepRule | None,
        exact_normalization: str | None,
        exact_keep: KeepRule,
        minhash: MinHashParams | None,
        minhash_keep: KeepRule,
        batch_size: int,
        max_batch_chars: int,
    ) -> None:
        self._url_keep = url_keep
        self._exact_normalization = exact_normalization
        self._exact_keep = exact_keep
        self._minhash = minhash
        self._minhash_keep = minhash_keep
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def setup(self) -> None:
        self._stats = BeamStats()
        self._url_rule = resolve_rule(self._url_keep) if self._url_keep is not None else None
        self._exact_rule = resolve_rule(self._exact_keep)
        self._minhash_rule = resolve_rule(self._minhash_keep)
        if self._minhash is not None:
            p = self._minhash
            permutations(p.permutations, p.seed, p.scheme)  # warm the cache once per worker

    def start_bundle(self) -> None:
        self._buffer: list[Document] = []
        self._chars = 0

    def process(self, doc: Document):  # no window parameter: see TimedDoFn
        self._buffer.append(doc)
        self._chars += len(doc.text)
        if len(self._buffer) >= self._batch_size or self._chars >= self._max_batch_chars:
            yield from self._flush()

    def finish_bundle(self):
        for light in self._flush():
            yield in_global_window(light)

    def _flush(self) -> Iterable[Light]:
        docs, self._buffer, self._chars = self._buffer, [], 0
        if not docs:
            return
        n = len(docs)
        url_keys = url_sorts = text_keys = exact_sorts = minhash_sorts = [None] * n
        bands: list = [()] * n
        if self._url_rule is not None:
            with stage_timer(self._stats, URL_STAGE):
                url_keys = [url_key(d.url) for d in docs]
                url_sorts = [self._url_rule(d) for d in docs]
        if self._exact_normalization is not None:
            with stage_timer(self._stats, EXACT_STAGE):
                text_keys = [exact_text_key(d.text, self._exact_normalization) for d in docs]
                exact_sorts = [self._exact_rule(d) for d in docs]
        if self._minhash is not None:
            with stage_timer(self._stats, MINHASH_STAGE):
                minhash_sorts = [self._minhash_rule(d) for d in docs]
                bands = [tuple(k) for k in document_band_keys([d.text for d in docs], self._minhash)]
        for i, doc in enumerate(docs):
            yield Light(doc.id, url_keys[i], url_sorts[i], text_keys[i], exact_sorts[i], minhash_sorts[i], bands[i])


def _by_url(light: Light) -> tuple[str, Light]:
    return light.url_key, light


def _by_text(light: Light) -> tuple[str, Light]:
    return light.text_key, light


class _KeepOneLight(TimedDoFn):
    """``(key, light records)`` -> the best record (main output) and ``(id, (rank, kept id))`` for the rest.

    The rule of :class:`~thresher.engines.beam.dedup.groups._KeepOnePerGroup`
    on light records, streamed in two passes over the group.
    """

    def __init__(self, stage: str, rank: int, sort_field: str) -> None:
        super().__init__(stage)
        self._rank = rank
        self._sort_field = sort_field

    def work(self, element: tuple[Any, Iterable[Light]]):
        _, records = element
        field = self._sort_field
        best = min((getattr(r, field), r.id) for r in records)
        kept_id = best[1]
        kept_emitted = False
        for record in records:
            if not kept_emitted and record.id == kept_id and getattr(record, field) == best[0]:
                kept_emitted = True
                yield record
            else:
                yield TaggedOutput(REMOVED, (record.id, (self._rank, kept_id)))


def _light_band_keys(light: Light) -> Iterable[tuple[tuple, str]]:
    for key in light.band_keys:
        yield key, light.id


def _light_sort_key(light: Light) -> tuple[str, tuple]:
    return light.id, (light.minhash_sort, light.id)  # keep_sort_key's shape: (rule key, id)


def _ranked_component_decisions(element: tuple[str, Iterable[tuple]], rank: int) -> Iterable[tuple[str, tuple]]:
    for removed_id, kept_id in _component_decisions(element):
        yield removed_id, (rank, kept_id)


def _doc_by_id(doc: Document) -> tuple[str, Document]:
    return doc.id, doc


class _ApplyAll(TimedDoFn):
    """``(id, {doc: [documents], removed: [(rank, kept id)]})`` -> kept documents, removed copies tagged.

    Counts every stage a document passed through. Several records with one
    id (the same document read twice) pair off with that id's decisions.
    """

    def __init__(self, stages: tuple[tuple[str, str], ...], timed_as: str) -> None:
        super().__init__(timed_as)
        self._stages = stages

    def setup(self) -> None:
        super().setup()
        self._in = [f"{stage}/in" for stage, _ in self._stages]
        self._kept = [f"{stage}/kept" for stage, _ in self._stages]
        self._dropped = [dropped(stage, reason) for stage, reason in self._stages]

    def work(self, element: tuple[str, dict]):
        _, joined = element
        decisions = sorted(joined["removed"])
        stats = self.stats
        for i, doc in enumerate(joined["doc"]):
            removed_by = decisions[i][0] if i < len(decisions) else len(self._stages)
            for stage in range(min(removed_by + 1, len(self._stages))):
                stats.inc(self._in[stage])
                stats.inc(self._kept[stage] if stage < removed_by else self._dropped[stage])
            if i < len(decisions):
                yield TaggedOutput(REMOVED, mark_duplicate(doc, decisions[i][1]))
            else:
                yield doc


class DedupChain(beam.PTransform):
    """URL, then exact, then MinHash dedup (each optional), as those transforms in a row, shuffling documents once.

    ``url_keep``: the URL stage's keep rule, ``None`` to skip it.
    ``exact_normalization``: the exact stage's, ``None`` to skip it.
    ``minhash``: :class:`~thresher.dedup.params.MinHashParams`, ``None`` to
    skip; ``verify`` / ``verify_threshold`` as
    :class:`~thresher.engines.beam.dedup.VerifiedMinHashDedup`;
    ``max_documents`` / ``single_worker_edges`` as
    :class:`~thresher.engines.beam.dedup.MinHashDedup`.
    Outputs ``kept`` and ``removed`` (copies with ``duplicate_of``).
    """

    def __init__(
        self,
        *,
        url_keep: KeepRule | None = LATEST,
        exact_normalization: str | None = DEFAULT,
        exact_keep: KeepRule = EARLIEST,
        minhash: MinHashParams | None = None,
        minhash_keep: KeepRule = EARLIEST,
        verify: bool = False,
        verify_threshold: float | None = None,
        max_documents: int | None = None,
        single_worker_edges: int = SINGLE_WORKER_EDGES,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
    ) -> None:
        super().__init__()
        for rule in (url_keep, exact_keep, minhash_keep):
            if rule is not None:
                resolve_rule(rule)  # fail at construction on an unknown rule name
        if exact_normalization is not None:
            exact_text_key("", exact_normalization)
        self._url_keep = url_keep
        self._exact_normalization = exact_normalization
        self._exact_keep = exact_keep
        self._minhash = minhash
        self._minhash_keep = minhash_keep
        self._verify = verify
        self._verify_threshold = verify_threshold
        self._edge_bound = (
            None if max_documents is None or minhash is None else candidate_edge_bound(max_documents, minhash.bands)
        )
        self._single_worker_edges = single_worker_edges
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars
        self.stages = tuple(
            stage
            for stage, on in (
                ((URL_STAGE, URL_REASON), url_keep is not None),
                ((EXACT_STAGE, EXACT_REASON), exact_normalization is not None),
                ((MINHASH_STAGE, MINHASH_REASON), minhash is not None),
            )
            if on
        )
        if not self.stages:
            raise ValueError("DedupChain needs at least one stage")

    def expand(self, docs):
        require_global_window(docs, "DedupChain")
        light = docs | "LightRecords" >> beam.ParDo(
            _LightRecordsDoFn(
                self._url_keep,
                self._exact_normalization,
                self._exact_keep,
                self._minhash,
                self._minhash_keep,
                self._batch_size,
                self._max_batch_chars,
            )
        )
        decisions = []
        rank = 0
        for stage, name, key_fn, field, on in (
            (URL_STAGE, "Url", _by_url, "url_sort", self._url_keep is not None),
            (EXACT_STAGE, "Exact", _by_text, "exact_sort", self._exact_normalization is not None),
        ):
            if not on:
                continue
            result = (
                light
                | f"By{name}" >> beam.ParDo(TimedMap(stage, key_fn))
                | f"Group{name}" >> beam.GroupByKey()
                | f"KeepOnePer{name}"
                >> beam.ParDo(_KeepOneLight(stage, rank, field)).with_outputs(REMOVED, main=KEPT)
            )
            light = result[KEPT]
            decisions.append(result[REMOVED])
            rank += 1
        if self._minhash is not None:
            decisions.append(light | "MinHash" >> _LightMinHash(self, docs, rank))
        return (
            {"doc": docs | "ById" >> beam.ParDo(TimedMap(self.stages[-1][0], _doc_by_id)),
             "removed": decisions | "AllDecisions" >> beam.Flatten()}
            | "JoinDecisions" >> beam.CoGroupByKey()
            | "Apply" >> beam.ParDo(_ApplyAll(self.stages, self.stages[-1][0])).with_outputs(REMOVED, main=KEPT)
        )


class _LightMinHash(beam.PTransform):
    """Light records -> ``(removed id, (rank, kept id))``: :class:`MinHashDedup`'s graph on precomputed band keys."""

    def __init__(self, chain: DedupChain, docs, rank: int) -> None:
        super().__init__()
        self._chain = chain
        self._docs = docs  # texts for verification only
        self._rank = rank

    def expand(self, light):
        chain, stage = self._chain, MINHASH_STAGE
        edges = (
            light
            | "BandKeys" >> beam.ParDo(TimedFlatMap(stage, _light_band_keys))
            | "GroupBuckets" >> beam.GroupByKey()
            | "StarEdges" >> beam.ParDo(TimedFlatMap(stage, _bucket_star_edges))
        )
        if chain._verify:
            verify = VerifyCandidateEdges(chain._minhash, chain._verify_threshold)
            edges = {"edges": edges, "docs": self._docs} | "VerifyEdges" >> verify
        components = ConnectedComponents(
            chain._minhash.max_rounds, edge_bound=chain._edge_bound, single_worker_edges=chain._single_worker_edges
        )
        labels = edges | "Components" >> components
        sort_keys = light | "KeepKeys" >> beam.ParDo(TimedMap(stage, _light_sort_key))
        return (
            {"label": labels, "sort_key": sort_keys}
            | "JoinLabels" >> beam.CoGroupByKey()
            | "ByComponent" >> beam.ParDo(TimedFlatMap(stage, _member_of_component))
            | "GroupComponents" >> beam.GroupByKey()
            | "KeepPerComponent" >> beam.ParDo(TimedFlatMap(stage, _ranked_component_decisions, rank=self._rank))
        )
