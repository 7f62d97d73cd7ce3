"""Collections on local disk for the in-process flow: bounded memory whatever a job's size.

A :class:`Spool` keeps its last :data:`SPOOL_CHUNK` elements (fewer when they come to more than
:data:`SPOOL_BYTES` pickled) in memory and the rest in a file of pickled chunks; it is read back as
often as needed, in the order it was written, so a job run on it gives what a job run on lists
gives. :func:`partitioned` splits ``(key, value)`` records into spools by key so that one grouping
holds one partition in memory at a time, not the collection; a group of more values than a chunk
holds is itself a spool, handed on sealed (:class:`SpooledValues`), so one large group (a shard's
documents) is not held whole either.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from typing import Any, Callable, Iterable, Iterator

#: Elements a spool holds in memory before it writes them to its file as one pickled chunk ...
SPOOL_CHUNK = 1024
#: ... or fewer, so that a chunk comes to about this many bytes pickled: rows of long documents
#: (a shard's, ~25 KB each) or whole groups would otherwise hold a corpus in memory 1,024 at a time.
SPOOL_BYTES = 4 * 1024 * 1024
#: What the spools of one :func:`partitioned` split may hold in memory together, shared between them.
PARTITIONS_BUFFER_BYTES = 32 * 1024 * 1024
#: Pickled bytes of a grouping's input per partition: what one grouping holds in memory at a time
#: (its Python objects take a few times this). Dedup alone, 4,500 -> 36,000 documents (BENCHMARKS.md
#: §9): 305 -> 321 MB at 8 MiB, 305 -> 344 at 16 MiB; 4 and 2 MiB gave no less than 8.
PARTITION_BYTES = 8 * 1024 * 1024


def _close_and_remove(file: Any, path: str) -> None:
    file.close()
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


class Spool:
    """A re-iterable, append-only collection whose elements beyond the last chunk live in a file."""

    def __init__(self, directory: str, items: Iterable[Any] = (), max_bytes: int | None = None) -> None:
        self._directory = directory
        self._max_bytes = max_bytes or SPOOL_BYTES
        #: Elements per chunk: set from the first element's pickled size, then from each chunk's.
        self._limit = 0
        self._buffer: list[Any] = []
        self._file: Any = None
        self._path = ""
        self._spilled = 0
        self._chunks = 0
        self._bytes = 0
        self.extend(items)

    def append(self, value: Any) -> None:
        if not self._limit:
            pickled = len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            self._limit = chunk_elements(pickled, 1, self._max_bytes)
        self._buffer.append(value)
        if len(self._buffer) >= self._limit:
            self._spill()

    def extend(self, values: Iterable[Any]) -> None:
        for value in values:
            self.append(value)

    def _spill(self) -> None:
        if self._file is None:
            fd, self._path = tempfile.mkstemp(dir=self._directory, suffix=".spool")
            self._file = os.fdopen(fd, "wb")
            # The file goes with the spool (and with the job's folder, whatever happens).
            weakref.finalize(self, _close_and_remove, self._file, self._path)
        data = pickle.dumps(self._buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        if self._buffer:
            self._limit = chunk_elements(len(data), len(self._buffer), self._max_bytes)
        self._spilled += len(self._buffer)
        self._chunks += 1
        self._bytes += len(data)
        self._buffer = []

    def __len__(self) -> int:
        return self._spilled + len(self._buffer)

    def seal(self) -> "SpooledValues":
        """Every element to the file; a small, picklable reader of them. The spool must outlive the
        reader (its file goes with it) and takes no more elements."""
        if self._buffer or self._file is None:
            self._spill()
        self._file.flush()
        return SpooledValues(self._path, self._chunks, len(self))

    def __iter__(self) -> Iterator[Any]:
        if self._file is not None:
            self._file.flush()
            yield from _read_chunks(self._path, self._chunks)
        yield from list(self._buffer)

    def pickled_bytes(self) -> int:
        """About how many bytes the elements take pickled (0 while none has gone to the file)."""
        if not self._spilled:
            return 0
        return self._bytes * len(self) // self._spilled


class SpooledValues:
    """A sealed spool's elements, read from its file as often as asked; pickles as the path and counts."""

    def __init__(self, path: str, chunks: int, length: int) -> None:
        self.path = path
        self.chunks = chunks
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[Any]:
        return _read_chunks(self.path, self.chunks)


def _read_chunks(path: str, chunks: int) -> Iterator[Any]:
    """The elements of the first ``chunks`` pickled chunks of a spool's file, in order."""
    with open(path, "rb") as f:
        for _ in range(chunks):
            yield from pickle.load(f)


def chunk_elements(pickled_bytes: int, elements: int, max_bytes: int | None = None) -> int:
    """Elements to hold in memory at a time, of a kind that takes ``pickled_bytes`` per ``elements``:
    :data:`SPOOL_CHUNK`, or fewer so that they come to about ``max_bytes`` (:data:`SPOOL_BYTES`) pickled."""
    budget = max_bytes or SPOOL_BYTES
    return max(1, min(SPOOL_CHUNK, budget * elements // max(1, pickled_bytes)))


def partition_count(pickled_bytes: int) -> int:
    """Partitions for a grouping of about ``pickled_bytes``: each at most :data:`PARTITION_BYTES`."""
    return max(1, -(-pickled_bytes // PARTITION_BYTES))


def partitioned(directory: str, records: Iterable[Any], parts: int, key: Callable[[Any], Any]) -> list[Spool]:
    """``records`` in ``parts`` spools by ``hash(key(record))``: equal keys meet in one partition.

    Python's ``hash`` is enough here: partitions are made and read in this one process, and no
    output depends on which partition a key went to (the groups, not their order, are the result).
    """
    share = max(64 * 1024, PARTITIONS_BUFFER_BYTES // parts)  # memory does not grow with the partitions
    spools = [Spool(directory, max_bytes=share) for _ in range(parts)]
    for record in records:
        spools[hash(key(record)) % parts].append(record)
    return spools
