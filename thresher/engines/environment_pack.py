"""Thresher and its dependencies as two tar archives, for remote workers whose own Python has neither.

Engine-neutral: which distributions go in, how the archives are keyed and cached, and what is left
out. How an engine ships them and puts them on its workers' path is the engine's
(:mod:`thresher.engines.spark.packing` for Spark).

* ``thresher-deps-<key>.tar``: every installed distribution Thresher requires (transitively), plus
  the fsspec filesystems installed here (s3fs, gcsfs...), as their files sit in site-packages, less
  what the caller says its workers have or never import, test suites and C headers. ``<key>``
  hashes the Python version, the platform and each distribution's name, version and RECORD: a
  second run with the same installation reuses the archive instead of packing again.
* ``thresher-code-<key>.tar``: the ``thresher`` package itself, from wherever it is imported (an
  editable checkout cannot be packed as a distribution), keyed by its files' content; small, so
  cheap to rebuild after an edit.

Uncompressed: packing is then mostly copying, and workers unpack without inflating. Workers must
run the same Python minor version as this one, since compiled wheels are packed as built.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
import os
import re
import sys
import sysconfig
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from thresher.errors import ThresherError

#: Inside a package: folders and files no import reads (test suites, C headers, stubs).
SKIPPED_DIRS = frozenset({"tests", "include"})
SKIPPED_SUFFIXES = (".h", ".hpp", ".pxd", ".pyx", ".pyi", ".c", ".cpp")
#: Filesystems fsspec loads by URL scheme: packed when installed, though no requirement names them.
FILESYSTEMS = ("s3fs", "gcsfs", "adlfs", "ossfs")


@dataclass(frozen=True)
class PackedEnv:
    deps: Path
    code: Path
    #: Whether this call wrote the archives (False: both came from the cache).
    built: bool = False


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def packed_distributions(not_packed: frozenset[str]) -> list[metadata.Distribution]:
    """Thresher's requirements (without extras), transitively, and the installed fsspec filesystems."""
    from packaging.requirements import Requirement

    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(r) for r in metadata.requires("thresher") or []] + [Requirement(n) for n in FILESYSTEMS]
    while todo:
        req = todo.pop()
        key = _key(req.name)
        if key in found or key in not_packed:
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue  # an optional filesystem not installed, or a requirement of another platform
        found[key] = dist
        todo.extend(Requirement(r) for r in dist.requires or [])
    return [found[key] for key in sorted(found)]


def _top_level_entries(dist: metadata.Distribution) -> dict[str, Path]:
    """``{name in the archive: path}``: the distribution's top-level files and folders in site-packages."""
    root = Path(dist.locate_file(""))
    names: set[str] = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first not in ("..", "__pycache__") and not first.endswith(".pth"):
            names.add(first)
    if not names:  # no RECORD (an old installer): its metadata names the top-level modules
        names = {n for n in (dist.read_text("top_level.txt") or "").split() if n}
        names = {n for n in names if (root / n).exists()} | {f"{n}.py" for n in names if (root / f"{n}.py").exists()}
    return {name: root / name for name in sorted(names) if (root / name).exists()}


def _deps_key(dists: Iterable[metadata.Distribution]) -> str:
    digest = hashlib.sha256(f"{sys.version_info[:2]}|{sysconfig.get_platform()}".encode())
    for dist in dists:
        digest.update(f"|{dist.metadata['Name']}=={dist.version}|".encode())
        digest.update((dist.read_text("RECORD") or str(dist.locate_file(""))).encode())
    return digest.hexdigest()[:16]


def _code_files(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _code_key(package: Path, files: list[Path]) -> str:
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for path in files:
        digest.update(f"|{path.relative_to(package)}|".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _packed(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    parts = member.name.split("/")
    if any(part in SKIPPED_DIRS for part in parts[1:]) or member.name.endswith(SKIPPED_SUFFIXES):
        return None
    # Owners and modes of this machine mean nothing on executors; the same archive for the same files.
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    return member


def _write_tar(target: Path, entries: Mapping[str, Path]) -> None:
    """Write ``target`` whole or not at all (a concurrent packer may write the same name)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
            for name, path in entries.items():
                # __pycache__ stays: the bytecode spares every executor compiling it again.
                tar.add(path, arcname=name, filter=_packed)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def pack_environment(cache: Path, not_packed: frozenset[str]) -> PackedEnv:
    """The two archives for this installation in ``cache``, from it when it holds them already;
    ``not_packed``: distributions the workers have already or never import (``thresher`` itself
    goes in the code archive)."""
    import thresher

    try:
        dists = packed_distributions(not_packed)
    except metadata.PackageNotFoundError:
        raise ThresherError("packing Thresher for remote workers needs it installed as a distribution "
                            "(pip install thresher, or pip install -e . in a checkout); or, where the "
                            "workers have it, turn packing off (on Spark: runner.options.pack: false)") from None
    deps = cache / f"thresher-deps-{_deps_key(dists)}.tar"
    package = Path(thresher.__file__).resolve().parent
    files = _code_files(package)
    code = cache / f"thresher-code-{_code_key(package, files)}.tar"
    built = False
    if not deps.exists():
        entries: dict[str, Path] = {}
        for dist in dists:
            entries.update(_top_level_entries(dist))
        _write_tar(deps, entries)
        built = True
    if not code.exists():
        _write_tar(code, {f"thresher/{p.relative_to(package)}": p for p in files})
        built = True
    return PackedEnv(deps=deps, code=code, built=built)
