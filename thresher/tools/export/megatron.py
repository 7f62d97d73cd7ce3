"""Megatron-LM ``MMapIndexedDataset`` (``.bin`` + ``.idx``): one sequence per document.

The ``.idx`` layout, all little-endian, as Megatron-LM's ``indexed_dataset.py`` reads it:

====================  ===========================  =====================================
bytes                 type                         meaning
====================  ===========================  =====================================
9                     ``b"MMIDIDX\\x00\\x00"``      magic
8                     uint64                       version, always 1
1                     uint8                        dtype code of the ``.bin`` (8 = uint16, 4 = int32)
8                     uint64                       sequence count S
8                     uint64                       document-index count D + 1
4 * S                 int32                        tokens per sequence
8 * S                 int64                        byte offset of each sequence in the ``.bin``
8 * (D + 1)           int64                        document index: ``[0, 1, ..., D]`` here
====================  ===========================  =====================================

Each document's ids already end with EOS, which is what Megatron's
``preprocess_data.py --append-eod`` produces; Megatron shuffles and packs itself.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

import numpy as np

from thresher.errors import ThresherError
from thresher.tools.export.documents import iter_document_batches, narrow
from thresher.tools.loader.run import Run, open_run, require_supported_schema

INDEX_MAGIC = b"MMIDIDX\x00\x00"
INDEX_VERSION = 1
# Megatron's DType enum; only the two widths it uses for token ids are written.
DTYPE_CODES = {np.dtype(np.uint8): 1, np.dtype(np.int8): 2, np.dtype(np.int16): 3, np.dtype(np.int32): 4,
               np.dtype(np.int64): 5, np.dtype(np.float64): 6, np.dtype(np.float32): 7,
               np.dtype(np.uint16): 8}
CODE_DTYPES = {code: dtype for dtype, code in DTYPE_CODES.items()}
TOKEN_DTYPES = ("uint16", "int32")


@dataclass(frozen=True)
class MegatronExport:
    bin_path: str
    idx_path: str
    dtype: np.dtype
    documents: int
    tokens: int


def megatron_dtype(vocab_size: int) -> np.dtype:
    """uint16 when every id fits, else int32 (Megatron has no uint32 code)."""
    return np.dtype(np.uint16) if vocab_size <= 1 << 16 else np.dtype(np.int32)


def export_megatron(run: str | Run, prefix: str, *, dtype: str | None = None) -> MegatronExport:
    """Write ``prefix.bin`` and ``prefix.idx`` (local paths) from a run's shards."""
    run = run if isinstance(run, Run) else open_run(run)
    require_supported_schema(run)
    token_dtype = np.dtype(dtype) if dtype else megatron_dtype(run.vocab_size)
    if token_dtype.name not in TOKEN_DTYPES:
        choices = ", ".join(TOKEN_DTYPES)
        raise ThresherError(f"megatron export: dtype must be one of {choices}, got {token_dtype}")
    bin_path, idx_path = prefix + ".bin", prefix + ".idx"
    os.makedirs(os.path.dirname(os.path.abspath(prefix)), exist_ok=True)
    lengths_parts = []
    with open(bin_path + ".tmp", "wb") as data:
        for lengths, flat in iter_document_batches(run):
            data.write(narrow(flat, token_dtype).tobytes())
            lengths_parts.append(lengths)
    lengths = np.concatenate(lengths_parts) if lengths_parts else np.empty(0, dtype=np.int64)
    if len(lengths) and int(lengths.max()) > np.iinfo(np.int32).max:
        raise ThresherError("megatron export: a document is longer than int32 tokens")
    write_megatron_index(idx_path + ".tmp", lengths, token_dtype)
    # The index goes in last, so a reader never pairs a new .idx with an old .bin.
    os.replace(bin_path + ".tmp", bin_path)
    os.replace(idx_path + ".tmp", idx_path)
    return MegatronExport(bin_path, idx_path, token_dtype, len(lengths), int(lengths.sum()))


def write_megatron_index(path: str, lengths: np.ndarray, dtype: np.dtype) -> None:
    pointers = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths):
        pointers[1:] = np.cumsum(lengths[:-1], dtype=np.int64) * dtype.itemsize
    document_index = np.arange(len(lengths) + 1, dtype=np.int64)
    with open(path, "wb") as fh:
        fh.write(INDEX_MAGIC)
        fh.write(struct.pack("<Q", INDEX_VERSION))
        fh.write(struct.pack("<B", DTYPE_CODES[dtype]))
        fh.write(struct.pack("<Q", len(lengths)))
        fh.write(struct.pack("<Q", len(document_index)))
        fh.write(lengths.astype("<i4").tobytes())
        fh.write(pointers.astype("<i8").tobytes())
        fh.write(document_index.astype("<i8").tobytes())


class MegatronDataset:
    """Reads a ``.bin``/``.idx`` pair back (memory-mapped), independent of Megatron."""

    def __init__(self, prefix: str) -> None:
        with open(prefix + ".idx", "rb") as fh:
            raw = fh.read()
        if raw[:9] != INDEX_MAGIC:
            raise ThresherError(f"{prefix}.idx: not a Megatron MMapIndexedDataset index (bad magic)")
        (self.version,) = struct.unpack_from("<Q", raw, 9)
        if self.version != INDEX_VERSION:
            raise ThresherError(f"{prefix}.idx: index version {self.version}, expected {INDEX_VERSION}")
        (code,) = struct.unpack_from("<B", raw, 17)
        if code not in CODE_DTYPES:
            raise ThresherError(f"{prefix}.idx: unknown dtype code {code}")
        self.dtype = CODE_DTYPES[code]
        self.sequence_count, self.document_index_count = struct.unpack_from("<QQ", raw, 18)
        offset = 34
        count = self.sequence_count
        self.sequence_lengths = np.frombuffer(raw, dtype="<i4", count=count, offset=offset)
        offset += 4 * count
        self.sequence_pointers = np.frombuffer(raw, dtype="<i8", count=count, offset=offset)
        offset += 8 * count
        self.document_index = np.frombuffer(raw, dtype="<i8", count=self.document_index_count, offset=offset)
        offset += 8 * self.document_index_count
        if offset != len(raw):
            raise ThresherError(f"{prefix}.idx: {len(raw) - offset} unexpected trailing bytes")
        # np.memmap cannot map an empty file.
        empty = np.empty(0, self.dtype)
        self.tokens = np.memmap(prefix + ".bin", dtype=self.dtype, mode="r") if count else empty

    def __len__(self) -> int:
        return self.sequence_count

    def __getitem__(self, index: int) -> np.ndarray:
        start = int(self.sequence_pointers[index]) // self.dtype.itemsize
        return np.asarray(self.tokens[start : start + int(self.sequence_lengths[index])])
