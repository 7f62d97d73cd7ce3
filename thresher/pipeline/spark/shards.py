"""Phase B's tail on Spark: kept documents -> tokens -> shards -> manifest.

The shard count follows from the total token count (one ``sum`` job); a
document's shard from its id (:func:`shard_index`); the tokenized rows are
partitioned so that partition ``i`` *is* shard ``i``, and each task writes its
shard with :func:`write_shard` (rows sorted by id, or by a seeded hash of it
with ``output.shuffle_seed``: byte-identical to Beam's).
An index no document hashed to is an empty partition, and writes an empty
shard, so ``shard-i-of-N`` names always form a complete set. Only the
shards' infos (a few numbers each) reach the driver, for the manifest.
"""

from __future__ import annotations

import glob
from collections import Counter
from functools import partial
from typing import Any, Iterator

import pyarrow.parquet as pq
from pyspark import RDD, SparkContext, StorageLevel

from thresher.io.manifest import build_manifest, write_json_atomic
from thresher.io.shards import ShardInfo, shard_count, shard_index, shard_name, shard_schema, write_shard
from thresher.pipeline.spark.stats import PartitionStats, SparkStats
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
            rows = batch.to_pylist()
            encoded = tokenizer.encode_batch([row["text"] for row in rows])
            tokens = 0
            for row, ids in zip(rows, encoded):
                row["token_ids"] = ids
                row["token_count"] = len(ids)
                tokens += len(ids)
                yield row
            stats.inc("tokenize/in", len(rows))
            stats.inc("tokenize/kept", len(rows))
            stats.inc("tokenize/tokens", tokens)


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

    ``shuffle_seed`` places and orders documents by a seeded hash of their id
    (``output.shuffle_seed``) instead of by the id itself.
    """
    if target_bytes is not None:
        raise NotImplementedError("output.shard_target_bytes is being built")
    rows.persist(StorageLevel.MEMORY_AND_DISK)  # read twice: the token total, then the shards
    try:
        num_shards = shard_count(int(rows.map(_token_count).sum()), target_tokens)
        write = partial(
            _write_shard,
            num_shards=num_shards,
            directory=directory,
            keep_text=keep_text,
            compression=compression,
            shuffle_seed=shuffle_seed,
        )
        return (
            rows.map(partial(_keyed_by_shard, num_shards=num_shards, shuffle_seed=shuffle_seed))
            .partitionBy(num_shards, _shard_partition)
            .mapPartitionsWithIndex(stats.counted("shards", write))
            .collect()
        )
    finally:
        rows.unpersist()


def _token_count(row: dict[str, Any]) -> int:
    return row["token_count"]


def _keyed_by_shard(row: dict[str, Any], num_shards: int, shuffle_seed: int | None) -> tuple[int, dict[str, Any]]:
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
    rows = [row for _, row in keyed_rows]  # write_shard sorts a shard's rows (by id, or seeded hash)
    name = shard_name(index, num_shards)
    info = write_shard(
        rows, directory, name, keep_text=keep_text, compression=compression, shuffle_seed=shuffle_seed
    )
    languages: dict[str, Counter] = {}
    for row in rows:
        per = languages.setdefault(row.get("language") or "unknown", Counter())
        per["documents"] += 1
        per["tokens"] += row["token_count"]
    if rows:
        # As on Beam, where the manifest step writes empty shards without counting them.
        stats.inc("shards/written")
        stats.inc("shards/documents", info.rows)
        stats.inc("shards/tokens", info.tokens)
    yield info, {lang: dict(counts) for lang, counts in languages.items()}


def write_manifest(
    path: str,
    results: list[ShardResult],
    *,
    tokenizer_info: dict,
    keep_text: bool,
    config: dict,
    shuffle_seed: int | None = None,
) -> dict[str, Any]:
    languages: dict[str, Counter] = {}
    for _info, per_shard in results:
        for lang, counts in per_shard.items():
            languages.setdefault(lang, Counter()).update(counts)
    manifest = build_manifest(
        [info for info, _ in results],
        tokenizer=tokenizer_info,
        keep_text=keep_text,
        languages={lang: dict(counts) for lang, counts in languages.items()},
        config=config,
        shuffle_seed=shuffle_seed,
    )
    write_json_atomic(path, manifest)
    return manifest
