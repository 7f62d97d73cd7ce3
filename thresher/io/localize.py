"""Model and tokenizer files named by URL (``gs://``, ``s3://``...) copied to local disk once.

fastText and HF tokenizers load from local files only; a Dataflow or Spark
worker gets ``gs://bucket/lid.176.bin`` from the config and needs a local copy.
Each process downloads a given object once and reuses the copy; the copy is keyed by the
object's identity (fsspec's ``ukey``: an ETag, a generation, a modification time), so a
file rewritten at the same URL (a run's own ``tokenizer.json``) is fetched again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading

_lock = threading.Lock()
_copies: dict[tuple[str, str], str] = {}


def is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def local_path(path: str) -> str:
    """``path`` itself when local, else the path of a local copy (downloaded on first use)."""
    if path.startswith("file://"):
        return path[len("file://"):]
    if not is_remote(path):
        return path
    from thresher.io import storage

    fs, remote = storage.filesystem(path)
    try:
        identity = str(fs.ukey(remote))
    except (NotImplementedError, AttributeError):
        identity = ""
    with _lock:
        cached = _copies.get((path, identity))
        if cached is not None and os.path.exists(cached):
            return cached
        directory = os.path.join(tempfile.gettempdir(), "thresher-models")
        os.makedirs(directory, exist_ok=True)
        digest = hashlib.sha256(f"{path}\n{identity}".encode()).hexdigest()[:16]
        target = os.path.join(directory, digest + "-" + os.path.basename(path.rstrip("/")))
        tmp = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"
        with fs.open(remote, "rb") as src, open(tmp, "wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                dst.write(block)
        os.replace(tmp, target)
        _copies[(path, identity)] = target
        return target
