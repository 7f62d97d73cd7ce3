"""Before any work: is every URL's filesystem installed, can inputs be read and the output written?

A run touches many locations (inputs, output, dedup indexes, models). A scheme whose fsspec
package is missing, a bucket that does not exist or credentials a store refuses should stop the
run at once with one line naming the URL and the cause, not a traceback an hour in.
"""

from __future__ import annotations

import uuid
from typing import Iterable

from thresher.errors import ThresherError
from thresher.io import storage

#: The package that serves each scheme fsspec knows but does not ship.
PACKAGES = {
    "s3": "s3fs", "s3a": "s3fs",
    "gs": "gcsfs", "gcs": "gcsfs",
    "abfs": "adlfs", "abfss": "adlfs", "az": "adlfs", "adl": "adlfs",
    "oci": "ocifs", "oss": "ossfs", "hf": "huggingface_hub", "box": "boxfs", "dropbox": "dropboxdrivefs",
    "http": "aiohttp", "https": "aiohttp", "sftp": "paramiko", "ssh": "paramiko", "smb": "smbprotocol",
    "webdav": "webdav4", "lakefs": "lakefs-spec", "hdfs": "pyarrow", "viewfs": "pyarrow",
}


def schemes_of(path: str) -> list[str]:
    """The schemes of ``path``, each link of a chained URL (``simplecache::s3://...``) included."""
    return [storage.scheme(link) for link in path.split("::") if storage.is_url(link)]


def check_installed(paths: Iterable[str]) -> None:
    """Raise one :class:`ThresherError` line for the first scheme that is unknown or not installed."""
    from fsspec.registry import get_filesystem_class

    seen: set[str] = set()
    for path in paths:
        for name in schemes_of(path):
            if name in seen:
                continue
            seen.add(name)
            try:
                get_filesystem_class(name)
            except ImportError:
                package = PACKAGES.get(name, name + "fs")
                raise ThresherError(f"{name}:// needs {package}: pip install {package}") from None
            except ValueError:
                raise ThresherError(f"{path}: unknown scheme {name}:// (no fsspec filesystem serves it)") from None


def describe(error: BaseException) -> str:
    """A store's error as a short cause (the first line of its message, its kind when it has none)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if isinstance(error, FileNotFoundError):
        return f"not found ({text})" if text else "not found"
    if isinstance(error, PermissionError):
        return f"access denied, check the credentials ({text})" if text else "access denied, check the credentials"
    kind = type(error).__name__
    if "credential" in kind.lower() or "credential" in text.lower():
        return f"no usable credentials ({kind}: {text})" if text else f"no usable credentials ({kind})"
    return f"{kind}: {text}" if text else kind


def check_readable(what: str, path: str) -> None:
    """``path`` (a file or a directory) exists and this process may read it."""
    if not storage.is_url(path):
        return  # local paths have their own checks and messages where they are opened
    try:
        fs, remote = storage.filesystem(path)
        fs.info(remote)
    except Exception as exc:  # noqa: BLE001 - every store raises its own kinds; the cause is reported
        raise ThresherError(f"{what} {path}: cannot read: {describe(exc)}") from None


def check_writable(what: str, directory: str) -> None:
    """This process may write under ``directory``: a small object is put there and removed."""
    if not storage.is_url(directory):
        return
    probe = storage.join(directory, f".write-check-{uuid.uuid4().hex}")
    try:
        storage.write_bytes(probe, b"")
    except Exception as exc:  # noqa: BLE001 - as above
        raise ThresherError(f"{what} {directory}: cannot write: {describe(exc)}") from None
    try:
        fs, remote = storage.filesystem(probe)
        fs.rm(remote)
    except Exception:  # noqa: BLE001 - a store that lets us write but not delete still serves the run
        pass
