"""URL, exact and MinHash dedup on Spark RDDs of :class:`~thresher.record.Document`.

The same decisions as :mod:`thresher.engines.beam.dedup`, from the same pure
functions: keep rules (smallest ``(rule key, id)``), LSH band keys, star
edges per bucket, star-contraction rounds and the per-node convergence test.
Counters are the same names: ``<stage>/in``, ``<stage>/kept`` and
``<stage>/dropped/<reason>``; each step's own busy and CPU time is added to
``<stage>/time_us`` and ``<stage>/cpu_us`` (:mod:`thresher.engines.spark.timing`).
With ``verify``, candidate edges are checked by exact Jaccard before
components (:mod:`thresher.engines.spark.dedup_verify`); the cross-run
index is :mod:`thresher.engines.spark.dedup_index`.

Each stage returns the kept documents; the removed ones (with
``duplicate_of`` set) are written by the very task that decides them, to
``<duplicates prefix>-<stage>-NNNNN.parquet``, so the kept stream flows on
without caching a second copy of the corpus.

Nothing is gathered on the driver: every grouping is a shuffle. The
largest groups are one URL or text (streamed twice, never copied), one LSH
bucket, one node's neighbours and one component's keep keys, as on Beam.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterable, Iterator

import pyarrow as pa
from pyspark import RDD, StorageLevel

from thresher.dedup.components import (
    ConvergenceError,
    adjacency_records,
    component_label,
    convergence_message,
    is_settled,
    large_star,
    small_star,
)
from thresher.dedup.keep import EARLIEST, KeepRule, keep_sort_key, mark_duplicate, resolve_rule
from thresher.dedup.signing import document_band_keys
from thresher.dedup.minhash import permutations
from thresher.dedup.normalize import DEFAULT, exact_text_key
from thresher.dedup.params import MinHashParams
from thresher.dedup.urls import url_key
from thresher.io.documents import DOCUMENT_SCHEMA
from thresher.engines.spark.dedup_verify import verified_edges
from thresher.engines.spark.files import RowFile, partition_file
from thresher.engines.spark.stats import PartitionStats, SparkStats, StepBody
from thresher.engines.spark.timing import per_record, timed
from thresher.record import Document
from thresher.stats import dropped

# The counter names of the Beam transforms (thresher.engines.beam.dedup), which
# this module must not import: executors have no need for apache_beam.
URL_STAGE, URL_REASON = "dedup_url", "duplicate_url"
EXACT_STAGE, EXACT_REASON = "dedup_exact", "exact_duplicate"
MINHASH_STAGE, MINHASH_REASON = "dedup_minhash", "near_duplicate"

REMOVED_FIELDS = ("id", "url", "crawl_date", "duplicate_of")
REMOVED_SCHEMA = pa.schema([DOCUMENT_SCHEMA.field(name) for name in REMOVED_FIELDS])


class Deduplicator:
    """The dedup stages of one run: where removed documents go, how many partitions, the counters."""

    def __init__(self, stats: SparkStats, removed_prefix: str, partitions: int) -> None:
        self.stats = stats
        self.removed_prefix = removed_prefix
        self.partitions = partitions
        #: RDDs this object cached; the driver releases them when the run is written.
        self.persisted: list[RDD] = []
        self._component_runs = 0  # each components() call names its steps apart

    def step(self, stage: str, name: str, body: StepBody) -> Callable:
        """A counted and timed partition function: counts as ``<stage>/...``, time as ``<stage>/time_us``."""
        return self.stats.counted(f"{stage}/{name}", timed(stage, body))

    def url(self, docs: RDD, keep: KeepRule) -> RDD:
        """One document per normalized URL; ``keep`` as in ``dedup.url.keep`` (default ``latest``)."""
        return self._keep_one_per_group(docs, URL_STAGE, URL_REASON, _doc_url_key, keep)

    def exact(self, docs: RDD, normalization: str = DEFAULT, keep: KeepRule = EARLIEST) -> RDD:
        """One document per normalized text, the earliest crawl kept."""
        exact_text_key("", normalization)  # an unknown name fails here, on the driver
        return self._keep_one_per_group(
            docs, EXACT_STAGE, EXACT_REASON, partial(_doc_text_key, normalization=normalization), keep
        )

    def _keep_one_per_group(
        self, docs: RDD, stage: str, reason: str, key_fn: Callable[[Document], Any], keep: KeepRule
    ) -> RDD:
        resolve_rule(keep)
        count_and_key = partial(_count_and_key, stage=stage, key_fn=key_fn)
        keyed = docs.mapPartitionsWithIndex(self.step(stage, "key", count_and_key))
        keep_one = partial(
            _keep_one_per_group, stage=stage, reason=reason, keep=keep, removed_prefix=self.removed_prefix_of(stage)
        )
        grouped = keyed.groupByKey(self.partitions)
        return grouped.mapPartitionsWithIndex(self.step(stage, "keep", keep_one))

    def minhash(
        self,
        docs: RDD,
        params: MinHashParams,
        keep: KeepRule = EARLIEST,
        batch_size: int = 512,
        max_batch_chars: int = 8_000_000,
        verify: bool = False,
        verify_threshold: float | None = None,
    ) -> RDD:
        """Near-duplicate removal: LSH candidate edges, connected components, keep rule per component.

        Steps (as :class:`thresher.engines.beam.dedup.MinHashDedup`): batched
        signatures -> band keys -> group buckets -> star edges -> [``verify``:
        exact Jaccard of each edge, as ``VerifiedMinHashDedup``] -> components ->
        join labels with keep keys on id -> group by component -> removal
        decisions -> cogroup with the documents on id.
        """
        resolve_rule(keep)
        docs = self.persist(docs)  # read three times below (five with verify)
        parts = self.partitions
        step = partial(self.step, MINHASH_STAGE)
        count_and_key = partial(_count_and_key, stage=MINHASH_STAGE, key_fn=_doc_id)
        keyed_docs = docs.mapPartitionsWithIndex(step("key", count_and_key))
        band_keys = partial(_band_keys, params=params, batch_size=batch_size, max_chars=max_batch_chars)
        edges = (
            docs.mapPartitionsWithIndex(step("band_keys", band_keys))
            .groupByKey(parts)
            .mapPartitionsWithIndex(step("star_edges", per_record(_bucket_star_edges)))
        )
        if verify:
            edges = verified_edges(self.stats, docs, edges, params, verify_threshold, parts, MINHASH_STAGE)
        labels = self.components(edges, params.max_rounds, timed_as=MINHASH_STAGE)
        sort_keys = docs.mapPartitionsWithIndex(step("keep_keys", per_record(partial(_sort_key_record, keep=keep))))
        decisions = (
            labels.join(sort_keys, parts)
            .values()  # (component label, keep sort key) per document in a component
            .groupByKey(parts)
            .mapPartitionsWithIndex(step("decisions", per_record(_component_decisions)))
        )
        apply = partial(_apply_decisions, removed_prefix=self.removed_prefix_of(MINHASH_STAGE))
        return keyed_docs.cogroup(decisions, parts).mapPartitionsWithIndex(step("apply", apply))

    def components(self, edges: RDD, max_rounds: int, timed_as: str = MINHASH_STAGE) -> RDD:
        """Edges -> ``(node, label)``, label = smallest node of the component (star contraction).

        Spark loops where Beam unrolls: after each round one small job counts
        unsettled nodes, and the loop stops as soon as none is left; a graph
        still unsettled after ``max_rounds`` rounds raises the same
        :class:`ConvergenceError` as Beam, naming ``dedup.minhash.max_rounds``.
        Each round's state is cached, so a round reads the previous one once.
        The star steps' time counts under the stage ``timed_as``.
        """
        if max_rounds < 1:
            raise ValueError("max_rounds must be at least 1")
        self._component_runs += 1
        prefix = f"components{self._component_runs}"
        state = self.persist(self._neighbours(edges))
        unsettled = state.filter(_unsettled).count()
        rounds = 0
        while unsettled:
            if rounds == max_rounds:
                raise ConvergenceError(convergence_message(max_rounds, unsettled))
            name = f"{prefix}/round{rounds + 1}"
            large = state.mapPartitionsWithIndex(self.step(timed_as, f"{name}/large_star", per_record(_large_star)))
            after_large = self._neighbours(large)
            small = after_large.mapPartitionsWithIndex(
                self.step(timed_as, f"{name}/small_star", per_record(_small_star))
            )
            following = self.persist(self._neighbours(small))
            unsettled = following.filter(_unsettled).count()
            self._release(state)
            state, rounds = following, rounds + 1
        return state.map(_label)

    def _neighbours(self, edges: RDD) -> RDD:
        """Edges -> ``(node, set of neighbours)``: both directions, combined on each side of one shuffle."""
        return edges.flatMap(_both_ways).combineByKey(_new_set, _add_to_set, _union, self.partitions)

    def persist(self, rdd: RDD) -> RDD:
        """Cache ``rdd`` (memory, spilling to disk) until :meth:`release_all`: for RDDs read more than once."""
        rdd.persist(StorageLevel.MEMORY_AND_DISK)
        self.persisted.append(rdd)
        return rdd

    def _release(self, rdd: RDD) -> None:
        rdd.unpersist()
        self.persisted.remove(rdd)

    def release_all(self) -> None:
        for rdd in self.persisted:
            rdd.unpersist()
        self.persisted.clear()

    def removed_prefix_of(self, stage: str) -> str:
        """Where ``stage`` writes the documents it removes (``<prefix>-<stage>-NNNNN.parquet``)."""
        return f"{self.removed_prefix}-{stage}"


# -- shared pieces (module-level functions: what executors run) ----------------------------


def _count_and_key(
    index: int, docs: Iterator[Document], stats: PartitionStats, *, stage: str, key_fn: Callable[[Document], Any]
) -> Iterator[tuple[Any, Document]]:
    for doc in docs:
        stats.inc(f"{stage}/in")
        yield key_fn(doc), doc


def _keep_one_per_group(
    index: int,
    groups: Iterator[tuple[Any, Iterable[Document]]],
    stats: PartitionStats,
    *,
    stage: str,
    reason: str,
    keep: KeepRule,
    removed_prefix: str,
) -> Iterator[Document]:
    """The best document of each group by the keep rule; the rest written as removed.

    Two passes over the group (Spark's grouped values are re-iterable and
    spill to disk when large): a million copies of one page never become a list.
    """
    rule = resolve_rule(keep)
    with RowFile(partition_file(removed_prefix, index), REMOVED_SCHEMA, always=index == 0) as removed:
        for _, docs in groups:
            best = min((rule(d), d.id) for d in docs)
            kept_id = best[1]
            kept_emitted = False
            for doc in docs:
                if not kept_emitted and doc.id == kept_id and rule(doc) == best[0]:
                    kept_emitted = True
                    stats.inc(f"{stage}/kept")
                    yield doc
                else:
                    stats.inc(dropped(stage, reason))
                    removed.add(removed_row(mark_duplicate(doc, kept_id)))


def removed_row(doc: Document) -> dict[str, Any]:
    return {name: getattr(doc, name) for name in REMOVED_FIELDS}


def _doc_url_key(doc: Document) -> str:
    return url_key(doc.url)


def _doc_text_key(doc: Document, normalization: str) -> str:
    return exact_text_key(doc.text, normalization)


def _doc_id(doc: Document) -> str:
    return doc.id


# -- MinHash candidates ------------------------------------------------------------------


def _band_keys(
    index: int,
    docs: Iterator[Document],
    stats: PartitionStats,
    *,
    params: MinHashParams,
    batch_size: int,
    max_chars: int,
) -> Iterator[tuple[tuple[int, bytes], str]]:
    """``((band, band hash), id)`` per band of every document with words, signed in batches.

    Batches let :func:`minhash_signatures` work on whole arrays; signatures
    are per-document pure functions, so batching never changes a key.
    """
    permutations(params.permutations, params.seed, params.scheme)  # warm the cache once per task
    batch: list[tuple[str, str]] = []
    chars = 0
    for doc in docs:
        batch.append((doc.id, doc.text))
        chars += len(doc.text)
        if len(batch) >= batch_size or chars >= max_chars:
            yield from _sign(batch, params)
            batch, chars = [], 0
    yield from _sign(batch, params)


def _sign(batch: list[tuple[str, str]], params: MinHashParams) -> Iterator[tuple[tuple[int, bytes], str]]:
    keys = document_band_keys([text for _, text in batch], params)
    for (doc_id, _), doc_keys in zip(batch, keys):
        for key in doc_keys:  # none for a text without words: never a near-duplicate candidate
            yield key, doc_id


def _bucket_star_edges(bucket: tuple[Any, Iterable[str]]) -> Iterator[tuple[str, str]]:
    """Star edges of one bucket: every member to its smallest id."""
    _, ids = bucket
    root = min(ids)
    for doc_id in ids:
        if doc_id != root:
            yield doc_id, root


# -- connected components ----------------------------------------------------------------


def _both_ways(edge: tuple[str, str]) -> Iterator[tuple[str, str]]:
    return adjacency_records((edge,))


def _new_set(node: str) -> set:
    return {node}


def _add_to_set(nodes: set, node: str) -> set:
    nodes.add(node)
    return nodes


def _union(a: set, b: set) -> set:
    a |= b
    return a


def _large_star(record: tuple[str, set]) -> Iterator[tuple[str, str]]:
    return large_star(*record)


def _small_star(record: tuple[str, set]) -> Iterator[tuple[str, str]]:
    return small_star(*record)


def _unsettled(record: tuple[str, set]) -> bool:
    return not is_settled(*record)


def _label(record: tuple[str, set]) -> tuple[str, str]:
    return record[0], component_label(*record)


# -- keep rule per component, applied back to the documents -------------------------------


def _sort_key_record(doc: Document, keep: KeepRule) -> Iterator[tuple[str, tuple]]:
    yield doc.id, keep_sort_key(doc, keep)


def _component_decisions(component: tuple[str, Iterable[tuple]]) -> Iterator[tuple[str, str]]:
    """``(removed id, kept id)`` for every member but the component's best, in two passes."""
    _, sort_keys = component
    kept_id = min(sort_keys)[-1]
    for sort_key in sort_keys:
        if sort_key[-1] != kept_id:
            yield sort_key[-1], kept_id


def _apply_decisions(
    index: int,
    joined: Iterator[tuple[str, tuple[Iterable[Document], Iterable[str]]]],
    stats: PartitionStats,
    *,
    removed_prefix: str,
) -> Iterator[Document]:
    with RowFile(partition_file(removed_prefix, index), REMOVED_SCHEMA, always=index == 0) as removed:
        for _, (docs, kept_ids) in joined:
            kept_ids = list(kept_ids)
            for doc in docs:
                if kept_ids:
                    stats.inc(dropped(MINHASH_STAGE, MINHASH_REASON))
                    removed.add(removed_row(mark_duplicate(doc, kept_ids[0])))
                else:
                    stats.inc(f"{MINHASH_STAGE}/kept")
                    yield doc
