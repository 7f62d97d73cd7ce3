"""Parquet shards: the schema, deterministic assignment, atomic writes."""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import pyarrow as pa
import xxhash
import pyarrow.parquet as pq

SCHEMA_VERSION = 1

_BASE_FIELDS = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("url", pa.string(), nullable=False),
    pa.field("crawl_date", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("offset", pa.int64(), nullable=False),
    pa.field("language", pa.string(), nullable=True),
    pa.field("language_score", pa.float32(), nullable=True),
    pa.field("token_count", pa.int32(), nullable=False),
    # uint32 holds any vocabulary; loaders narrow to uint16 when the manifest's
    # vocab_size allows.
    pa.field("token_ids", pa.list_(pa.uint32()), nullable=False),
]
_TEXT_FIELD = pa.field("text", pa.string(), nullable=False)


def shard_schema(keep_text: bool) -> pa.Schema:
    fields = list(_BASE_FIELDS)
    if keep_text:
        fields.insert(5, _TEXT_FIELD)
    return pa.schema(fields, metadata={b"thresher.schema_version": str(SCHEMA_VERSION).encode()})


def shard_count(total_tokens: int, target_tokens: int) -> int:
    return max(1, math.ceil(total_tokens / target_tokens))


def shard_index(doc_id: str, num_shards: int, shuffle_seed: int | None = None) -> int:
    """Which shard a document goes to: a function of its id (ids are hashes) and the seed."""
    if shuffle_seed is None:
        return int(doc_id[:16], 16) % num_shards
    return xxhash.xxh3_64_intdigest(f"{shuffle_seed}:{doc_id}".encode()) % num_shards


def row_order_key(doc_id: str, shuffle_seed: int | None = None) -> str:
    """Rows in a shard are sorted by this: the id, or with a seed a seeded hash of it
    (a global shuffle of documents that is the same on every run with that seed)."""
    if shuffle_seed is None:
        return doc_id
    return f"{xxhash.xxh3_64_hexdigest(f'{shuffle_seed}:{doc_id}'.encode())}:{doc_id}"


def shard_name(index: int, num_shards: int) -> str:
    return f"shard-{index:05d}-of-{num_shards:05d}.parquet"


@dataclass(frozen=True)
class ShardInfo:
    name: str
    rows: int
    tokens: int
    bytes: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def write_shard(
    rows: Sequence[dict[str, Any]],
    directory: str,
    name: str,
    *,
    keep_text: bool,
    compression: str = "zstd",
    shuffle_seed: int | None = None,
) -> ShardInfo:
    """Write rows sorted by :func:`row_order_key` to ``directory/name``; temp name first, then rename.

    A reader never sees a half-written shard under its final name.
    """
    schema = shard_schema(keep_text)
    ordered = sorted(rows, key=lambda r: row_order_key(r["id"], shuffle_seed))
    columns = {f.name: [r.get(f.name) for r in ordered] for f in schema}
    table = pa.Table.from_pydict(columns, schema=schema)
    os.makedirs(directory, exist_ok=True)
    final = os.path.join(directory, name)
    tmp = final + ".tmp"
    pq.write_table(
        table,
        tmp,
        compression=None if compression == "none" else compression,
        # No writer-time metadata varies between runs: shards are byte-identical.
        write_statistics=True,
        row_group_size=10_000,
    )
    os.replace(tmp, final)
    return ShardInfo(
        name=name,
        rows=len(ordered),
        tokens=sum(int(r["token_count"]) for r in ordered),
        bytes=os.path.getsize(final),
        sha256=_sha256(final),
    )


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
