"""A flat token file (nanoGPT style): ``tokens.bin`` + ``offsets.npy`` + ``meta.json``.

``tokens.bin`` holds every document's ids back to back (EOS already ends each),
raw little-endian uint16 or uint32: ``np.memmap("tokens.bin", dtype=meta["dtype"])``
is nanoGPT's ``train.bin``. ``offsets.npy`` (int64, documents + 1 entries) gives
document ``i`` as ``tokens[offsets[i]:offsets[i + 1]]``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from thresher.errors import ThresherError
from thresher.tools.export.documents import iter_document_batches, narrow
from thresher.tools.loader.run import Run, narrowest_token_dtype, open_run, require_supported_schema

FORMAT = "thresher.flat/1"
TOKENS_NAME, OFFSETS_NAME, META_NAME = "tokens.bin", "offsets.npy", "meta.json"
TOKEN_DTYPES = ("uint16", "uint32")


@dataclass(frozen=True)
class FlatExport:
    directory: str
    dtype: np.dtype
    documents: int
    tokens: int


def export_flat(run: str | Run, directory: str, *, dtype: str | None = None) -> FlatExport:
    run = run if isinstance(run, Run) else open_run(run)
    require_supported_schema(run)
    token_dtype = np.dtype(dtype) if dtype else narrowest_token_dtype(run.vocab_size)
    if token_dtype.name not in TOKEN_DTYPES:
        raise ThresherError(f"flat export: dtype must be one of {', '.join(TOKEN_DTYPES)}, got {token_dtype}")
    token_dtype = token_dtype.newbyteorder("<")
    os.makedirs(directory, exist_ok=True)
    tokens_path = os.path.join(directory, TOKENS_NAME)
    lengths_parts = []
    with open(tokens_path + ".tmp", "wb") as data:
        for lengths, flat in iter_document_batches(run):
            data.write(narrow(flat, token_dtype).tobytes())
            lengths_parts.append(lengths)
    lengths = np.concatenate(lengths_parts) if lengths_parts else np.empty(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    with open(os.path.join(directory, OFFSETS_NAME + ".tmp"), "wb") as fh:
        np.save(fh, offsets)
    meta = {
        "format": FORMAT,
        "dtype": token_dtype.name,
        "documents": len(lengths),
        "tokens": int(offsets[-1]),
        "vocab_size": run.vocab_size,
        "eos_id": run.eos_id,
        "order": "shards by name, rows in file order (sorted by id)",
        "source_shards": [{"name": s.name, "sha256": s.sha256} for s in run.shards],
    }
    with open(os.path.join(directory, META_NAME + ".tmp"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=2)
        fh.write("\n")
    for name in (TOKENS_NAME, OFFSETS_NAME, META_NAME):  # meta last: its presence means complete
        os.replace(os.path.join(directory, name + ".tmp"), os.path.join(directory, name))
    return FlatExport(directory, token_dtype, len(lengths), int(offsets[-1]))


class FlatTokens:
    """Reads a flat export back: ``tokens`` (memmap), ``offsets``, ``meta``."""

    def __init__(self, directory: str) -> None:
        with open(os.path.join(directory, META_NAME), encoding="utf-8") as fh:
            self.meta: dict[str, Any] = json.load(fh)
        if self.meta.get("format") != FORMAT:
            raise ThresherError(f"{directory}: not a {FORMAT} export")
        self.dtype = np.dtype(self.meta["dtype"]).newbyteorder("<")
        self.offsets = np.load(os.path.join(directory, OFFSETS_NAME))
        size = os.path.getsize(os.path.join(directory, TOKENS_NAME))
        if size != int(self.offsets[-1]) * self.dtype.itemsize:
            raise ThresherError(f"{directory}: {TOKENS_NAME} is {size} bytes, offsets.npy says "
                                f"{int(self.offsets[-1]) * self.dtype.itemsize}")
        self.tokens = (np.memmap(os.path.join(directory, TOKENS_NAME), dtype=self.dtype, mode="r")
                       if size else np.empty(0, self.dtype))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> np.ndarray:
        return np.asarray(self.tokens[int(self.offsets[index]) : int(self.offsets[index + 1])])
