"""Parquet shards: the schema, deterministic assignment and sizing, bounded-memory atomic writes."""

from __future__ import annotations

import hashlib
import heapq
import math
import os
import sys
import shutil
import tempfile
import uuid
from array import array
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xxhash

from thresher.io import storage

SCHEMA_VERSION = 1

#: A shard's row group ends at this many rows, or at the row that brings its rows' size
#: (:func:`row_group_bytes`) to this many bytes, whichever comes first: the writer holds one
#: row group in memory, so long documents must not make it large (a writer detail, not part
#: of the contract; the boundaries depend only on the sorted rows, so shards stay byte-identical).
#: 4 MiB, not 16: a group is encoded whole (dictionary-encoded pages wait for their dictionary), and
#: a small run's shard (~9 MB of payload at 1x of the memory benchmark) never filled a 16 MiB group
#: while a larger one's did, so the writer's peak grew with the corpus (issue 19: merge peak +62 MB
#: at 1x, +149 MB at 8x; with 4 MiB, +38 and +39 over what the merge starts from).
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 4 * 1024 * 1024

#: A :class:`ShardWriter` sorts and spills its buffer to a temporary run file when it holds
#: this many rows, or this many payload bytes (:func:`row_payload_bytes`), whichever comes first.
SPILL_ROWS = 50_000
SPILL_BYTES = 32 * 1024 * 1024
#: At most this many run files are merged at once (each holds one read batch in memory);
#: more runs are first merged in groups into longer runs.
MERGE_FAN_IN = 16
#: A run file's row group ends at this many rows, or at the row that brings it to this many payload
#: bytes; a merge holds one row group of each run it reads. Bounded by bytes too, so that merging
#: many runs of long documents holds little (issue 19: a local runner's driver merges the one writer's
#: runs, and its memory must not grow with the corpus). Run files never reach a shard as they are.
RUN_BATCH_ROWS = 100
RUN_BATCH_BYTES = 256 * 1024

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
_TOKEN_LIST = pa.list_(pa.uint32())

#: Columns whose values the payload measure counts by UTF-8 length.
_STRING_COLUMNS = ("id", "url", "crawl_date", "source", "language")
#: Fixed-width columns and their width in bytes: offset int64, language_score float32, token_count int32.
_FIXED_BYTES = 8 + 4 + 4


#: With ``dedup.minhash.keep_cluster_size``: how many documents the kept one's near-duplicate cluster
#: held (itself included; 1 when it had none). FineWeb-2 upsamples by it.
CLUSTER_SIZE = "minhash_cluster_size"
_CLUSTER_SIZE_FIELD = pa.field(CLUSTER_SIZE, pa.int32(), nullable=False)


def shard_schema(keep_text: bool, cluster_size: bool = False, kept_fields: Sequence[pa.Field] = ()) -> pa.Schema:
    """The shards' schema; kept input columns (``input.keep_fields``, nullable, their own types) come last."""
    fields = list(_BASE_FIELDS)
    if keep_text:
        fields.insert(5, _TEXT_FIELD)
    if cluster_size:
        fields.insert(fields.index(_BASE_FIELDS[6]) + 1, _CLUSTER_SIZE_FIELD)  # after language_score
    fields.extend(f.with_nullable(True) for f in kept_fields)
    return pa.schema(fields, metadata={b"thresher.schema_version": str(SCHEMA_VERSION).encode()})


def shard_count(
    total_tokens: int, target_tokens: int, total_bytes: int = 0, target_bytes: int | None = None
) -> int:
    """Shards planned: the larger of what the token target and the (optional) byte target ask for."""
    by_tokens = math.ceil(total_tokens / target_tokens)
    by_bytes = math.ceil(total_bytes / target_bytes) if target_bytes else 0
    return max(1, by_tokens, by_bytes)


def _utf8_len(text: str) -> int:
    # isascii() is a flag check in CPython: most fields are ASCII and skip the encode.
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _value_bytes(value: Any) -> int:
    """A kept input value's uncompressed size: UTF-8 or byte length, 8 for a number, else its ``repr``'s length."""
    if value is None:
        return 0
    if isinstance(value, str):
        return _utf8_len(value)
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, (bool, int, float)):
        return 8
    return len(repr(value))


def row_payload_bytes(row: Mapping[str, Any], keep_text: bool, kept: Sequence[str] = ()) -> int:
    """The bytes a row's values occupy uncompressed: the measure ``output.shard_target_bytes`` targets.

    UTF-8 length of ``id``, ``url``, ``crawl_date``, ``source``, ``language`` (0 when null) and,
    with ``keep_text``, ``text``; 8 for ``offset``, 4 for ``language_score``, 4 for
    ``token_count``; 4 per token id; each kept input column's value (``kept``) by
    :func:`_value_bytes`. A function of the row alone, known before any shard
    is written, and the same on every engine.
    """
    size = _FIXED_BYTES + 4 * int(row["token_count"]) + (4 if CLUSTER_SIZE in row else 0)
    for column in _STRING_COLUMNS:
        value = row.get(column)
        if value is not None:
            size += _utf8_len(value)
    if keep_text:
        size += _utf8_len(row["text"])
    for name in kept:
        size += _value_bytes(row.get(name))
    return size


def pack_token_ids(ids: Any) -> bytes:
    """Token ids as little-endian uint32 bytes: 4 bytes a token where a list of ints takes ~36.

    Accepts the packed bytes themselves, a sequence of ints or a numpy array; a negative or
    too large id raises ``OverflowError``.
    """
    if isinstance(ids, bytes):
        if len(ids) % 4:
            raise ValueError(f"packed token ids must be a multiple of 4 bytes, got {len(ids)}")
        return ids
    if isinstance(ids, np.ndarray):
        if ids.size and (ids.min() < 0 or ids.max() > 0xFFFFFFFF):
            raise OverflowError("token id out of the uint32 range")
        return ids.astype("<u4", copy=False).tobytes()
    packed = array("I", ids)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack_token_ids(packed: bytes) -> np.ndarray:
    """The inverse of :func:`pack_token_ids`: a read-only uint32 array over the bytes."""
    return np.frombuffer(packed, dtype="<u4")


_HEX_DIGITS = frozenset("0123456789abcdef")


def shard_index(doc_id: str, num_shards: int, shuffle_seed: int | None = None) -> int:
    """Which shard a document goes to: a function of its id and the seed.

    Without a seed, an id that starts with 16 hex digits (the ids Thresher derives are hashes)
    goes by those digits; any other id (one the input gave, ``input.id_field``) by its xxh3 hash.
    """
    if shuffle_seed is None:
        head = doc_id[:16]
        if len(head) == 16 and _HEX_DIGITS.issuperset(head):
            return int(head, 16) % num_shards
        return xxhash.xxh3_64_intdigest(doc_id.encode("utf-8", "surrogatepass")) % num_shards
    return xxhash.xxh3_64_intdigest(f"{shuffle_seed}:{doc_id}".encode("utf-8", "surrogatepass")) % num_shards


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
    #: :func:`row_payload_bytes` summed over the shard's rows (None when not measured).
    payload_bytes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        entry = asdict(self)
        if self.payload_bytes is None:
            del entry["payload_bytes"]
        return entry


# A buffered row: (order key, the schema's values in column order, token ids packed last).
_Buffered = tuple[str, tuple[Any, ...], int]


class ShardWriter:
    """Writes one shard from rows that arrive one at a time, in any order, in bounded memory.

    Rows are buffered until ``spill_rows`` rows or ``spill_bytes`` payload bytes
    (:func:`row_payload_bytes`), then sorted by :func:`row_order_key` and spilled to a
    temporary run file beside the shard. :meth:`close` k-way merges the runs (at most
    ``merge_fan_in`` open at once) into row groups of :data:`ROW_GROUP_ROWS` rows, writes
    the shard under a temporary name and renames it. A shard that never spilled is written
    straight from the sorted buffer. The file's bytes depend only on the set of rows, never
    on their arrival order or the spill settings. Temporary files go on success and on error
    (use the writer as a context manager, or call :meth:`abort`).
    """

    def __init__(
        self,
        directory: str,
        name: str,
        *,
        keep_text: bool,
        compression: str = "zstd",
        shuffle_seed: int | None = None,
        cluster_size: bool = False,
        kept_fields: Sequence[pa.Field] = (),
        spill_rows: int = SPILL_ROWS,
        spill_bytes: int = SPILL_BYTES,
        merge_fan_in: int = MERGE_FAN_IN,
    ) -> None:
        if spill_rows < 1 or spill_bytes < 1 or merge_fan_in < 2:
            raise ValueError("spill_rows and spill_bytes must be positive, merge_fan_in at least 2")
        self.directory = directory
        self.name = name
        self.keep_text = keep_text
        self.compression = None if compression == "none" else compression
        self.shuffle_seed = shuffle_seed
        self.spill_rows = spill_rows
        self.spill_bytes = spill_bytes
        self.merge_fan_in = merge_fan_in
        self.schema = shard_schema(keep_text, cluster_size, kept_fields)
        self.kept = tuple(f.name for f in kept_fields)
        self._columns = [f.name for f in self.schema if f.name != "token_ids"]
        self.rows = 0
        self.tokens = 0
        self.payload_bytes = 0
        #: Documents and tokens per language (``unknown`` for a null language).
        self.languages: dict[str, Counter] = {}
        #: The most rows the buffer held at once (what bounds the writer's memory).
        self.peak_buffered_rows = 0
        self._buffer: list[_Buffered] = []
        self._buffered_bytes = 0
        self._runs: list[str] = []
        self._run_serial = 0
        self._token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._closed = False
        # Spill runs are local files: beside the shard on local disk, in a temporary directory when
        # the shard goes to an object store.
        self._spill_dir = tempfile.mkdtemp(prefix="thresher-shard-") if storage.is_url(directory) else directory
        if not storage.is_url(directory):
            os.makedirs(directory, exist_ok=True)

    # -- input -----------------------------------------------------------------------------

    def add(self, row: Mapping[str, Any]) -> None:
        """Buffer one row; ``token_ids`` may be a list of ints, a numpy array or packed bytes."""
        if self._closed:
            raise ValueError("the shard writer is closed")
        packed = pack_token_ids(row["token_ids"])
        # token_count is written as given (``thresher inspect validate`` checks it against the ids).
        count = int(row["token_count"])
        values = (*(row.get(column) for column in self._columns), packed)
        text_bytes = _utf8_len(row["text"]) if self.keep_text else 0
        self._buffer.append((row_order_key(row["id"], self.shuffle_seed), values, len(packed) + text_bytes))
        payload = row_payload_bytes(row, self.keep_text, self.kept)
        self._buffered_bytes += payload
        self.payload_bytes += payload
        self.rows += 1
        self.tokens += count
        language = row.get("language") or "unknown"
        per = self.languages.get(language)
        if per is None:
            per = self.languages[language] = Counter()
        per["documents"] += 1
        per["tokens"] += count
        if len(self._buffer) > self.peak_buffered_rows:
            self.peak_buffered_rows = len(self._buffer)
        if len(self._buffer) >= self.spill_rows or self._buffered_bytes >= self.spill_bytes:
            self._spill()

    def add_all(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.add(row)

    # -- output ----------------------------------------------------------------------------

    def close(self) -> ShardInfo:
        """Merge, write and commit the shard (:func:`thresher.io.storage.atomic_write`); its :class:`ShardInfo`."""
        if self._closed:
            raise ValueError("the shard writer is closed")
        try:
            with storage.atomic_write(storage.join(self.directory, self.name)) as raw:
                sink = _CountingSink(raw)
                with pq.ParquetWriter(
                    sink,
                    self.schema,
                    compression=self.compression,
                    # No writer-time metadata varies between runs: shards are byte-identical.
                    write_statistics=True,
                ) as writer:
                    if self._runs:
                        self._spill()
                        self._write_merged(writer)
                    elif self._buffer:
                        rows, sizes = self._sorted_buffer()
                        for start, end in row_groups(sizes, ROW_GROUP_ROWS, ROW_GROUP_BYTES):
                            _write_row_group(writer, self._table(rows[start:end]))
                    else:
                        # One empty row group, as pq.write_table writes for an empty table.
                        writer.write_table(self.schema.empty_table())
        finally:
            self._discard()
        return ShardInfo(name=self.name, rows=self.rows, tokens=self.tokens, bytes=sink.size,
                         sha256=sink.sha256.hexdigest(), payload_bytes=self.payload_bytes)

    def abort(self) -> None:
        """Drop everything buffered and every temporary file; the shard is not written."""
        self._discard()

    def __enter__(self) -> "ShardWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._closed:
            self.abort()

    # -- internals -------------------------------------------------------------------------

    def _discard(self) -> None:
        self._closed = True
        self._buffer = []
        for path in self._runs:
            _remove(path)
        self._runs = []
        if self._spill_dir != self.directory:
            shutil.rmtree(self._spill_dir, ignore_errors=True)

    def _temp_path(self, kind: str) -> str:
        # Unique per writer: a retried or speculative task writing the same shard never collides.
        return os.path.join(self._spill_dir, f".{self.name}.{self._token}.{kind}")

    def _sorted_buffer(self) -> tuple[list[tuple[Any, ...]], list[int]]:
        """The buffered rows in key order, and each one's size for :func:`row_groups`; empties the buffer."""
        self._buffer.sort(key=_order_key)
        ordered = [values for _key, values, _size in self._buffer]
        sizes = [size for _key, _values, size in self._buffer]
        self._buffer = []
        self._buffered_bytes = 0
        return ordered, sizes

    def _table(self, rows: Sequence[tuple[Any, ...]]) -> pa.Table:
        """Columns from buffered rows; the token list from offsets over one packed buffer."""
        arrays = []
        for position, field in enumerate(self.schema):
            if field.name == "token_ids":
                packed = [row[-1] for row in rows]
                lengths = np.fromiter((len(p) // 4 for p in packed), dtype=np.int32, count=len(packed))
                offsets = np.zeros(len(packed) + 1, dtype=np.int32)
                np.cumsum(lengths, out=offsets[1:])
                values = pa.array(unpack_token_ids(b"".join(packed)), type=pa.uint32())
                arrays.append(pa.ListArray.from_arrays(pa.array(offsets), values, type=_TOKEN_LIST))
            else:
                index = self._columns.index(field.name)
                arrays.append(pa.array([row[index] for row in rows], type=field.type))
        return pa.Table.from_arrays(arrays, schema=self.schema)

    def _spill(self) -> None:
        if not self._buffer:
            return
        path = self._temp_path(f"run-{self._run_serial:05d}")
        self._run_serial += 1
        self._runs.append(path)
        with pq.ParquetWriter(path, self.schema, compression="lz4") as writer:
            rows, sizes = self._sorted_buffer()
            for start, end in row_groups(sizes, RUN_BATCH_ROWS, RUN_BATCH_BYTES):
                writer.write_table(self._table(rows[start:end]))

    def _write_merged(self, writer: pq.ParquetWriter) -> None:
        # More runs than the fan-in: merge groups of them into longer runs first, so the
        # number of batches held at once never grows with the input.
        while len(self._runs) > self.merge_fan_in:
            group, self._runs = self._runs[: self.merge_fan_in], self._runs[self.merge_fan_in :]
            path = self._temp_path(f"run-{self._run_serial:05d}")
            self._run_serial += 1
            self._runs.append(path)
            with pq.ParquetWriter(path, self.schema, compression="lz4") as run_writer:
                for table in self._merge(group, RUN_BATCH_ROWS, RUN_BATCH_BYTES):
                    run_writer.write_table(table)
            for done in group:
                _remove(done)
        for table in self._merge(self._runs, ROW_GROUP_ROWS, ROW_GROUP_BYTES):
            _write_row_group(writer, table)

    def _merge(self, runs: Sequence[str], max_rows: int, max_bytes: int | None) -> Iterator[pa.Table]:
        """The rows of sorted ``runs`` in key order, as tables cut as :func:`row_groups` cuts them."""
        streams = [self._run_rows(number, path) for number, path in enumerate(runs)]
        pending: list[tuple[pa.RecordBatch, int]] = []
        pending_bytes = 0
        # Items are (key, run number, row, batch, size): keys and run numbers decide every comparison.
        for _key, _run, row, batch, size in heapq.merge(*streams):
            pending.append((batch, row))
            pending_bytes += size
            if len(pending) == max_rows or (max_bytes is not None and pending_bytes >= max_bytes):
                yield self._gather(pending)
                pending, pending_bytes = [], 0
        if pending:
            yield self._gather(pending)

    def _run_rows(self, number: int, path: str) -> Iterator[tuple[str, int, int, pa.RecordBatch, int]]:
        seed = self.shuffle_seed
        run = pq.ParquetFile(path)
        for group in range(run.num_row_groups):  # one row group at a time: bounded by RUN_BATCH_BYTES
            batch = run.read_row_group(group).combine_chunks().to_batches()[0]
            sizes = _batch_row_sizes(batch, self.keep_text)
            for row, doc_id in enumerate(batch.column("id").to_pylist()):
                yield row_order_key(doc_id, seed), number, row, batch, sizes[row]

    def _gather(self, picks: list[tuple[pa.RecordBatch, int]]) -> pa.Table:
        """One table of the picked rows, in pick order."""
        batches: list[pa.RecordBatch] = []
        start: dict[int, int] = {}
        indices = []
        total = 0
        for batch, row in picks:
            base = start.get(id(batch))
            if base is None:
                base = start[id(batch)] = total
                batches.append(batch)
                total += batch.num_rows
            indices.append(base + row)
        table = pa.Table.from_batches(batches).take(pa.array(indices, type=pa.int64()))
        return pa.Table.from_arrays(table.columns, schema=self.schema)


def _order_key(item: _Buffered) -> str:
    return item[0]


def row_groups(sizes: Sequence[int], max_rows: int, max_bytes: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each row group over rows of these sizes (4 bytes per token, plus the
    text's UTF-8 bytes when kept): a group ends at ``max_rows`` rows or at the row that brings
    it to ``max_bytes``. A function of the sorted rows alone, so every engine cuts alike."""
    start = total = 0
    for index, size in enumerate(sizes):
        total += size
        if index + 1 - start == max_rows or total >= max_bytes:
            yield start, index + 1
            start, total = index + 1, 0
    if start < len(sizes):
        yield start, len(sizes)


def _batch_row_sizes(batch: pa.RecordBatch, keep_text: bool) -> list[int]:
    """:func:`row_groups`' size of each row of a run file's batch (the same measure as the buffer's)."""
    sizes = pc.multiply(pc.list_value_length(batch.column("token_ids")).cast(pa.int64()), 4)
    if keep_text:
        sizes = pc.add(sizes, pc.binary_length(batch.column("text")).cast(pa.int64()))
    return sizes.to_pylist()


def _write_row_group(writer: pq.ParquetWriter, table: pa.Table) -> None:
    # One contiguous chunk per column: the writer's page boundaries follow its internal
    # batches within a chunk, so chunking would otherwise change the bytes.
    writer.write_table(table.combine_chunks(), row_group_size=ROW_GROUP_ROWS)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def write_shard(
    rows: Iterable[Mapping[str, Any]],
    directory: str,
    name: str,
    *,
    keep_text: bool,
    compression: str = "zstd",
    shuffle_seed: int | None = None,
) -> ShardInfo:
    """Write rows sorted by :func:`row_order_key` to ``directory/name`` (a :class:`ShardWriter`).

    Temp name first, then rename: a reader never sees a half-written shard under its final name.
    """
    with ShardWriter(directory, name, keep_text=keep_text, compression=compression,
                     shuffle_seed=shuffle_seed) as writer:
        writer.add_all(rows)
        return writer.close()


class _CountingSink:
    """A binary file object that passes writes on, counting bytes and hashing them (the shard's size and sha256)."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.size = 0
        self.sha256 = hashlib.sha256()
        self.closed = False

    def write(self, data) -> int:
        data = bytes(data)
        self.raw.write(data)
        self.size += len(data)
        self.sha256.update(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.closed = True  # the caller commits the file underneath

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False
