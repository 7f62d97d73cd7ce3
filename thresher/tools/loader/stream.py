"""One epoch's token stream, read lazily a Parquet row group at a time.

Order of the stream for (seed, epoch), when shuffling:

1. shards in ``permutation(num_shards, mix_key(seed, epoch))`` order (positions
   in the manifest's ``shards`` list, which is sorted by name);
2. inside shard ``s``, its row groups in ``permutation(row_groups, mix_key(seed, epoch, s))`` order;
3. inside row group ``g``, its documents in ``permutation(rows, mix_key(seed, epoch, s, g))`` order.

Without shuffling it is shards by name, rows in file order (sorted by id).
Shuffling by row group keeps memory to one row group (``write_shard`` uses
10,000 rows) while still mixing documents of a shard.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from thresher.errors import ThresherError
from thresher.tools.loader.order import maybe_permutation
from thresher.tools.loader.run import Run


class EpochLayout:
    """Where each shard starts in one epoch's stream; needs only the manifest."""

    def __init__(self, run: Run, *, seed: int, epoch: int, shuffle: bool) -> None:
        self.run = run
        self.seed = seed
        self.epoch = epoch
        self.shuffle = shuffle
        self.shard_order = maybe_permutation(len(run.shards), shuffle, seed, epoch)
        tokens = np.array([run.shards[i].tokens for i in self.shard_order], dtype=np.int64)
        self.shard_starts = np.concatenate([[0], np.cumsum(tokens)]).astype(np.int64)

    @property
    def total_tokens(self) -> int:
        return int(self.shard_starts[-1])

    def iter_tokens(self, start: int, stop: int) -> Iterator[np.ndarray]:
        """Arrays (uint32) whose concatenation is ``stream[start:stop]``."""
        if start >= stop:
            return
        position = int(np.searchsorted(self.shard_starts, start, side="right")) - 1
        while position < len(self.shard_order) and self.shard_starts[position] < stop:
            shard = int(self.shard_order[position])
            base = int(self.shard_starts[position])
            if self.shard_starts[position + 1] > start:
                yield from self._iter_shard(shard, base, start, stop)
            position += 1

    def _iter_shard(self, shard: int, base: int, start: int, stop: int) -> Iterator[np.ndarray]:
        reader = ShardTokens(self.run, shard)
        groups = maybe_permutation(reader.num_row_groups, self.shuffle, self.seed, self.epoch, shard)
        group_starts = base + np.concatenate([[0], np.cumsum(reader.row_group_tokens[groups])])
        for i, group in enumerate(groups):
            lo, hi = int(group_starts[i]), int(group_starts[i + 1])
            if hi <= start:
                continue
            if lo >= stop:
                return
            lengths, flat = reader.read_row_group(int(group))
            order = maybe_permutation(len(lengths), self.shuffle, self.seed, self.epoch, shard, int(group))
            tokens = gather_documents(flat, lengths, order) if self.shuffle else flat
            yield tokens[max(start, lo) - lo : min(stop, hi) - lo]


class ShardTokens:
    """Token ids of one shard by row group, checked against the manifest as they are read."""

    def __init__(self, run: Run, position: int) -> None:
        self.entry = run.shards[position]
        self.file: pq.ParquetFile = run.open_shard(self.entry.name)
        self.num_row_groups = self.file.metadata.num_row_groups
        counts = self.file.read(columns=["token_count"]).column("token_count").to_numpy()
        rows_per_group = [self.file.metadata.row_group(g).num_rows for g in range(self.num_row_groups)]
        bounds = np.concatenate([[0], np.cumsum(rows_per_group)]).astype(np.int64)
        sums = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
        self.row_group_tokens = (sums[bounds[1:]] - sums[bounds[:-1]]).astype(np.int64)
        self._counts = counts
        self._bounds = bounds
        if int(sums[-1]) != self.entry.tokens:
            # The stream's layout comes from the manifest; a mismatch would shift every sequence.
            raise ThresherError(
                f"{self.entry.name}: token_count sums to {int(sums[-1])} but the manifest says "
                f"{self.entry.tokens}; run `thresher inspect validate`"
            )

    def read_row_group(self, group: int) -> tuple[np.ndarray, np.ndarray]:
        """(document lengths, all token ids of the row group back to back)."""
        column = self.file.read_row_group(group, columns=["token_ids"]).column("token_ids")
        lengths, flat = flatten_token_lists(column)
        expected = self._counts[self._bounds[group] : self._bounds[group + 1]]
        if not np.array_equal(lengths, expected):
            raise ThresherError(
                f"{self.entry.name}: token_count disagrees with len(token_ids) in row group {group}; "
                "run `thresher inspect validate`"
            )
        return lengths, flat


def flatten_token_lists(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Per-document lengths (int64) and the concatenated ids (uint32) of a ``list<uint32>`` column."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    lengths = array.value_lengths().to_numpy(zero_copy_only=False).astype(np.int64)
    flat = array.flatten().to_numpy(zero_copy_only=False)
    return lengths, flat


def gather_documents(flat: np.ndarray, lengths: np.ndarray, order: np.ndarray) -> np.ndarray:
    """The documents of ``flat`` re-laid in ``order``, without a Python loop per document."""
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    picked_lengths = lengths[order]
    picked_starts = starts[order]
    out_starts = np.cumsum(picked_lengths) - picked_lengths
    total = int(picked_lengths.sum())
    index = np.repeat(picked_starts - out_starts, picked_lengths) + np.arange(total, dtype=np.int64)
    return flat[index]
