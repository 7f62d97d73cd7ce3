"""Where shards live: one pyarrow filesystem for local paths, ``gs://``, ``s3://`` and any fsspec URL.

Every other module works on ``(filesystem, path)`` pairs, so none of them cares
where the bytes are. Paths inside a filesystem are POSIX-style (``bucket/dir/file``).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from typing import Iterator

import pyarrow as pa
import pyarrow.fs as pafs

from thresher.errors import ThresherError

_BLOCK = 1 << 20


def is_url(path: str) -> bool:
    return "://" in path


def resolve(path: str) -> tuple[pafs.FileSystem, str]:
    """The filesystem that holds ``path`` and the path inside it.

    Local paths and ``file://`` use pyarrow's local filesystem; ``s3://`` and
    ``gs://`` use pyarrow's native clients (credentials from the usual
    environment); any other scheme pyarrow does not know (``memory://``,
    ``az://``, ``hf://``...) goes through fsspec when it is installed.
    """
    if not is_url(path):
        return pafs.LocalFileSystem(), os.path.abspath(os.path.expanduser(path))
    try:
        return pafs.FileSystem.from_uri(path)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError) as native_error:
        return _via_fsspec(path, native_error)


def _via_fsspec(path: str, native_error: Exception) -> tuple[pafs.FileSystem, str]:
    try:
        import fsspec
    except ImportError:
        raise ThresherError(
            f"cannot open {path!r}: pyarrow does not support this scheme ({native_error}) "
            "and fsspec is not installed"
        ) from None
    fs, inner = fsspec.core.url_to_fs(path)
    return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), inner


def join(base: str, name: str) -> str:
    # pyarrow filesystems take "/"-separated paths everywhere, the local one included.
    return posixpath.join(base, name)


def exists(fs: pafs.FileSystem, path: str) -> bool:
    return fs.get_file_info(path).type != pafs.FileType.NotFound


def is_file(fs: pafs.FileSystem, path: str) -> bool:
    return fs.get_file_info(path).type == pafs.FileType.File


def file_size(fs: pafs.FileSystem, path: str) -> int:
    return int(fs.get_file_info(path).size)


def list_names(fs: pafs.FileSystem, directory: str) -> list[str]:
    """Base names of the files directly inside ``directory``, sorted."""
    infos = fs.get_file_info(pafs.FileSelector(directory, recursive=False, allow_not_found=True))
    return sorted(posixpath.basename(i.path) for i in infos if i.type == pafs.FileType.File)


def read_bytes(fs: pafs.FileSystem, path: str) -> bytes:
    with fs.open_input_stream(path) as fh:
        return fh.read()


def iter_blocks(fs: pafs.FileSystem, path: str) -> Iterator[bytes]:
    with fs.open_input_stream(path) as fh:
        while True:
            block = fh.read(_BLOCK)
            if not block:
                return
            yield block


def sha256(fs: pafs.FileSystem, path: str) -> str:
    digest = hashlib.sha256()
    for block in iter_blocks(fs, path):
        digest.update(block)
    return digest.hexdigest()
