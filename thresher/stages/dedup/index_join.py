"""Cross-run dedup as joins: the keys documents and index rows meet on, and each document's outcome.

The rule of :func:`thresher.stages.dedup.index.match_index` (the first match in the
order url, text, near; per key the smallest indexed id), in the shape an
engine needs when an index is larger than any worker and is joined rather
than loaded:

1. documents -> ``(match key, doc id)`` (:func:`batch_match_keys`), index
   rows -> ``(match key, indexed id)`` (:func:`index_row_key`), grouped on
   the key: :func:`key_hits` gives ``(doc id, hit)`` per document sharing a key;
2. hits grouped with the documents on id: :func:`best_hit`, then
   :func:`hit_outcome` names the drop reason and ``duplicate_of``.

Keys are tagged tuples, so a URL key never meets a text key or band hash.
The Beam transform (``DropIndexedDuplicates``) uses the same tags and ranks.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

from thresher.io import storage
from thresher.stages.dedup.index import (
    BANDS,
    MATCHES,
    NEAR,
    REASONS,
    TEXT,
    TEXTS,
    URL,
    URLS,
    DocumentKeys,
    document_keys,
)
from thresher.stages.dedup.normalize import DEFAULT, exact_text_key
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.urls import url_key
from thresher.record import Document

URL_TAG, TEXT_TAG, NEAR_TAG = "u", "t", "n"
_TAGS = {URL: URL_TAG, TEXT: TEXT_TAG, NEAR: NEAR_TAG}
#: A match kind's rank is its place in MATCHES: the smallest rank wins.
_RANK = {URL_TAG: 0, TEXT_TAG: 1, NEAR_TAG: 2}
#: The index table each match kind reads.
TABLE_OF = {URL: URLS, TEXT: TEXTS, NEAR: BANDS}
#: Band rows carry no id: "" (sorting before any id) stands for "unknown".
UNKNOWN_ID = ""

MatchKey = tuple
#: ``(rank of the match kind, indexed id or UNKNOWN_ID)``: the minimum over a document's hits wins.
Hit = tuple[int, str]


def batch_match_keys(
    docs: Sequence[Document],
    params: MinHashParams,
    matches: Sequence[str],
    exact_normalization: str = DEFAULT,
) -> Iterator[tuple[MatchKey, str]]:
    """``(match key, doc id)`` for every key of a batch of documents that ``matches`` asks for.

    Band keys need the batch's signatures (one numpy pass); without ``near``
    none are computed. Documents without words have no band keys.
    """
    if NEAR in matches:
        keys = document_keys(docs, params, exact_normalization)
    else:
        keys = [DocumentKeys(d.id, url_key(d.url), exact_text_key(d.text, exact_normalization), []) for d in docs]
    for k in keys:
        if URL in matches:
            yield (URL_TAG, k.url_key), k.id
        if TEXT in matches:
            yield (TEXT_TAG, k.text_key), k.id
        if NEAR in matches:
            for band, band_hash in k.band_keys:
                yield (NEAR_TAG, band, band_hash), k.id


def index_row_key(match: str, row: dict[str, Any]) -> tuple[MatchKey, str]:
    """``(match key, indexed id)`` of one row of the table ``TABLE_OF[match]``."""
    if match == URL:
        return (URL_TAG, row["url_key"]), row["id"]
    if match == TEXT:
        return (TEXT_TAG, row["text_key"]), row["id"]
    if match == NEAR:
        return (NEAR_TAG, int(row["band_index"]), bytes(row["band_hash"])), UNKNOWN_ID
    raise ValueError(f"unknown match kind {match!r}")


def key_hits(key: MatchKey, doc_ids: Iterable[str], indexed_ids: Iterable[str]) -> Iterator[tuple[str, Hit]]:
    """``(doc id, hit)`` for every document holding ``key``, if the index holds it too.

    Most keys are index keys no new document has: their index rows are then
    never read (a second pass over ``doc_ids`` is needed, so it must be re-iterable).
    """
    if not any(True for _ in doc_ids):
        return
    indexed = min(indexed_ids, default=None)
    if indexed is None:
        return
    hit = (_RANK[key[0]], indexed)
    for doc_id in doc_ids:
        yield doc_id, hit


def best_hit(hits: Iterable[Hit]) -> Hit | None:
    """The hit that decides a document (first match kind, then smallest indexed id), or None: kept."""
    return min(hits, default=None)


def hit_outcome(hit: Hit) -> tuple[str, str | None]:
    """``(drop reason, duplicate_of)`` of a document removed for ``hit`` (None: a near match, id unknown)."""
    rank, indexed_id = hit
    return REASONS[MATCHES[rank]], indexed_id or None


def iter_index_rows(path: str, batch_rows: int = 1_000) -> Iterator[dict[str, Any]]:
    """The rows of one index data file (a local path or URL), a batch at a time."""
    for batch in storage.open_parquet(path).iter_batches(batch_size=batch_rows):
        yield from batch.to_pylist()
