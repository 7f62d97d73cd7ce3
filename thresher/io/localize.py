"""Model and tokenizer files named by URL (``gs://``, ``s3://``...) copied to local disk once.

fastText and HF tokenizers load from local files only; a Dataflow or Spark
worker gets ``gs://bucket/lid.176.bin`` from the config and needs a local copy.
Each process downloads a given URL once and reuses the copy.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading

_lock = threading.Lock()
_copies: dict[str, str] = {}


def is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def local_path(path: str) -> str:
    """``path`` itself when local, else the path of a local copy (downloaded on first use)."""
    if path.startswith("file://"):
        return path[len("file://"):]
    if not is_remote(path):
        return path
    with _lock:
        cached = _copies.get(path)
        if cached is not None and os.path.exists(cached):
            return cached
        import fsspec

        directory = os.path.join(tempfile.gettempdir(), "thresher-models")
        os.makedirs(directory, exist_ok=True)
        name = hashlib.sha256(path.encode()).hexdigest()[:16] + "-" + os.path.basename(path.rstrip("/"))
        target = os.path.join(directory, name)
        tmp = f"{target}.{os.getpid()}.tmp"
        with fsspec.open(path, "rb") as src, open(tmp, "wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                dst.write(block)
        os.replace(tmp, target)
        _copies[path] = target
        return target
