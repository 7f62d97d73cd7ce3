"""The driver's allocators, set so that memory it frees goes back to the system (issue 19).

A local runner's driver runs the small jobs itself (:mod:`thresher.engines.inprocess`): dedup,
the tokenizer's training read, the one shard writer. Each holds a bounded batch at a time, but the
allocators kept what earlier batches freed, so the driver's peak RSS grew with the number of
batches, that is with the corpus (measured in BENCHMARKS.md §9: 1.6x from 1x to 8x the input):

* glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), after which
  large temporary buffers (numpy's signing arrays, Arrow's when it uses malloc) come from the heap
  and fragment it instead of being unmapped; and every thread that allocates (the tokenizer's Rust
  threads, Arrow's pools) may get an arena of its own, each keeping its free memory;
* pyarrow's default pool (mimalloc, or jemalloc) keeps freed pages for reuse.

A fixed mmap threshold, two arenas and Arrow on the system allocator undo that; freed heap memory
is also handed back between phases (:func:`release_freed`). None of this changes any output byte.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from typing import Any

#: glibc's ``mallopt`` parameters (malloc.h).
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: Blocks from this size on are mmapped, and unmapped when freed: glibc's initial threshold, fixed.
MMAP_THRESHOLD = 128 * 1024
#: Arenas for every thread together (glibc's default is 8 per core).
ARENA_MAX = 2

_applied = False


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018 - absent on musl: then nothing is set
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def bound_allocators() -> None:
    """Set this process's allocators to give freed memory back (once; a no-op off glibc for malloc)."""
    global _applied
    if _applied:
        return
    _applied = True
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(_M_ARENA_MAX, ARENA_MAX)
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def release_freed() -> None:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``), e.g. between phases."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def parquet_batches(path: str, batch_size: int, columns: list[str] | None = None) -> Iterator[Any]:
    """A Parquet file's record batches, read as they are consumed: memory holds one batch, not the file.

    Arrow pre-buffers a local file by default: iterating a file's batches then caches every row
    group's column chunks it will read, and keeps them until the iteration ends, so a reader's peak
    grew with the file, that is with the corpus (a small run's dedup writes one document file).
    Measured on that file at 8x the memory benchmark's input, 20 batches of 256 rows: RSS 92 MB
    without pre-buffering, 125 MB and growing with it. Files on a store already go without it
    (:func:`thresher.io.storage.open_parquet`).
    """
    import pyarrow.parquet as pq

    from thresher.io import storage

    if storage.is_url(path):
        parquet = storage.open_parquet(path)
    else:
        parquet = pq.ParquetFile(path.removeprefix("file://"), pre_buffer=False)
    yield from parquet.iter_batches(batch_size=batch_size, columns=columns)
