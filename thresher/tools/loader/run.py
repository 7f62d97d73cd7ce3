"""A finished run as a consumer sees it: ``manifest.json`` plus the shard files it names."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from thresher.errors import ThresherError
from thresher.io.shards import CLUSTER_SIZE, SCHEMA_VERSION
from thresher.tools.loader import storage
from thresher.run.layout import MANIFEST, TOKENIZER

MANIFEST_NAME = MANIFEST
TOKENIZER_NAME = TOKENIZER
SHARD_NAME = re.compile(r"^shard-(\d{5})-of-(\d{5})\.parquet$")


@dataclass(frozen=True)
class ShardEntry:
    """One shard as the manifest describes it."""

    name: str
    rows: int
    tokens: int
    bytes: int
    sha256: str

    @property
    def index(self) -> int:
        """The ``i`` of ``shard-i-of-n``; -1 when the name does not follow the pattern."""
        match = SHARD_NAME.match(self.name)
        return int(match.group(1)) if match else -1

    @property
    def planned_shards(self) -> int:
        """The ``n`` of ``shard-i-of-n``: shards planned, which may exceed shards written."""
        match = SHARD_NAME.match(self.name)
        return int(match.group(2)) if match else -1


@dataclass(frozen=True)
class Run:
    """A run directory opened through any filesystem.

    ``root`` is the directory's path inside ``fs``; ``location`` is what the
    user typed (kept for messages).
    """

    location: str
    fs: pafs.FileSystem
    root: str
    manifest: dict[str, Any]

    @cached_property
    def shards(self) -> tuple[ShardEntry, ...]:
        try:
            return tuple(
                ShardEntry(
                    name=str(s["name"]),
                    rows=int(s["rows"]),
                    tokens=int(s["tokens"]),
                    bytes=int(s["bytes"]),
                    sha256=str(s["sha256"]),
                )
                for s in self.manifest["shards"]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ThresherError(f"{self.manifest_path}: malformed 'shards' entry ({exc!r})") from None

    @property
    def manifest_path(self) -> str:
        return storage.join(self.root, MANIFEST_NAME)

    @property
    def tokenizer_path(self) -> str:
        return storage.join(self.root, TOKENIZER_NAME)

    @property
    def schema_version(self) -> int:
        return int(self.manifest.get("schema_version", -1))

    @property
    def tokenizer_info(self) -> dict[str, Any]:
        info = self.manifest.get("tokenizer")
        return info if isinstance(info, dict) else {}

    @property
    def vocab_size(self) -> int:
        return self._tokenizer_int("vocab_size")

    @property
    def eos_id(self) -> int:
        return self._tokenizer_int("eos_id")

    @property
    def keeps_text(self) -> bool:
        return bool(self.manifest.get("columns", {}).get("text", False))

    @property
    def keeps_cluster_size(self) -> bool:
        """The shards carry ``minhash_cluster_size`` (``dedup.minhash.keep_cluster_size``)."""
        return bool(self.manifest.get("columns", {}).get(CLUSTER_SIZE, False))

    @property
    def total_tokens(self) -> int:
        return sum(s.tokens for s in self.shards)

    @property
    def total_documents(self) -> int:
        return sum(s.rows for s in self.shards)

    def shard_path(self, name: str) -> str:
        return storage.join(self.root, name)

    def open_shard(self, name: str) -> pq.ParquetFile:
        path = self.shard_path(name)
        try:
            return pq.ParquetFile(self.fs.open_input_file(path))
        except FileNotFoundError:
            raise ThresherError(f"{self.location}: shard {name} named in the manifest is missing") from None

    def token_dtype(self) -> np.dtype:
        """The narrowest unsigned dtype that holds every id of this vocabulary."""
        return narrowest_token_dtype(self.vocab_size)

    def _tokenizer_int(self, key: str) -> int:
        value = self.tokenizer_info.get(key)
        if not isinstance(value, int):
            raise ThresherError(f"{self.manifest_path}: tokenizer.{key} is missing or not an integer")
        return value


def narrowest_token_dtype(vocab_size: int) -> np.dtype:
    return np.dtype(np.uint16) if vocab_size <= 1 << 16 else np.dtype(np.uint32)


def open_run(path: str) -> Run:
    """Open a run directory, or the ``manifest.json`` inside one (local path or URL)."""
    fs, inner = storage.resolve(path)
    if posixpath.basename(inner) == MANIFEST_NAME and storage.is_file(fs, inner):
        root = posixpath.dirname(inner)
    else:
        root = inner.rstrip("/") or inner
    manifest_path = storage.join(root, MANIFEST_NAME)
    if not storage.is_file(fs, manifest_path):
        if not storage.exists(fs, root):
            raise ThresherError(f"{path}: no such file or directory")
        raise ThresherError(
            f"{path}: no {MANIFEST_NAME} here; not a thresher run directory, or its run did not finish"
        )
    try:
        manifest = json.loads(storage.read_bytes(fs, manifest_path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ThresherError(f"{path}: {MANIFEST_NAME} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise ThresherError(f"{path}: {MANIFEST_NAME} is not a JSON object")
    return Run(location=path, fs=fs, root=root, manifest=manifest)


def require_supported_schema(run: Run) -> None:
    """Consumers refuse a schema version they were not written for rather than misread it."""
    if run.schema_version != SCHEMA_VERSION:
        raise ThresherError(
            f"{run.location}: shard schema version {run.schema_version}, "
            f"this reader understands version {SCHEMA_VERSION}"
        )
