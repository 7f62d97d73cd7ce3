"""Thresher and its dependencies packed for Spark executors whose own Python has neither.

Two uncompressed tar archives, shipped through ``spark.archives`` (Spark unpacks each into
its executors' working directory, under the name after ``#``) and put on the Python
workers' path through ``spark.executorEnv.PYTHONPATH``:

* ``thresher-deps-<key>.tar`` -> ``thresher_deps/``: every installed distribution Thresher
  requires (transitively), plus the fsspec filesystems installed here (s3fs, gcsfs...), as
  their files sit in site-packages. Not packed: PySpark and py4j (Spark puts its own on
  every Python worker's path), Apache Beam and datasketch with what only they need
  (executors of the Spark engine never import them), test suites and C headers. ``<key>``
  hashes the Python version, the platform and each distribution's name, version and RECORD:
  a second run with the same installation reuses the archive instead of packing again.
* ``thresher-code-<key>.tar`` -> ``thresher_code/``: the ``thresher`` package itself, from
  wherever it is imported (an editable checkout cannot be packed as a distribution), keyed
  by its files' content; small, so cheap to rebuild after an edit.

Uncompressed: packing is then mostly copying, and executors unpack without inflating.
Executors run their own Python (``spark.pyspark.python``, else ``python3`` on their PATH);
it must be the same minor version as this one, since compiled wheels are packed as built.
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
from typing import Any, Iterable, Mapping

from thresher.errors import ThresherError

#: Where the archives unpack on executors (relative to their working directory).
DEPS_DIR = "thresher_deps"
CODE_DIR = "thresher_code"
#: Distributions executors have already (Spark adds its own PySpark and py4j to every Python
#: worker's path) or never import: the Beam engine's runtime, and datasketch (with the SciPy it
#: pulls in), which only :func:`thresher.stages.dedup.minhash.to_datasketch` imports, a helper for
#: users (the pipeline computes its MinHash signatures itself).
NOT_PACKED = frozenset({"pyspark", "py4j", "apache-beam", "datasketch", "thresher"})
#: Inside a package: folders and files no import reads (test suites, C headers, stubs).
SKIPPED_DIRS = frozenset({"tests", "include"})
SKIPPED_SUFFIXES = (".h", ".hpp", ".pxd", ".pyx", ".pyi", ".c", ".cpp")
#: Filesystems fsspec loads by URL scheme: packed when installed, though no requirement names them.
FILESYSTEMS = ("s3fs", "gcsfs", "adlfs", "ossfs")
CACHE_ENV = "THRESHER_SPARK_PACK_CACHE"


@dataclass(frozen=True)
class PackedEnv:
    deps: Path
    code: Path
    #: Whether this call wrote the archives (False: both came from the cache).
    built: bool = False

    def spark_conf(self) -> dict[str, str]:
        """The conf entries that ship the archives and put them on executors' Python path."""
        return {
            "spark.archives": f"{self.deps}#{DEPS_DIR},{self.code}#{CODE_DIR}",
            "spark.executorEnv.PYTHONPATH": f"{CODE_DIR}:{DEPS_DIR}",
        }

    def submit_args(self, main: Path) -> list[str]:
        """``spark-submit`` arguments that ship the archives and run ``main`` (:func:`submit_main`) on
        this Python: what follows them are Thresher's own arguments (``run CONFIG --runner spark``)."""
        conf = self.spark_conf()
        return ["--archives", conf["spark.archives"],
                "--conf", f"spark.executorEnv.PYTHONPATH={conf['spark.executorEnv.PYTHONPATH']}",
                "--conf", f"spark.pyspark.driver.python={sys.executable}", str(main)]


def cache_dir() -> Path:
    """``$THRESHER_SPARK_PACK_CACHE``, else ``$XDG_CACHE_HOME/thresher/spark`` (``~/.cache`` by default)."""
    given = os.environ.get(CACHE_ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "thresher" / "spark"


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def packed_distributions() -> list[metadata.Distribution]:
    """Thresher's requirements (without extras), transitively, and the installed fsspec filesystems."""
    from packaging.requirements import Requirement

    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(r) for r in metadata.requires("thresher") or []] + [Requirement(n) for n in FILESYSTEMS]
    while todo:
        req = todo.pop()
        key = _key(req.name)
        if key in found or key in NOT_PACKED:
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


def pack_environment(cache: Path | None = None) -> PackedEnv:
    """The two archives for this installation, from the cache when it holds them already."""
    import thresher

    cache = cache or cache_dir()
    try:
        dists = packed_distributions()
    except metadata.PackageNotFoundError:
        raise ThresherError("packing Thresher for Spark executors needs it installed as a distribution "
                            "(pip install thresher, or pip install -e . in a checkout); "
                            "or set runner.options.pack: false where executors have it") from None
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


def submit_main(cache: Path | None = None) -> Path:
    """A script that runs Thresher's command line: ``spark-submit`` takes a Python file, not a module
    (``thresher/cli.py`` itself would put ``thresher/`` first on the path, where ``io`` is Thresher's)."""
    path = (cache or cache_dir()) / "thresher-submit.py"
    text = "import sys\n\nfrom thresher.cli import main\n\nsys.exit(main())\n"
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    return path


def ships_packed_env(conf: Any) -> bool:
    """Whether ``conf`` ships an archive that unpacks as ``thresher_deps`` (ours, or a spark-submit's)."""
    archives = f"{conf.get('spark.archives') or ''},{conf.get('spark.yarn.dist.archives') or ''}"
    return any(a.strip().endswith(f"#{DEPS_DIR}") for a in archives.split(","))


def shipping_conf(pack: bool, conf: Any) -> dict[str, str]:
    """Conf entries that ship the packed environment, over ``conf`` (a SparkConf, spark-submit's
    settings included). None when ``pack`` is off, when the master is local (its executors are this
    machine's processes, running this Python), or when an archive unpacking as ``thresher_deps`` is
    shipped already (a ``spark-submit`` given the arguments :func:`main` prints)."""
    if not pack or (conf.get("spark.master") or "local").startswith("local") or ships_packed_env(conf):
        return {}
    ours = pack_environment().spark_conf()
    archives = [a for a in (conf.get("spark.archives") or "").split(",") if a]
    path = [p for p in (conf.get("spark.executorEnv.PYTHONPATH") or "").split(":") if p]
    return {
        "spark.archives": ",".join([*archives, ours["spark.archives"]]),
        "spark.executorEnv.PYTHONPATH": ":".join([ours["spark.executorEnv.PYTHONPATH"], *path]),
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m thresher.engines.spark.packing``: pack (or find in the cache) and print the
    ``spark-submit`` arguments that ship the archives and run Thresher's command line, e.g.
    ``spark-submit --master URL $(python -m thresher.engines.spark.packing) run cfg.yaml --runner spark``."""
    import shlex

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print("usage: python -m thresher.engines.spark.packing [CACHE_DIR]\n"
              "Packs Thresher and its dependencies for Spark executors (in CACHE_DIR, default\n"
              f"${CACHE_ENV} or ~/.cache/thresher/spark) and prints the spark-submit arguments\n"
              "that ship them and run Thresher: follow them with e.g. 'run cfg.yaml --runner spark'.")
        return 0
    cache = Path(argv[0]) if argv else None
    packed = pack_environment(cache)
    print(" ".join(shlex.quote(arg) for arg in packed.submit_args(submit_main(cache))))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
