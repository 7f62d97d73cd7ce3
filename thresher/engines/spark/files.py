"""Parquet files written from executors: one file per partition, streamed, renamed into place.

Executors write straight to the run directory, so it must be a path every
executor sees (one machine, or a shared filesystem), as for the Beam runners.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

_BATCH_ROWS = 1_000


def partition_file(prefix: str, index: int) -> str:
    """``<prefix>-00007.parquet``: ``part-00007.parquet`` under a layout prefix ending in ``part``."""
    return f"{prefix}-{index:05d}.parquet"


class RowFile:
    """One Parquet file filled a batch of rows at a time; it appears under its name only when complete.

    Used as a context manager: a clean exit renames the file into place, an
    exception (or a generator closed early) throws it away. The temporary
    name is unique to this attempt, so a retried or speculative task never
    collides with another, and a recomputed partition rewrites the same file.
    With no rows there is no file, unless ``always``.
    """

    def __init__(self, path: str, schema: pa.Schema, *, always: bool = False) -> None:
        self.path = path
        self.schema = schema
        self.always = always
        self.rows = 0
        self._tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
        self._writer: pq.ParquetWriter | None = None
        self._batch: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self._batch.append(row)
        if len(self._batch) >= _BATCH_ROWS:
            self._flush()

    def __enter__(self) -> "RowFile":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._finish()
        else:
            self._discard()

    def _flush(self) -> None:
        if self._writer is None:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, self.schema)
        self._writer.write_table(pa.Table.from_pylist(self._batch, schema=self.schema))
        self.rows += len(self._batch)
        self._batch = []

    def _finish(self) -> None:
        try:
            if self._batch or (self.always and self._writer is None):
                self._flush()
            if self._writer is not None:
                self._writer.close()
                self._writer = None
                os.replace(self._tmp, self.path)
        finally:
            self._discard()

    def _discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if os.path.exists(self._tmp):
            os.remove(self._tmp)


def write_rows(rows: Iterable[dict[str, Any]], path: str, schema: pa.Schema, *, always: bool = False) -> int:
    """Stream ``rows`` into the Parquet file ``path`` (see :class:`RowFile`); the number written."""
    with RowFile(path, schema, always=always) as out:
        for row in rows:
            out.add(row)
    return out.rows


def partition_writer(
    prefix: str, schema: pa.Schema, to_row: Callable[[Any], dict[str, Any]]
) -> Callable[[int, Iterator[Any]], Iterator[int]]:
    """A ``mapPartitionsWithIndex`` function writing each partition to ``partition_file(prefix, index)``.

    Yields the partition's row count. Partition 0 always writes its file,
    empty or not, so the directory holds the schema even when no row exists.
    """

    def write(index: int, items: Iterator[Any]) -> Iterator[int]:
        rows = (to_row(item) for item in items)
        yield write_rows(rows, partition_file(prefix, index), schema, always=index == 0)

    return write


def iter_parquet_rows(
    path: str, columns: list[str] | None = None, batch_rows: int = _BATCH_ROWS
) -> Iterator[dict[str, Any]]:
    """The rows of one Parquet file as dicts, a batch at a time."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows, columns=columns):
        yield from batch.to_pylist()
