"""Where a run reads and writes: input expansion, and every path of a run's output directory.

The one module that knows a run's layout: the run driver and the tools that read finished
runs (report, inspect, loader, dedup-eval) all go through :class:`RunLayout`.

A *dataset* here is a directory of Parquet part files written by many workers plus a
``_manifest.json`` written last that lists them (see :mod:`thresher.io.storage`): readers
take the files the manifest names, never whatever a listing shows.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import os
from dataclasses import dataclass
from typing import Any, Iterable

from thresher.errors import ThresherError
from thresher.io import storage

#: The files of a finished run, beside its shards.
MANIFEST = "manifest.json"
STATS = "stats.json"
TOKENIZER = "tokenizer.json"
AUDIT = "audit.json"
RUN_LOG = "run.log.jsonl"
REPORT = "report.html"
#: The work directory: what the run made on its way (phase-A results, dedup outputs, logs).
WORK = "_work"
#: Every dropped document (``output.keep_dropped``): a dataset beside the shards.
DROPPED = "dropped"
#: The marker of a dataset directory.
DATASET_MANIFEST = "_manifest.json"
#: The marker of one input file's phase-A result.
FILE_RESULT = "result.json"


def expand_inputs(patterns: list[str]) -> list[str]:
    """Globs and ``*.paths``/``*.paths.gz`` lists (Common Crawl style) as sorted, unique files.

    Any of them may be a URL (``s3://bucket/seg/*.warc.gz``, a path list on a store). Local
    paths come out absolute: workers run in other directories (Spark executors).
    """
    files: list[str] = []
    for pattern in patterns:
        if pattern.endswith((".paths", ".paths.gz")):
            files.extend(_path_list(pattern))
            continue
        if storage.is_url(pattern):
            files.extend(_remote_matches(pattern))
            continue
        matches = sorted(glob.glob(os.path.expanduser(pattern)))
        if not matches:
            raise ThresherError(f"input: no file matches {pattern!r}")
        found = [os.path.abspath(m) for m in matches if os.path.isfile(m)]
        if not found:
            raise ThresherError(
                f"input: {pattern!r} matches only directories; name their files, e.g. {os.path.join(pattern, '*')!r}"
            )
        files.extend(found)
    # Sorted and unique: the input set, not the order it was named in, defines the run.
    return sorted(set(files))


def _path_list(pattern: str) -> list[str]:
    """The files a ``*.paths(.gz)`` list names; relative ones are taken beside the list."""
    remote = storage.is_url(pattern)
    try:
        fs, where = storage.filesystem(pattern)
        with fs.open(where, "rb") as raw:
            data = raw.read()
    except OSError as exc:
        raise ThresherError(f"input: cannot read the path list {pattern}: {exc}") from None
    if pattern.endswith(".gz"):
        data = gzip.decompress(data)
    base = pattern.rsplit("/", 1)[0] if remote else os.path.dirname(os.path.abspath(pattern))
    files = []
    for line in data.decode("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            files.append(line if "://" in line or os.path.isabs(line) else storage.join(base, line))
    return files


def _remote_matches(pattern: str) -> list[str]:
    """A URL as is, or the objects a URL glob matches (full URLs, same scheme)."""
    if not any(char in pattern for char in "*?["):
        return [pattern]
    from thresher.io.schemes import describe

    fs, where = storage.filesystem(pattern)
    try:
        matches = sorted(fs.glob(where))
        if not matches:  # stores answer a glob in a missing bucket with nothing: say which it is
            fs.info(where.split("/", 1)[0])
    except Exception as exc:  # noqa: BLE001 - a store's own error kinds; reported on one line
        raise ThresherError(f"input {pattern}: cannot list: {describe(exc)}") from None
    if not matches:
        raise ThresherError(f"input: no file matches {pattern!r}")
    return [fs.unstrip_protocol(m) for m in matches]


def file_key(source: str) -> str:
    """The directory name of an input file's phase-A result: a hash, never derived from the path's text."""
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:24]


@dataclass(frozen=True)
class RunLayout:
    root: str
    input_files: tuple[str, ...]

    @classmethod
    def create(cls, root: str, patterns: list[str]) -> "RunLayout":
        return cls(root=_absolute(root), input_files=tuple(expand_inputs(patterns)))

    @classmethod
    def of(cls, root: str) -> "RunLayout":
        """The layout of an existing run directory (tools reading a finished run)."""
        return cls(root=_absolute(root), input_files=())

    def path(self, *names: str) -> str:
        return storage.join(self.root, *names)

    # -- what a finished run leaves --------------------------------------------------------

    @property
    def manifest(self) -> str:
        return self.path(MANIFEST)

    @property
    def stats(self) -> str:
        return self.path(STATS)

    @property
    def tokenizer(self) -> str:
        return self.path(TOKENIZER)

    @property
    def audit(self) -> str:
        return self.path(AUDIT)

    @property
    def run_log(self) -> str:
        return self.path(RUN_LOG)

    @property
    def report(self) -> str:
        return self.path(REPORT)

    # -- the work directory ----------------------------------------------------------------

    @property
    def work(self) -> str:
        return self.path(WORK)

    @property
    def phase_a(self) -> str:
        return self.path(WORK, "phase_a")

    def file_result(self, source: str) -> str:
        """The directory of one input file's phase-A result."""
        return self.path(WORK, "phase_a", file_key(source))

    @property
    def documents(self) -> str:
        """Dataset of the documents dedup kept (the shards' input)."""
        return self.path(WORK, "documents")

    @property
    def duplicates(self) -> str:
        """Dataset of the documents dedup removed (id, url, crawl date, the id each duplicated)."""
        return self.path(WORK, "duplicates")

    @property
    def dropped(self) -> str:
        """Dataset of every dropped document, with ``output.keep_dropped`` (beside the shards, not in ``_work``)."""
        return self.path(DROPPED)

    @property
    def worker_log(self) -> str:
        """Where the run's worker log is kept (``_work/logs/workers.log``, on the store for a URL root)."""
        return self.path(WORK, "logs", "workers.log")

    @property
    def local_scratch(self) -> str:
        """A folder on this machine for what local processes write as they go (progress, their output):
        ``_work`` itself on local disk, a temporary folder named after the root when the root is a URL."""
        if not storage.is_url(self.root):
            return self.work
        import tempfile

        name = hashlib.sha256(self.root.encode("utf-8")).hexdigest()[:16]
        return os.path.join(tempfile.gettempdir(), "thresher-scratch", name)

    @property
    def local_worker_log(self) -> str:
        """The file local worker processes print into; :attr:`worker_log` itself on local disk."""
        return os.path.join(self.local_scratch, "logs", "workers.log") if storage.is_url(self.root) else self.worker_log

    @property
    def progress(self) -> str:
        return os.path.join(self.local_scratch, "progress") if storage.is_url(self.root) else self.path(WORK, "progress")

    def file_results(self) -> list[str]:
        """Every phase-A file result directory with its marker (for tools: the driver knows its own)."""
        if not storage.is_url(self.root):
            return sorted(os.path.dirname(p) for p in glob.glob(os.path.join(self.phase_a, "*", FILE_RESULT)))
        fs, where = storage.filesystem(self.phase_a)
        return sorted(fs.unstrip_protocol(m).rsplit("/", 1)[0] for m in fs.glob(f"{where}/*/{FILE_RESULT}"))


def _absolute(path: str) -> str:
    return path if storage.is_url(path) else os.path.abspath(path)


# -- datasets: part files plus a manifest written last ---------------------------------------


def write_dataset_manifest(directory: str, files: Iterable[tuple[str, int]], schema: str) -> None:
    """Commit a dataset: ``files`` are ``(file name, rows)`` of part files already written in ``directory``."""
    entries = sorted({name: rows for name, rows in files}.items())
    storage.write_json(
        storage.join(directory, DATASET_MANIFEST),
        {"schema": schema, "files": [{"name": name, "rows": rows} for name, rows in entries],
         "rows": sum(rows for _, rows in entries)},
    )


def read_dataset_manifest(directory: str) -> dict[str, Any] | None:
    path = storage.join(directory, DATASET_MANIFEST)
    if not storage.exists(path):
        return None
    return storage.read_json(path)


def dataset_files(directory: str) -> list[str]:
    """The part files of a committed dataset; an absent or uncommitted one has none."""
    manifest = read_dataset_manifest(directory)
    if manifest is None:
        return []
    return [storage.join(directory, entry["name"]) for entry in manifest["files"]]
