"""Read a run's shards for training: numpy + pyarrow only (fsspec optional, for other URL schemes).

The PyTorch adapter lives in ``thresher.tools.loader.torch_dataset`` and is imported
only by those who have torch.
"""

from thresher.tools.loader.order import mix_key, permutation
from thresher.tools.loader.partition import full_sequences, rank_range, worker_rank
from thresher.tools.loader.run import Run, ShardEntry, narrowest_token_dtype, open_run
from thresher.tools.loader.sequences import STATE_FORMAT, SequenceLoader
from thresher.tools.loader.stream import EpochLayout

__all__ = [
    "EpochLayout",
    "Run",
    "STATE_FORMAT",
    "SequenceLoader",
    "ShardEntry",
    "full_sequences",
    "mix_key",
    "narrowest_token_dtype",
    "open_run",
    "permutation",
    "rank_range",
    "worker_rank",
]
