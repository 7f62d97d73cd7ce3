"""How the global stream of training sequences is cut, and split between ranks.

The stream of one epoch is every document's tokens (EOS already last in each)
laid end to end, ``T`` tokens. Sequence ``i`` is ``stream[i*L : i*L + L + 1]``:
``L + 1`` tokens, consecutive sequences sharing one token, so every token after
the first is a prediction target exactly once (``x = s[:-1]``, ``y = s[1:]``).
There are ``N = (T - 1) // L`` full sequences; the tail shorter than ``L + 1``
is not yielded.

Rank ``r`` of ``W`` gets one contiguous block of sequence indices; the first
``N % W`` ranks get one sequence more. Contiguous blocks (not ``i mod W``) mean
each rank reads only the shards its block touches, not all of them.
"""

from __future__ import annotations

from thresher.errors import ThresherError


def full_sequences(total_tokens: int, seq_len: int) -> int:
    """``N``: how many ``seq_len + 1``-token windows with stride ``seq_len`` fit in the stream."""
    if seq_len < 1:
        raise ThresherError(f"seq_len must be at least 1, got {seq_len}")
    return max(0, (total_tokens - 1) // seq_len)


def rank_range(num_sequences: int, rank: int, world_size: int, *, drop_remainder: bool = False) -> range:
    """The global sequence indices that ``rank`` of ``world_size`` yields.

    Without ``drop_remainder`` the ranges of all ranks tile ``range(num_sequences)``
    exactly. With it every rank gets ``num_sequences // world_size`` (equal step
    counts, which DDP needs) and the last ``num_sequences % world_size``
    sequences of the epoch are yielded by no rank.
    """
    check_rank(rank, world_size)
    base, extra = divmod(num_sequences, world_size)
    if drop_remainder:
        return range(rank * base, (rank + 1) * base)
    start = rank * base + min(rank, extra)
    return range(start, start + base + (1 if rank < extra else 0))


def check_rank(rank: int, world_size: int) -> None:
    if world_size < 1:
        raise ThresherError(f"world_size must be at least 1, got {world_size}")
    if not 0 <= rank < world_size:
        raise ThresherError(f"rank must be in [0, {world_size}), got {rank}")


def worker_rank(rank: int, world_size: int, worker_id: int, num_workers: int) -> tuple[int, int]:
    """Flatten (rank, data-loader worker) into one rank of ``world_size * num_workers``.

    Every (rank, worker) pair then owns a disjoint block, and together they still
    cover every sequence once.
    """
    check_rank(rank, world_size)
    check_rank(worker_id, num_workers)
    return rank * num_workers + worker_id, world_size * num_workers
