"""The dedup stages' steps over light records: keep one per URL or text, MinHash candidates, verification.

Every rule is the engine-neutral one of :mod:`thresher.stages.dedup` (keep rule: smallest
``(rule key, id)``; star edges per LSH bucket; exact-Jaccard verification); these steps
only shape records for the groupings. A stage's removals leave as decisions
``(removed id, (rank, reason, kept id))``, applied to the documents at the end.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.stages import MINHASH_REASON
from thresher.stages.dedup.verify import first_halves, verify_halves
from thresher.engines.base import Step, StepContext, Tagged
from thresher.record import Document
from thresher.run.memory import parquet_batches
from thresher.run.dedup.light import BAND_HASH_BYTES, READ_ROWS, Light, location

REMOVED = "removed"

#: ``(stage rank, drop reason, kept id or "")``: the smallest decision of a document wins.
Decision = tuple[int, str, str]


def first(values: Iterable[Any]) -> Any:
    for value in values:
        return value
    return None


def by_id(record: Light | Document) -> Iterator[tuple[str, Any]]:
    yield record.id, record


def by_url_key(light: Light) -> Iterator[tuple[str, Light]]:
    yield light.url_key, light


def by_text_key(light: Light) -> Iterator[tuple[str, Light]]:
    yield light.text_key, light


class KeepOne(Step):
    """``(key, light records)`` -> the best by the stage's keep key (main), a decision for each other one.

    Two passes over the group (grouped values are re-iterable), so a huge group, a million
    copies of one error page, is never copied into a list.
    """

    outputs = (REMOVED,)

    def __init__(self, stage: str, rank: int, reason: str, sort_field: str, spent: tuple[str, ...] = ()) -> None:
        self.stage = stage
        self.rank = rank
        self.reason = reason
        self.sort_field = sort_field
        #: Fields no later stage reads: left out of the records that go on (they travel lighter).
        self.spent = {name: None for name in spent}

    def process(self, batch: list[tuple[Any, Iterable[Light]]], ctx: StepContext) -> Iterator[Any]:
        field = self.sort_field
        for _, records in batch:
            best = min((getattr(r, field), r.id) for r in records)
            kept_id = best[1]
            kept_emitted = False
            for record in records:
                if not kept_emitted and record.id == kept_id and getattr(record, field) == best[0]:
                    kept_emitted = True
                    yield record._replace(**self.spent) if self.spent else record
                else:
                    yield Tagged(REMOVED, (record.id, (self.rank, self.reason, kept_id)))


# -- MinHash: candidates, verification, the keep rule per component ----------------------


def band_records(light: Light, per_language: bool = False) -> Iterator[tuple[bytes, str]]:
    """``(bucket key, id)`` for every band; per language, the language is part of the key (FineWeb-2
    compares documents only within their language).

    A bucket key is one bytes object: the band's number (2 bytes) and its hash, after the language and a
    NUL when per language. As ``(band, hash)`` tuples, the 14 records per document and their buckets held
    in memory cost a dedup job's process 494 MB at 36,086 documents, against 336 MB as bytes (a local
    runner holds a grouping whole: BENCHMARKS.md §9). The buckets, and so every result, are the same.
    """
    packed = light.bands
    prefix = b""
    if per_language:  # 0xff is never in UTF-8: no language, unlike "", is a key of its own
        prefix = (b"\xff" if light.language is None else light.language.encode("utf-8")) + b"\0"
    for i in range(len(packed) // BAND_HASH_BYTES):
        yield prefix + i.to_bytes(2, "big") + packed[i * BAND_HASH_BYTES : (i + 1) * BAND_HASH_BYTES], light.id


def bucket_star_edges(bucket: tuple[Any, Iterable[str]]) -> Iterator[tuple[str, str]]:
    """Star edges of one bucket, streamed: every member to the bucket's smallest id."""
    _, ids = bucket
    root = min(ids)
    for doc_id in ids:
        if doc_id != root:
            yield doc_id, root


def attach_first_text(joined: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, tuple[str, str]]]:
    a, groups = joined
    return first_halves(a, groups["edge"], first(groups["text"]))


class VerifyEdges(Step):
    """``(b, {half: (a, text a), text: text b})`` -> the edges whose shingle Jaccard reaches the threshold."""

    def __init__(self, params: MinHashParams, threshold: float, stage: str) -> None:
        self.params = params
        self.threshold = threshold
        self.stage = stage

    def process(self, batch: list[tuple[str, dict]], ctx: StepContext) -> Iterator[tuple[str, str]]:
        for b, groups in batch:
            yield from verify_halves(b, first(groups["text"]), groups["half"], self.params, self.threshold, ctx.stats)


def sort_key_record(light: Light) -> Iterator[tuple[str, tuple]]:
    yield light.id, (light.minhash_sort, light.id)  # keep_sort_key's shape: (rule key, id)


def member_of_component(joined: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[str, tuple]]:
    """``(component, keep sort key)`` for documents that are graph nodes."""
    _, groups = joined
    for label in groups["label"]:
        for sort_key in groups["sort_key"]:
            yield label, sort_key


#: The extra output of :class:`ComponentDecisions`: ``(kept id, how many documents its cluster held)``.
CLUSTER = "cluster"


class ComponentDecisions(Step):
    """``(component, keep sort keys)`` -> a decision for every member but the component's best;
    with ``sizes``, the best's cluster size too (extra output ``cluster``)."""

    outputs = (CLUSTER,)

    def __init__(self, stage: str, rank: int, sizes: bool = False) -> None:
        self.stage = stage
        self.rank = rank
        self.sizes = sizes

    def process(self, batch: list[tuple[str, Iterable[tuple]]], ctx: StepContext) -> Iterator[Any]:
        for _, sort_keys in batch:
            kept_id = min(sort_keys)[-1]
            members = 0
            for sort_key in sort_keys:
                members += 1
                if sort_key[-1] != kept_id:
                    yield sort_key[-1], (self.rank, MINHASH_REASON, kept_id)
            if self.sizes:
                yield Tagged(CLUSTER, (kept_id, members))


# -- where documents are: files by number, and the texts verification needs -----------------


def file_by_number(numbered: tuple[int, str]) -> Iterator[tuple[int, str]]:
    yield numbered


def edge_ends(edge: tuple[str, str]) -> Iterator[tuple[str, None]]:
    yield edge[0], None
    yield edge[1], None


def wanted_in_file(joined: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[tuple[int, str]]:
    """``(file, id)`` for a document on some candidate edge: its text is read from that file."""
    doc_id, groups = joined
    if any(True for _ in groups["end"]):
        where = first(groups["where"])
        if where is not None:
            yield location(where)[0], doc_id


class ReadTexts(Step):
    """``(file, {path, want})`` -> ``(id, text)`` of the wanted documents of that file, each id once."""

    batch_size = 1

    def __init__(self, stage: str) -> None:
        self.stage = stage

    def process(self, batch: list[tuple[int, dict[str, Iterable[Any]]]], ctx: StepContext) -> Iterator[tuple[str, str]]:
        for _, groups in batch:
            wanted = set(groups["want"])
            if not wanted:
                continue
            for path in groups["path"]:
                for table_batch in parquet_batches(path, READ_ROWS, ["id", "text"]):
                    for doc_id, text in zip(table_batch.column("id").to_pylist(), table_batch.column("text").to_pylist()):
                        if doc_id in wanted:
                            wanted.discard(doc_id)
                            yield doc_id, text
