"""Checks made before any work: can the command write where it was told to?

A command that computes for minutes and then fails to write its result wastes the user's time
and ends in a traceback. Each command that writes checks its output path first, and a problem
is one :class:`~thresher.errors.ThresherError` naming the option, the path and what is wrong.

Local paths are checked by a real write. Of an object store URL (``s3://``, ``gs://``) only the
scheme is checked (known, its library installed): the store answers when written to.
"""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING

from thresher.errors import ThresherError
from thresher.io import storage

if TYPE_CHECKING:  # pragma: no cover
    from thresher.config import PipelineConfig


def check_run_references(config: "PipelineConfig") -> None:
    """What a run reads besides its input, checked before any work rather than after phase A:
    the dedup indexes it reads and a given tokenizer file."""
    from thresher.stages.dedup.index import read_meta

    for directory in config.dedup.index.read:
        read_meta(directory)  # a ThresherError naming the index when it is none
    tokenizer = config.tokenize.tokenizer
    if tokenizer and not storage.is_url(tokenizer) and not os.path.isfile(tokenizer):
        raise ThresherError(f"tokenize.tokenizer: file not found: {tokenizer}")


def check_output_dir(path: str, option: str = "--output") -> None:
    """``path`` is, or can become, a directory this process can write files in."""
    if storage.is_url(path):
        _check_scheme(path, option)
        return
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(path) and not os.path.isdir(path):
        raise ThresherError(f"{option} {path}: is a file, not a directory; choose another output directory")
    _check_writable(path, option)


def check_output_file(path: str, option: str = "--output") -> None:
    """``path`` can be written as a file: its directory is (or can become) writable and it is no directory."""
    if storage.is_url(path):
        _check_scheme(path, option)
        return
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.isdir(path):
        raise ThresherError(f"{option} {path}: is a directory; give a file name")
    _check_writable(os.path.dirname(path), option, target=path)


def _check_writable(directory: str, option: str, target: str | None = None) -> None:
    target = target or directory
    existing = directory
    while not os.path.exists(existing):
        parent = os.path.dirname(existing)
        if parent == existing:
            break
        existing = parent
    if not os.path.isdir(existing):
        raise ThresherError(
            f"{option} {target}: {existing} is a file, not a directory; choose another output path"
        )
    # A real write, not os.access: it also sees read-only mounts, ACLs and quotas.
    try:
        fd, probe = tempfile.mkstemp(prefix=".thresher-write-check-", dir=existing)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ThresherError(f"{option} {target}: cannot write in {existing} ({reason.lower()})") from None
    os.close(fd)
    os.unlink(probe)


def _check_scheme(url: str, option: str) -> None:
    # One rule for every location: io.schemes names the package a missing scheme needs.
    from thresher.io.schemes import check_installed

    check_installed([url])
