"""Phase B's tail on Spark: kept documents -> tokens -> shards -> manifest.

The shard count follows from the total token count and payload bytes (one ``fold`` job); a
document's shard from its id (:func:`shard_index`); the tokenized rows are
partitioned so that partition ``i`` *is* shard ``i``, and each task writes its
shard through a :class:`ShardWriter` (rows streamed from the shuffle, sorted
by id, or by a seeded hash of it with ``output.shuffle_seed``, in bounded
memory: byte-identical to Beam's).
An index no document hashed to is an empty partition, and writes an empty
shard, so ``shard-i-of-N`` names always form a complete set. Only the
shards' infos (a few numbers each) reach the driver, for the manifest.
"""

from __future__ import annotations

import glob
from functools import partial
from typing import Any, Iterator

import pyarrow.parquet as pq
from pyspark import RDD, SparkContext, StorageLevel

from thresher.io.manifest import build_manifest, merge_languages, write_json_atomic
from thresher.io.shards import (
    ShardInfo,
    ShardWriter,
    row_payload_bytes,
    shard_count,
    shard_index,
    shard_name,
    shard_schema,
)
from thresher.engines.spark.stats import PartitionStats, SparkStats
from thresher.stats import stage_timer
from thresher.tokenize.counting import count_tokenized
from thresher.tokenize.encoder import DocumentTokenizer

#: What a shard keeps of a document file's columns (tokens are added).
DOCUMENT_COLUMNS = [f.name for f in shard_schema(keep_text=True) if f.name not in ("token_ids", "token_count")]

ShardResult = tuple[ShardInfo, dict[str, dict[str, int]]]


def tokenized_documents(
    sc: SparkContext, stats: SparkStats, documents_glob: str, tokenizer: DocumentTokenizer, batch_size: int = 256
) -> RDD:
    """Rows of every document file with ``token_ids`` and ``token_count``; a file per task."""
    files = sorted(glob.glob(documents_glob))
    encode = partial(_tokenize_files, tokenizer=tokenizer, batch_size=batch_size)
    return sc.parallelize(files, max(1, len(files))).mapPartitionsWithIndex(stats.counted("tokenize", encode))


def _tokenize_files(
    index: int, paths: Iterator[str], stats: PartitionStats, *, tokenizer: DocumentTokenizer, batch_size: int
) -> Iterator[dict[str, Any]]:
    """The tokenizer loads once per partition; ``encode_batch`` runs a batch in Rust threads."""
    tokenizer.load()
    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=DOCUMENT_COLUMNS):
            # Timed apart from the yields, which run the shard step's map side.
            with stage_timer(stats, "tokenize", cpu="process"):
                rows = batch.to_pylist()
                texts = [row["text"] for row in rows]
                encoded = tokenizer.encode_batch_packed(texts)
                for row, packed in zip(rows, encoded):
                    row["token_ids"] = packed  # uint32 bytes: compact through the shuffle
                    row["token_count"] = len(packed) // 4
            yield from rows
            count_tokenized(stats, texts, [row["token_count"] for row in rows])


def write_shards(
    stats: SparkStats,
    rows: RDD,
    directory: str,
    *,
    target_tokens: int,
    keep_text: bool,
    compression: str,
    shuffle_seed: int | None = None,
    target_bytes: int | None = None,
) -> list[ShardResult]:
    """Write every shard from the executors; ``(info, per-language counts)`` per shard.

    The shard count is the larger of what ``target_tokens`` and ``target_bytes`` (of
    :func:`row_payload_bytes`) ask for (:func:`shard_count`).

    ``shuffle_seed`` places and orders documents by a seeded hash of their id
    (``output.shuffle_seed``) instead of by the id itself.
    """
    rows.persist(StorageLevel.MEMORY_AND_DISK)  # read twice: the totals, then the shards
    try:
        tokens, payload = rows.map(partial(_sizes, keep_text=keep_text)).fold((0, 0), _add_sizes)
        num_shards = shard_count(tokens, target_tokens, payload, target_bytes)
        write = partial(
            _write_shard,
            num_shards=num_shards,
            directory=directory,
            keep_text=keep_text,
            compression=compression,
            shuffle_seed=shuffle_seed,
        )
        return (
            rows.map(partial(_keyed_by_shard, num_shards=num_shards, shuffle_seed=shuffle_seed, keep_text=keep_text))
            .partitionBy(num_shards, _shard_partition)
            .mapPartitionsWithIndex(stats.counted("shards", write))
            .collect()
        )
    finally:
        rows.unpersist()


def _sizes(row: dict[str, Any], keep_text: bool) -> tuple[int, int]:
    return row["token_count"], row_payload_bytes(row, keep_text)


def _add_sizes(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]


def _keyed_by_shard(
    row: dict[str, Any], num_shards: int, shuffle_seed: int | None, keep_text: bool
) -> tuple[int, dict[str, Any]]:
    if not keep_text:
        row = {k: v for k, v in row.items() if k != "text"}  # not shuffled for nothing
    return shard_index(row["id"], num_shards, shuffle_seed), row


def _shard_partition(index: int) -> int:
    return index  # partition i holds shard i


def _write_shard(
    index: int,
    keyed_rows: Iterator[tuple[int, dict[str, Any]]],
    stats: PartitionStats,
    *,
    num_shards: int,
    directory: str,
    keep_text: bool,
    compression: str,
    shuffle_seed: int | None,
) -> Iterator[ShardResult]:
    name = shard_name(index, num_shards)
    # Rows stream from the shuffle into the writer, which sorts them in bounded memory.
    with stage_timer(stats, "shards"):
        with ShardWriter(
            directory, name, keep_text=keep_text, compression=compression, shuffle_seed=shuffle_seed
        ) as writer:
            writer.add_all(row for _, row in keyed_rows)
            info = writer.close()
    if info.rows:
        # As on Beam, where the manifest step writes empty shards without counting them.
        stats.inc("shards/written")
        stats.inc("shards/documents", info.rows)
        stats.inc("shards/tokens", info.tokens)
    yield info, {lang: dict(counts) for lang, counts in writer.languages.items()}


def write_manifest(
    path: str,
    results: list[ShardResult],
    *,
    tokenizer_info: dict,
    keep_text: bool,
    config: dict,
    shuffle_seed: int | None = None,
) -> dict[str, Any]:
    manifest = build_manifest(
        [info for info, _ in results],
        tokenizer=tokenizer_info,
        keep_text=keep_text,
        languages=merge_languages(per for _, per in results),
        config=config,
        shuffle_seed=shuffle_seed,
    )
    write_json_atomic(path, manifest)
    return manifest
