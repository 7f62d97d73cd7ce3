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
combine, no side input). The largest groups are one LSH bucket, one node's
neighbours (a component's centre ends up adjacent to all its members) and
one component's keep keys; groups of documents and of keep keys are
streamed in two passes rather than copied into lists.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterable

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput
from apache_beam.utils.windowed_value import WindowedValue

from thresher.dedup.components import (
    ConvergenceError,
    adjacency_records,
    component_label,
    convergence_message,
    is_settled,
    large_star,
    small_star,
)
from thresher.dedup.keep import EARLIEST, LATEST, KeepRule, keep_sort_key, mark_duplicate, resolve_rule
from thresher.dedup.lsh import batch_band_keys
from thresher.dedup.minhash import minhash_signatures, permutations
from thresher.dedup.normalize import DEFAULT, exact_text_key
from thresher.dedup.params import MinHashParams, preset
from thresher.dedup.shingles import word_shingles
from thresher.dedup.urls import url_key
from thresher.pipeline.beam.metrics import BeamStats
from thresher.record import Document
from thresher.stats import dropped

KEPT = "kept"
REMOVED = "removed"

URL_STAGE, URL_REASON = "dedup_url", "duplicate_url"
EXACT_STAGE, EXACT_REASON = "dedup_exact", "exact_duplicate"
MINHASH_STAGE, MINHASH_REASON = "dedup_minhash", "near_duplicate"


# -- shared pieces -------------------------------------------------------------


class _CountAndKey(beam.DoFn):
    """Counts ``<stage>/in`` and keys each document by ``key_fn(doc)``."""

    def __init__(self, stage: str, key_fn: Callable[[Document], Any]) -> None:
        self._stage = stage
        self._key_fn = key_fn
        self._stats = BeamStats()

    def process(self, doc: Document) -> Iterable[tuple[Any, Document]]:
        self._stats.inc(f"{self._stage}/in")
        yield self._key_fn(doc), doc


class _KeepOnePerGroup(beam.DoFn):
    """Keeps the best document of each ``(key, documents)`` group by the keep rule.

    Two passes over the group (Beam's grouped values are re-iterable) so a
    huge group, say a million copies of an error page, is never a list.
    """

    def __init__(self, stage: str, reason: str, keep: KeepRule) -> None:
        self._stage = stage
        self._reason = reason
        self._keep = keep
        self._stats = BeamStats()

    def setup(self) -> None:
        self._rule = resolve_rule(self._keep)

    def process(self, element: tuple[Any, Iterable[Document]]):
        _, docs = element
        best = min((self._rule(d), d.id) for d in docs)
        kept_id = best[1]
        kept_emitted = False
        for doc in docs:
            if not kept_emitted and doc.id == kept_id and self._rule(doc) == best[0]:
                kept_emitted = True
                self._stats.inc(f"{self._stage}/kept")
                yield doc
            else:
                self._stats.inc(dropped(self._stage, self._reason))
                yield TaggedOutput(REMOVED, mark_duplicate(doc, kept_id))


class _GroupDedup(beam.PTransform):
    def __init__(self, stage: str, reason: str, key_fn: Callable[[Document], Any], keep: KeepRule) -> None:
        super().__init__()
        resolve_rule(keep)  # fail at construction on an unknown rule name
        self._stage, self._reason, self._key_fn, self._keep = stage, reason, key_fn, keep

    def expand(self, docs):
        return (
            docs
            | "CountAndKey" >> beam.ParDo(_CountAndKey(self._stage, self._key_fn))
            | "GroupByKey" >> beam.GroupByKey()
            | "KeepOne"
            >> beam.ParDo(_KeepOnePerGroup(self._stage, self._reason, self._keep)).with_outputs(REMOVED, main=KEPT)
        )


def _doc_url_key(doc: Document) -> str:
    return url_key(doc.url)


def _doc_text_key(doc: Document, normalization: str) -> str:
    return exact_text_key(doc.text, normalization)


class UrlDedup(_GroupDedup):
    """One document per normalized URL (:func:`thresher.dedup.urls.url_key`).

    ``keep``: ``"latest"`` (default: the freshest crawl), ``"earliest"`` or a
    callable ``Document -> sort key`` (smallest kept); ties go to the smallest id.
    """

    def __init__(self, keep: KeepRule = LATEST) -> None:
        super().__init__(URL_STAGE, URL_REASON, _doc_url_key, keep)


class ExactDedup(_GroupDedup):
    """One document per normalized text (:func:`thresher.dedup.normalize.exact_text_key`).

    Keeps the earliest crawl by default (ties: smallest id).
    """

    def __init__(self, normalization: str = DEFAULT, keep: KeepRule = EARLIEST) -> None:
        exact_text_key("", normalization)  # fail at construction on an unknown name
        super().__init__(EXACT_STAGE, EXACT_REASON, partial(_doc_text_key, normalization=normalization), keep)


# -- MinHash -------------------------------------------------------------------


class _BandKeysDoFn(beam.DoFn):
    """Buffers documents and signs them in batches: ``((band, band hash), id)`` per band.

    Batching lets :func:`minhash_signatures` hash and permute a whole batch
    with a few numpy operations. Outputs are per-document pure functions, so
    bundle boundaries change only the batching, never the result. Documents
    without words emit nothing: they are never near-duplicate candidates.
    """

    def __init__(self, params: MinHashParams, batch_size: int, max_batch_chars: int) -> None:
        self._params = params
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def setup(self) -> None:
        p = self._params
        permutations(p.permutations, p.seed, p.scheme)  # warm the cache once per worker

    def start_bundle(self) -> None:
        self._buffer: list[tuple[str, str, Any, Any]] = []
        self._chars = 0

    def process(self, doc: Document, window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        self._buffer.append((doc.id, doc.text, window, timestamp))
        self._chars += len(doc.text)
        if len(self._buffer) >= self._batch_size or self._chars >= self._max_batch_chars:
            yield from self._flush()

    def finish_bundle(self):
        yield from self._flush()

    def _flush(self) -> Iterable[WindowedValue]:
        if not self._buffer:
            return
        p = self._params
        shingle_sets = [word_shingles(text, p.ngram, p.normalization) for _, text, _, _ in self._buffer]
        signatures = minhash_signatures(shingle_sets, p.permutations, p.seed, p.scheme, p.hash)
        keys = batch_band_keys(signatures, p.bands, p.rows)
        for (doc_id, _, window, timestamp), shingles, doc_keys in zip(self._buffer, shingle_sets, keys):
            if shingles:
                for key in doc_keys:
                    yield WindowedValue((key, doc_id), timestamp, (window,))
        self._buffer = []
        self._chars = 0


def _bucket_star_edges(element: tuple[Any, Iterable[str]]) -> Iterable[tuple[str, str]]:
    """Star edges of one bucket, streamed: first its smallest id, then member -> smallest."""
    _, ids = element
    root = min(ids)
    for doc_id in ids:
        if doc_id != root:
            yield doc_id, root


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

    def expand(self, edges):
        return (
            edges
            | "BothWays" >> beam.FlatMap(_edge_both_ways)
            | "Group" >> beam.GroupByKey()
            | "AsSet" >> beam.Map(_grouped_neighbours)
        )


class _StarRound(beam.PTransform):
    """One star-contraction round: large-star step, regroup, small-star step, regroup."""

    def expand(self, state):
        return (
            state
            | "LargeStar" >> beam.FlatMap(_large_star)
            | "GroupAfterLarge" >> _GroupNeighbours()
            | "SmallStar" >> beam.FlatMap(_small_star)
            | "GroupAfterSmall" >> _GroupNeighbours()
        )


def _require_settled(element: tuple[str, frozenset], max_rounds: int) -> tuple[str, str]:
    node, neighbours = element
    if not is_settled(node, neighbours):
        # Not yet a star around its component's minimum: the labels are not
        # final, and using them would keep near-duplicates silently.
        raise ConvergenceError(convergence_message(max_rounds))
    return node, component_label(node, neighbours)


class ConnectedComponents(beam.PTransform):
    """Edges ``(a, b)`` -> ``(node, label)`` for every node on an edge; label = smallest node of its component.

    Star contraction (:mod:`thresher.dedup.components`) unrolled into
    ``max_rounds`` rounds of two shuffles each, then a per-node check that
    the graph has become stars around each component's minimum; otherwise
    the run fails with :class:`~thresher.dedup.components.ConvergenceError`
    naming ``max_rounds`` in the ``dedup.minhash`` section. Rounds after
    convergence change nothing and cost two shuffles of the edges each.
    """

    def __init__(self, max_rounds: int) -> None:
        super().__init__()
        if max_rounds < 1:
            raise ValueError("max_rounds must be at least 1")
        self._max_rounds = max_rounds

    def expand(self, edges):
        state = edges | "GroupNeighbours" >> _GroupNeighbours()
        # Beam graphs have no loops: unroll the rounds.
        for round_number in range(1, self._max_rounds + 1):
            state = state | f"StarRound{round_number}" >> _StarRound()
        return state | "RequireConverged" >> beam.Map(_require_settled, max_rounds=self._max_rounds)


class MinHashCandidateEdges(beam.PTransform):
    """Documents -> star edges ``(id, smallest id of the bucket)`` for every LSH bucket of two or more."""

    def __init__(self, params: MinHashParams, batch_size: int = 512, max_batch_chars: int = 8_000_000) -> None:
        super().__init__()
        self._params = params
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def expand(self, docs):
        return (
            docs
            | "BandKeys" >> beam.ParDo(_BandKeysDoFn(self._params, self._batch_size, self._max_batch_chars))
            | "GroupBuckets" >> beam.GroupByKey()
            | "StarEdges" >> beam.FlatMap(_bucket_star_edges)
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


class _ApplyDecisions(beam.DoFn):
    """Joins documents with removal decisions: kept to the main output, removed tagged."""

    def __init__(self, stage: str, reason: str) -> None:
        self._stage = stage
        self._reason = reason
        self._stats = BeamStats()

    def process(self, element: tuple[str, dict]):
        _, joined = element
        kept_ids = list(joined["duplicate_of"])
        for doc in joined["doc"]:
            if kept_ids:
                self._stats.inc(dropped(self._stage, self._reason))
                yield TaggedOutput(REMOVED, mark_duplicate(doc, kept_ids[0]))
            else:
                self._stats.inc(f"{self._stage}/kept")
                yield doc


def _doc_id(doc: Document) -> str:
    return doc.id


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
    """

    def __init__(
        self,
        params: MinHashParams | None = None,
        *,
        keep: KeepRule = EARLIEST,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
        **overrides: Any,
    ) -> None:
        super().__init__()
        base = params if params is not None else MinHashParams()
        self.params = base.with_(**overrides) if overrides else base
        resolve_rule(keep)
        self._keep = keep
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    @classmethod
    def from_preset(cls, name: str, **kwargs: Any) -> "MinHashDedup":
        """``MinHashDedup.from_preset("refinedweb")``: 450 x 20 bands, RefinedWeb normalization."""
        overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in MinHashParams.__dataclass_fields__}
        return cls(preset(name, **overrides), **kwargs)

    def expand(self, docs):
        p = self.params
        keyed_docs = docs | "CountAndKeyById" >> beam.ParDo(_CountAndKey(MINHASH_STAGE, _doc_id))

        edges = docs | "CandidateEdges" >> MinHashCandidateEdges(p, self._batch_size, self._max_batch_chars)
        labels = edges | "Components" >> ConnectedComponents(p.max_rounds)

        sort_keys = docs | "KeepKeys" >> beam.Map(_sort_key_record, keep=self._keep)
        decisions = (
            {"label": labels, "sort_key": sort_keys}
            | "JoinLabels" >> beam.CoGroupByKey()
            | "ByComponent" >> beam.FlatMap(_member_of_component)
            | "GroupComponents" >> beam.GroupByKey()
            | "KeepPerComponent" >> beam.FlatMap(_component_decisions)
        )
        return (
            {"doc": keyed_docs, "duplicate_of": decisions}
            | "JoinDecisions" >> beam.CoGroupByKey()
            | "Apply"
            >> beam.ParDo(_ApplyDecisions(MINHASH_STAGE, MINHASH_REASON)).with_outputs(REMOVED, main=KEPT)
        )


# -- verified MinHash: candidate edges checked by exact Jaccard --------------------
# Engine-neutral rule: thresher.dedup.verify. Edge counters use their own
# stage name without "/in", so the documents funnel never mistakes them for a
# document stage.

# Imported here, not at the top: this section was added after the module's
# original import block, which stays untouched.
from thresher.dedup import index as dedup_index  # noqa: E402
from thresher.dedup.verify import check_threshold, default_threshold, shingle_set, verify_edge  # noqa: E402

VERIFY_STAGE = "dedup_minhash_verify"


def _edge_by_first(edge: tuple[str, str]) -> tuple[str, str]:
    return edge


def _doc_text_record(doc: Document) -> tuple[str, str]:
    return doc.id, doc.text


def _first_or_none(values: Iterable[Any]) -> Any:
    for value in values:
        return value
    return None


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


class _VerifyAgainstSecond(beam.DoFn):
    """``(b, {half: [(a, text_a)...], text: [text_b]})`` -> the edges ``(a, b)`` at or above the threshold."""

    def __init__(self, params: MinHashParams, threshold: float) -> None:
        self._params = params
        self._threshold = threshold
        self._stats = BeamStats()

    def process(self, element: tuple[str, dict]) -> Iterable[tuple[str, str]]:
        b, joined = element
        text_b = _first_or_none(joined["text"])
        # Edges to an unknown id (none come from MinHashCandidateEdges) are dropped.
        halves = joined["half"] if text_b is not None else ()
        shingles_b = shingle_set(text_b or "", self._params)  # once per node, however many edges reach it
        for a, text_a in halves:
            self._stats.inc(f"{VERIFY_STAGE}/candidate_edges")
            kept = verify_edge((a, b), shingle_set(text_a, self._params), shingles_b, self._threshold)
            self._stats.inc(f"{VERIFY_STAGE}/{'verified_edges' if kept else 'rejected_edges'}")
            yield from kept


class VerifyCandidateEdges(beam.PTransform):
    """``{"edges": (a, b), "docs": Document}`` -> the edges whose documents' shingle Jaccard is >= ``threshold``.

    Two joins on id (CoGroupByKey), never a side input: edges keyed by their
    first id meet that document's text, then are re-keyed by their second
    id to meet the other text. Each edge carries one text through one shuffle.
    Counters: ``dedup_minhash_verify/candidate_edges``, ``/verified_edges``,
    ``/rejected_edges`` (distinct edges).
    """

    def __init__(self, params: MinHashParams, threshold: float | None = None) -> None:
        super().__init__()
        check_threshold(threshold)
        self._params = params
        self._threshold = default_threshold(params) if threshold is None else threshold

    def expand(self, inputs):
        texts = inputs["docs"] | "TextById" >> beam.Map(_doc_text_record)
        halves = (
            {"edge": inputs["edges"] | "ByFirst" >> beam.Map(_edge_by_first), "text": texts}
            | "JoinFirstText" >> beam.CoGroupByKey()
            | "AttachFirstText" >> beam.FlatMap(_attach_first_text)
        )
        return (
            {"half": halves, "text": texts}
            | "JoinSecondText" >> beam.CoGroupByKey()
            | "Verify" >> beam.ParDo(_VerifyAgainstSecond(self._params, self._threshold))
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

    def expand(self, docs):
        # MinHashDedup.expand with one more step between edges and components;
        # repeated rather than refactored so MinHashDedup's graph stays as it is.
        p = self.params
        keyed_docs = docs | "CountAndKeyById" >> beam.ParDo(_CountAndKey(MINHASH_STAGE, _doc_id))
        candidates = docs | "CandidateEdges" >> MinHashCandidateEdges(p, self._batch_size, self._max_batch_chars)
        edges = {"edges": candidates, "docs": docs} | "VerifyEdges" >> VerifyCandidateEdges(p, self.verify_threshold)
        labels = edges | "Components" >> ConnectedComponents(p.max_rounds)
        sort_keys = docs | "KeepKeys" >> beam.Map(_sort_key_record, keep=self._keep)
        decisions = (
            {"label": labels, "sort_key": sort_keys}
            | "JoinLabels" >> beam.CoGroupByKey()
            | "ByComponent" >> beam.FlatMap(_member_of_component)
            | "GroupComponents" >> beam.GroupByKey()
            | "KeepPerComponent" >> beam.FlatMap(_component_decisions)
        )
        return (
            {"doc": keyed_docs, "duplicate_of": decisions}
            | "JoinDecisions" >> beam.CoGroupByKey()
            | "Apply"
            >> beam.ParDo(_ApplyDecisions(MINHASH_STAGE, MINHASH_REASON)).with_outputs(REMOVED, main=KEPT)
        )


# -- cross-run dedup index -------------------------------------------------------------
# Format, key functions and the in-memory reference: thresher.dedup.index.

INDEX_STAGE = "dedup_index"


class _IndexRowsDoFn(beam.DoFn):
    """Documents -> ``(table, row)`` index rows, signed in batches like :class:`_BandKeysDoFn`."""

    def __init__(self, params: MinHashParams, exact_normalization: str, batch_size: int, max_batch_chars: int) -> None:
        self._params = params
        self._exact_normalization = exact_normalization
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def start_bundle(self) -> None:
        self._buffer: list[tuple[Document, Any, Any]] = []
        self._chars = 0

    def process(self, doc: Document, window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        self._buffer.append((doc, window, timestamp))
        self._chars += len(doc.text)
        if len(self._buffer) >= self._batch_size or self._chars >= self._max_batch_chars:
            yield from self._flush()

    def finish_bundle(self):
        yield from self._flush()

    def _flush(self) -> Iterable[WindowedValue]:
        if not self._buffer:
            return
        docs = [d for d, _, _ in self._buffer]
        keys_of_batch = dedup_index.document_keys(docs, self._params, self._exact_normalization)
        for (_, window, timestamp), keys in zip(self._buffer, keys_of_batch):
            for record in dedup_index.index_rows(keys):
                yield WindowedValue(record, timestamp, (window,))
        self._buffer = []
        self._chars = 0


def _table_number(record: tuple[str, dict], _partitions: int, tables: tuple[str, ...]) -> int:
    return tables.index(record[0])


def _row_of(record: tuple[str, dict]) -> dict:
    return record[1]


def _write_index_meta(_, directory: str, params: MinHashParams, exact_normalization: str, **files: list[str]) -> str:
    dedup_index.write_meta(directory, params, files, exact_normalization)
    return directory


class WriteDedupIndex(beam.PTransform):
    """Kept documents -> a dedup index at ``path`` (:mod:`thresher.dedup.index`); outputs ``path`` once written.

    Tables are written as Parquet shards in parallel; ``index.json`` is
    written last, by one step that waits for every shard (it sees only file
    names), so the index is complete or absent. An existing ``index.json`` at
    ``path`` is deleted when the pipeline is built.
    """

    def __init__(
        self,
        path: str,
        params: MinHashParams,
        exact_normalization: str = DEFAULT,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
    ) -> None:
        super().__init__()
        exact_text_key("", exact_normalization)  # fail at construction on an unknown name
        self._path = path
        self._params = params
        self._exact_normalization = exact_normalization
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def expand(self, docs):
        dedup_index.make_dirs(self._path)
        dedup_index.remove_meta(self._path)
        records = docs | "IndexRows" >> beam.ParDo(
            _IndexRowsDoFn(self._params, self._exact_normalization, self._batch_size, self._max_batch_chars)
        )
        parts = records | "ByTable" >> beam.Partition(_table_number, len(dedup_index.TABLES), dedup_index.TABLES)
        files = {}
        for table, part in zip(dedup_index.TABLES, parts):
            files[table] = beam.pvalue.AsList(
                part
                | f"{table}Rows" >> beam.Map(_row_of)
                | f"Write{table}"
                >> beam.io.WriteToParquet(
                    dedup_index.join_path(self._path, table), dedup_index.SCHEMAS[table], file_name_suffix=".parquet"
                )
            )
        return (
            docs.pipeline
            | "Once" >> beam.Create([None])
            | "WriteIndexJson"
            >> beam.Map(_write_index_meta, self._path, self._params, self._exact_normalization, **files)
        )


class _DocIndexKeysDoFn(beam.DoFn):
    """Counts ``dedup_index/in``; emits ``(("u", url key), id)`` and ``(("t", text key), id)``."""

    def __init__(self, matches: tuple[str, ...], exact_normalization: str) -> None:
        self._matches = matches
        self._exact_normalization = exact_normalization
        self._stats = BeamStats()

    def process(self, doc: Document):
        self._stats.inc(f"{INDEX_STAGE}/in")
        if dedup_index.URL in self._matches:
            yield ("u", url_key(doc.url)), doc.id
        if dedup_index.TEXT in self._matches:
            yield ("t", exact_text_key(doc.text, self._exact_normalization)), doc.id


def _tag_band_key(record: tuple[tuple[int, bytes], str]) -> tuple[tuple, str]:
    (band, band_hash), doc_id = record
    return ("n", band, band_hash), doc_id


def _url_row_key(row: dict) -> tuple[tuple, str]:
    return ("u", row["url_key"]), row["id"]


def _text_row_key(row: dict) -> tuple[tuple, str]:
    return ("t", row["text_key"]), row["id"]


def _band_row_key(row: dict) -> tuple[tuple, str]:
    # Band rows carry no id (see thresher.dedup.index): "" sorts first and means unknown.
    return ("n", int(row["band_index"]), bytes(row["band_hash"])), ""


# Match kind of a key tag, ranked in the priority order of thresher.dedup.index.MATCHES.
_TAG_RANK = {"u": 0, "t": 1, "n": 2}


def _index_hits(element: tuple[tuple, dict]) -> Iterable[tuple[str, tuple[int, str]]]:
    """``(doc id, (match rank, indexed id))`` for every document sharing a key with the index."""
    key, joined = element
    doc_ids = joined["doc"]
    indexed = None
    # Most keys are index keys no new document has: skip their index rows unread.
    if _first_or_none(doc_ids) is not None:
        for indexed_id in joined["index"]:
            indexed = indexed_id if indexed is None else min(indexed, indexed_id)
    if indexed is not None:
        rank = _TAG_RANK[key[0]]
        for doc_id in doc_ids:
            yield doc_id, (rank, indexed)


def _doc_by_id(doc: Document) -> tuple[str, Document]:
    return doc.id, doc


class _ApplyIndexHits(beam.DoFn):
    def __init__(self, reasons: tuple[str, ...]) -> None:
        self._reasons = reasons  # by rank
        self._stats = BeamStats()

    def process(self, element: tuple[str, dict]):
        _, joined = element
        best = None
        for hit in joined["hit"]:
            best = hit if best is None else min(best, hit)
        for doc in joined["doc"]:
            if best is None:
                self._stats.inc(f"{INDEX_STAGE}/kept")
                yield doc
            else:
                rank, indexed_id = best
                self._stats.inc(dropped(INDEX_STAGE, self._reasons[rank]))
                yield TaggedOutput(REMOVED, mark_duplicate(doc, indexed_id or None))


class DropIndexedDuplicates(beam.PTransform):
    """Documents -> ``kept`` / ``removed``: drops those an existing dedup index already holds.

    A document is dropped if its URL key or exact-text key is in the index,
    or any of its band hashes is an indexed band (a near-duplicate of an
    indexed document; ``matches`` selects which of ``url``, ``text``,
    ``near`` apply). ``index_paths``: one index directory or several (e.g.
    one per earlier crawl). Each is checked against ``params`` when the
    pipeline is built: an index made with other settings raises
    :class:`~thresher.errors.ThresherError`.

    Implemented as joins, never a side input, since an index can be larger
    than any worker: document keys and index rows meet in one CoGroupByKey on
    the key; the hits (few) meet the documents in a second on id. Removed
    copies name the indexed document in ``duplicate_of`` for URL and text
    matches (empty for near matches: band rows carry no id).

    Counters: ``dedup_index/in``, ``dedup_index/kept``,
    ``dedup_index/dropped/in_index_url|in_index_text|in_index_near``.
    """

    def __init__(
        self,
        index_paths: str | Iterable[str],
        params: MinHashParams,
        matches: Iterable[str] = ("url", "text", "near"),
        exact_normalization: str = DEFAULT,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
    ) -> None:
        super().__init__()
        self._matches = dedup_index.check_matches(matches)
        paths = [index_paths] if isinstance(index_paths, str) else list(index_paths)
        metas = [dedup_index.open_index(path, params, exact_normalization) for path in paths]
        wanted = {
            dedup_index.URL: dedup_index.URLS,
            dedup_index.TEXT: dedup_index.TEXTS,
            dedup_index.NEAR: dedup_index.BANDS,
        }
        self._files = {m: sorted(f for meta in metas for f in meta.table_files(wanted[m])) for m in self._matches}
        self._reasons = tuple(dedup_index.REASONS[m] for m in dedup_index.MATCHES)
        self._params = params
        self._exact_normalization = exact_normalization
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def expand(self, docs):
        pipeline = docs.pipeline
        doc_keys = [docs | "DocKeys" >> beam.ParDo(_DocIndexKeysDoFn(self._matches, self._exact_normalization))]
        index_keys = []
        row_key = {dedup_index.URL: _url_row_key, dedup_index.TEXT: _text_row_key, dedup_index.NEAR: _band_row_key}
        for match, files in self._files.items():
            index_keys.append(
                pipeline
                | f"{match}IndexFiles" >> beam.Create(files)
                | f"Read{match}Index" >> beam.io.ReadAllFromParquet()
                | f"{match}IndexKeys" >> beam.Map(row_key[match])
            )
        if dedup_index.NEAR in self._matches:
            doc_keys.append(
                docs
                | "BandKeys" >> beam.ParDo(_BandKeysDoFn(self._params, self._batch_size, self._max_batch_chars))
                | "TagBandKeys" >> beam.Map(_tag_band_key)
            )
        hits = (
            {
                "doc": doc_keys | "AllDocKeys" >> beam.Flatten(),
                "index": index_keys | "AllIndexKeys" >> beam.Flatten(pipeline=pipeline),
            }
            | "JoinKeys" >> beam.CoGroupByKey()
            | "Hits" >> beam.FlatMap(_index_hits)
        )
        return (
            {"doc": docs | "ById" >> beam.Map(_doc_by_id), "hit": hits}
            | "JoinHits" >> beam.CoGroupByKey()
            | "Apply" >> beam.ParDo(_ApplyIndexHits(self._reasons)).with_outputs(REMOVED, main=KEPT)
        )
