"""A PyTorch ``IterableDataset`` over ``SequenceLoader``; import it only where torch is installed.

Each DataLoader worker becomes its own rank of ``world_size * num_workers``
(``thresher.tools.loader.partition.worker_rank``), so workers never repeat each
other's sequences. ``state_dict``/``load_state_dict`` work per worker, which is
how torchdata's ``StatefulDataLoader`` checkpoints an iterable dataset; with
``num_workers=0`` they work on the dataset directly. Step-based training uses
``epochs=None`` (an endless stream, reshuffled every epoch); epoch-based loops
call ``set_epoch(e)`` before each epoch, as with ``DistributedSampler``.
"""

from __future__ import annotations

from typing import Any, Iterator

try:
    import torch
    from torch.utils.data import IterableDataset, get_worker_info
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError("thresher.tools.loader.torch_dataset needs PyTorch (pip install torch)") from exc

import numpy as np

from thresher.tools.loader.partition import worker_rank
from thresher.tools.loader.run import Run, open_run
from thresher.tools.loader.sequences import SequenceLoader


class ShardSequenceDataset(IterableDataset):
    """Yields ``torch.int64`` tensors of ``seq_len + 1`` tokens (split into x, y in the model)."""

    def __init__(
        self,
        run: str | Run,
        seq_len: int,
        *,
        rank: int | None = None,
        world_size: int | None = None,
        seed: int = 0,
        shuffle: bool = True,
        epochs: int | None = 1,
        drop_remainder: bool = False,
    ) -> None:
        super().__init__()
        self.run = run if isinstance(run, Run) else open_run(run)
        if rank is None or world_size is None:
            rank, world_size = _distributed_rank()
        self.rank, self.world_size = rank, world_size
        self.options = dict(seq_len=seq_len, seed=seed, shuffle=shuffle, epochs=epochs,
                            drop_remainder=drop_remainder)
        self._loader: SequenceLoader | None = None
        self._pending_state: dict[str, Any] | None = None
        self._epoch = 0

    def _make_loader(self) -> SequenceLoader:
        info = get_worker_info()
        worker_id, num_workers = (info.id, info.num_workers) if info is not None else (0, 1)
        rank, world_size = worker_rank(self.rank, self.world_size, worker_id, num_workers)
        loader = SequenceLoader(self.run, rank=rank, world_size=world_size, **self.options)
        if self._pending_state is not None:
            loader.load_state_dict(self._pending_state)
            self._pending_state = None
        else:
            loader.set_epoch(self._epoch)
        return loader

    def set_epoch(self, epoch: int) -> None:
        """Call before each epoch of an epoch-based loop (non-persistent workers copy the
        dataset afresh every epoch, so without it each epoch would replay epoch 0)."""
        self._epoch = int(epoch)
        self._loader = None

    def __iter__(self) -> Iterator["torch.Tensor"]:
        if self._loader is None:
            self._loader = self._make_loader()
        for sequence in self._loader:
            yield torch.from_numpy(sequence.astype(np.int64))

    def state_dict(self) -> dict[str, Any]:
        if self._loader is None:
            self._loader = self._make_loader()
        return self._loader.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        # Applied when the (worker's) loader is built: the worker rank is known only then.
        self._loader = None
        self._pending_state = dict(state)


def _distributed_rank() -> tuple[int, int]:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1
