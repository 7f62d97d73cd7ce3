"""Documents of a run in the exporters' canonical order: shards by name, rows in file order."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from thresher.errors import ThresherError
from thresher.tools.loader.run import Run
from thresher.tools.loader.stream import ShardTokens


def iter_document_batches(run: Run) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(lengths int64, token ids uint32 back to back), one Parquet row group at a time."""
    for position in range(len(run.shards)):
        reader = ShardTokens(run, position)
        for group in range(reader.num_row_groups):
            yield reader.read_row_group(group)


def narrow(flat: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Cast token ids, refusing ids the target width would silently wrap."""
    if len(flat) and int(flat.max()) > np.iinfo(dtype).max:
        raise ThresherError(f"token id {int(flat.max())} does not fit the export dtype {dtype}")
    # Little-endian on disk whatever the host: the formats are defined that way.
    return flat.astype(np.dtype(dtype).newbyteorder("<"), copy=False)
