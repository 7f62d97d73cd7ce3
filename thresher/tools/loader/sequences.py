"""``SequenceLoader``: fixed-length training sequences from a run's shards, per rank, resumable."""

from __future__ import annotations

import hashlib
from typing import Any, Iterator

import numpy as np

from thresher.errors import ThresherError
from thresher.tools.loader.partition import full_sequences, rank_range
from thresher.tools.loader.run import Run, open_run, require_supported_schema
from thresher.tools.loader.stream import EpochLayout

STATE_FORMAT = "thresher.tools.loader/1"
# Keys of the state that must match on resume: anything else would silently
# yield different sequences than the interrupted job would have.
_PINNED = ("seq_len", "rank", "world_size", "seed", "shuffle", "drop_remainder", "corpus")


class SequenceLoader:
    """Iterate ``seq_len + 1``-token numpy arrays for one rank (see ``thresher.tools.loader.partition``).

    Iterating continues from the current position: after a ``break``, the next
    ``iter()`` (or a new loader given ``state_dict()``) yields the very next
    sequence. ``epochs=None`` iterates forever, a new shuffle every epoch.
    """

    def __init__(
        self,
        run: str | Run,
        seq_len: int,
        *,
        rank: int = 0,
        world_size: int = 1,
        seed: int = 0,
        shuffle: bool = True,
        epochs: int | None = 1,
        drop_remainder: bool = False,
        dtype: np.dtype | type | str | None = None,
    ) -> None:
        self.run = run if isinstance(run, Run) else open_run(run)
        require_supported_schema(self.run)
        self.seq_len = int(seq_len)
        self.rank, self.world_size = int(rank), int(world_size)
        self.seed = int(seed)
        self.shuffle = bool(shuffle)
        self.epochs = epochs
        self.drop_remainder = bool(drop_remainder)
        # uint16 when the vocabulary allows: half the memory, and what nanoGPT-style stacks expect.
        self.dtype = np.dtype(dtype) if dtype is not None else self.run.token_dtype()
        _check_dtype_holds_vocabulary(self.dtype, self.run.vocab_size)
        self.total_tokens = self.run.total_tokens
        self.global_sequences = full_sequences(self.total_tokens, self.seq_len)
        self.sequences = rank_range(
            self.global_sequences, self.rank, self.world_size, drop_remainder=self.drop_remainder
        )
        self.corpus = corpus_fingerprint(self.run)
        self._epoch = 0
        self._next = 0

    def __len__(self) -> int:
        """Sequences this rank yields per epoch."""
        return len(self.sequences)

    def __iter__(self) -> Iterator[np.ndarray]:
        while self.epochs is None or self._epoch < self.epochs:
            yield from self._iter_epoch()
            self._epoch += 1
            self._next = 0

    def set_epoch(self, epoch: int) -> None:
        """Start ``epoch`` from its first sequence (like ``DistributedSampler.set_epoch``)."""
        self._epoch, self._next = int(epoch), 0

    def state_dict(self) -> dict[str, Any]:
        epoch, sequence = self._epoch, self._next
        if sequence >= len(self.sequences) and len(self.sequences) > 0:
            epoch, sequence = epoch + 1, 0
        return {
            "format": STATE_FORMAT,
            "epoch": epoch,
            "sequence": sequence,
            "seq_len": self.seq_len,
            "rank": self.rank,
            "world_size": self.world_size,
            "seed": self.seed,
            "shuffle": self.shuffle,
            "drop_remainder": self.drop_remainder,
            "corpus": self.corpus,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state.get("format") != STATE_FORMAT:
            raise ThresherError(f"loader state: format {state.get('format')!r}, expected {STATE_FORMAT!r}")
        mine = self.state_dict()
        for key in _PINNED:
            if state.get(key) != mine[key]:
                raise ThresherError(
                    f"loader state: {key} was {state.get(key)!r}, this loader has {mine[key]!r}; "
                    "resuming would not continue the same sequence stream"
                )
        epoch, sequence = int(state["epoch"]), int(state["sequence"])
        if not 0 <= sequence <= len(self.sequences):
            raise ThresherError(f"loader state: sequence {sequence} is outside [0, {len(self.sequences)}]")
        self._epoch, self._next = epoch, sequence

    def _iter_epoch(self) -> Iterator[np.ndarray]:
        remaining = len(self.sequences) - self._next
        if remaining <= 0:
            return
        length = self.seq_len
        first = self.sequences.start + self._next
        layout = EpochLayout(self.run, seed=self.seed, epoch=self._epoch, shuffle=self.shuffle)
        start = first * length
        stop = (first + remaining) * length + 1
        pending = np.empty(0, dtype=np.uint32)
        for chunk in layout.iter_tokens(start, stop):
            pending = np.concatenate([pending, chunk]) if len(pending) else chunk
            offset = 0
            while len(pending) - offset >= length + 1:
                window = pending[offset : offset + length + 1].astype(self.dtype, copy=True)
                offset += length
                # The position moves before the yield: a consumer that stops after
                # taking this sequence resumes at the next one.
                self._next += 1
                yield window
            pending = pending[offset:]
        if self._next < len(self.sequences):
            raise ThresherError(
                f"{self.run.location}: the shards ended {len(self.sequences) - self._next} sequences "
                "early; they hold fewer tokens than the manifest says"
            )


def _check_dtype_holds_vocabulary(dtype: np.dtype, vocab_size: int) -> None:
    if dtype.kind not in "iu" or np.iinfo(dtype).max < vocab_size - 1:
        raise ThresherError(f"dtype {dtype} cannot hold every token id of a {vocab_size}-token vocabulary")


def corpus_fingerprint(run: Run) -> str:
    """A short hash of the shards' checksums: a state saved on other shards is refused."""
    digest = hashlib.sha256()
    for shard in run.shards:
        digest.update(f"{shard.name}:{shard.sha256}\n".encode())
    return digest.hexdigest()[:16]
