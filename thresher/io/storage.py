"""The one way a run writes a file: atomically, on any filesystem fsspec serves.

Every file a run writes (shards, phase-A pieces, documents, duplicates, index tables,
audit, report, manifest, stats, logs, tokenizer) goes through :func:`atomic_write`
or one of the helpers built on it. One commit rule holds for all of them:

* **A file is whole or absent.** On local disk it is written under a temporary name
  beside its final one and renamed into place on success; on an object store the
  object only appears when its upload completes (a failed write is discarded, never
  completed). A reader never sees half a file under a final name.
* **A result made of several files becomes visible through one marker written last**
  (a ``result.json``, a ``_manifest.json``, ``index.json``, ``manifest.json``): data
  files first, under names unique to their writer, then the marker that lists them.
  Readers go by the marker, never by listing a directory, so a stray file of a failed or
  retried attempt is never read, and nothing depends on a listing being up to date.

Paths are local paths or URLs (``s3://``, ``gs://``, ``memory://``, ``file://``...). The options of
a URL's filesystem (credentials, ``endpoint_url``...) are found by the URL itself (see
:func:`configure_options`), so that writers and readers anywhere in a run, on any worker, pass
paths only.

On an object store there is no rename and a listing may lag behind writes. The rule above
needs neither: objects are put whole, names are unique to their writer or their content is the
same whoever writes it (a retried task rewrites identical bytes), and the marker is read by its
name. Listing caches are switched off on object stores so a marker another process wrote is
seen at once.

Requests a store fails now and then are retried by its own client, with backoff; each retry is
counted into stats.json, and a store still failing after them stops the run with one line naming
the path (:mod:`thresher.io.store_retries`), never a file silently missing.
"""

from __future__ import annotations

import json
import os
import posixpath
import sys
import uuid
from contextlib import contextmanager
from typing import IO, Any, Iterator, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from thresher.io import store_retries


def is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


#: Where the storage options by URL prefix travel: the environment reaches every worker process a
#: local engine starts (Beam's SDK workers, Spark's Python workers), whatever pickles them.
OPTIONS_ENV = "THRESHER_STORAGE_OPTIONS"
_parsed: tuple[str, dict[str, dict[str, Any]]] = ("", {})


def configure_options(by_prefix: Mapping[str, Mapping[str, Any]]) -> None:
    """Set the fsspec options of URLs under each prefix (``s3://bucket/``, ``gs://``...), for this
    process and the worker processes it starts. The longest matching prefix wins."""
    clean = {prefix: dict(options) for prefix, options in by_prefix.items() if options}
    if clean:
        os.environ[OPTIONS_ENV] = json.dumps(clean, sort_keys=True)
    else:
        os.environ.pop(OPTIONS_ENV, None)


def options_for(path: str) -> dict[str, Any]:
    """The options :func:`configure_options` set for ``path`` (empty when none apply)."""
    global _parsed
    raw = os.environ.get(OPTIONS_ENV, "")
    if not raw:
        return {}
    if _parsed[0] != raw:
        _parsed = (raw, json.loads(raw))
    best = ""
    for prefix in _parsed[1]:
        if path.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return dict(_parsed[1][best]) if best else {}


def scheme(path: str) -> str:
    """``s3`` for ``s3://bucket/x``; ``file`` for a local path."""
    return path.split("://", 1)[0].lower() if is_url(path) else "file"


#: Object stores: no rename, listings cached by fsspec may lag behind other processes' writes.
OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "adl", "oss", "r2"})


def _local(path: str) -> str:
    return path[len("file://"):] if path.startswith("file://") else path


def join(base: str, *names: str) -> str:
    """``base/name/...`` for a local path or a URL (``posixpath`` keeps ``s3://bucket/x`` intact)."""
    return posixpath.join(base, *names) if is_url(base) else os.path.join(_local(base), *names)


def filesystem(path: str, storage_options: Mapping[str, Any] | None = None):
    """``(fsspec filesystem, path on it)``; options given here, else those configured for the URL."""
    from fsspec.core import url_to_fs

    options = dict(storage_options) if storage_options else options_for(path)
    if scheme(path) in OBJECT_STORES:
        # Markers written by other processes must be seen at once: never answer from a listing cache.
        options.setdefault("use_listings_cache", False)
    fs, remote = url_to_fs(path, **options)
    if scheme(path) in OBJECT_STORES:
        store_retries.watch(fs)  # the client's retries count into stats.json
    return fs, remote


@contextmanager
def naming_failures(path: str) -> Iterator[None]:
    """A store that keeps failing (past its client's retries) while ``path`` is used: one line naming it."""
    try:
        yield
    except Exception as exc:
        store_retries.check(path, exc)
        raise


@contextmanager
def atomic_write(path: str, mode: str = "wb", storage_options: Mapping[str, Any] | None = None) -> Iterator[IO]:
    """Open ``path`` for writing; it appears whole when the block ends without an exception, else not at all."""
    if not is_url(path):
        final = _local(path)
        directory = os.path.dirname(final) or "."
        os.makedirs(directory, exist_ok=True)
        tmp = os.path.join(directory, f".{os.path.basename(final)}.{uuid.uuid4().hex}.tmp")
        try:
            with open(tmp, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as fh:
                yield fh
            os.replace(tmp, final)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        return
    with naming_failures(path):
        fs, remote = filesystem(path, storage_options)
    if scheme(path) not in OBJECT_STORES:
        # Other filesystems (memory, sftp, hdfs...) may show a file while it is written: a temporary
        # name beside the final one, moved into place on success, as on local disk.
        with _renamed_into_place(fs, remote) as tmp, _opened(fs, tmp, mode) as fh:
            yield fh
        return
    with naming_failures(path):
        handle = fs.open(remote, "wb")
    try:
        if "b" in mode:
            yield handle
        else:
            import io

            text = io.TextIOWrapper(handle, encoding="utf-8")
            yield text
            text.flush()
            text.detach()
    except BaseException:
        # An object store must not complete the upload of a partial object.
        discard = getattr(handle, "discard", None)
        if discard is not None:
            try:
                discard()
            except Exception:  # noqa: BLE001 - an upload never completed stays invisible anyway
                pass
        store_retries.check(path, sys.exc_info()[1])
        raise
    with naming_failures(path):
        handle.close()


@contextmanager
def _renamed_into_place(fs, remote: str) -> Iterator[str]:
    directory, _, name = remote.rpartition("/")
    tmp = f"{directory}/.{name}.{uuid.uuid4().hex}.tmp"
    try:
        yield tmp
        fs.mv(tmp, remote)
    finally:
        try:
            if fs.exists(tmp):
                fs.rm(tmp)
        except OSError:
            pass


@contextmanager
def _opened(fs, path: str, mode: str) -> Iterator[IO]:
    with fs.open(path, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as fh:
        yield fh


def write_bytes(path: str, data: bytes, storage_options: Mapping[str, Any] | None = None) -> None:
    with atomic_write(path, "wb", storage_options) as fh:
        fh.write(data)


def write_json(path: str, data: Any, storage_options: Mapping[str, Any] | None = None, indent: int | None = 2) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    write_bytes(path, text.encode("utf-8"), storage_options)


def read_json(path: str, storage_options: Mapping[str, Any] | None = None) -> Any:
    with naming_failures(path):
        fs, remote = filesystem(path, storage_options)
        with fs.open(remote, "rb") as fh:
            return json.loads(fh.read().decode("utf-8"))


def exists(path: str, storage_options: Mapping[str, Any] | None = None) -> bool:
    with naming_failures(path):
        fs, remote = filesystem(path, storage_options)
        return fs.exists(remote)


def open_parquet(path: str, storage_options: Mapping[str, Any] | None = None) -> pq.ParquetFile:
    """A Parquet file to read, local path or URL.

    Local files are read by Arrow itself. Others go through fsspec without pre-buffering: Arrow's
    read-ahead threads calling into a Python file object can still be alive when the interpreter
    exits, which aborts the process (seen with pyarrow 25: "terminate called without an active
    exception", exit status 134, a few runs in twenty).
    """
    if not is_url(path):
        return pq.ParquetFile(_local(path))
    with naming_failures(path):
        fs, remote = filesystem(path, storage_options)
        return pq.ParquetFile(fs.open(remote, "rb"), pre_buffer=False)


def read_parquet(path: str, columns: list[str] | None = None,
                 storage_options: Mapping[str, Any] | None = None) -> pa.Table:
    """A whole Parquet file (or some of its columns) as a table."""
    with naming_failures(path):
        return open_parquet(path, storage_options).read(columns=columns)


def unique_name(prefix: str, suffix: str) -> str:
    """A data file name no other writer (a retried or speculative attempt) can take: ``prefix-<uuid>suffix``."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}{suffix}"


class ParquetFileWriter:
    """Rows in, one Parquet file out, whole or absent; batches of rows are written as they fill.

    Use as a context manager: a clean exit commits the file (see :func:`atomic_write`), an
    exception discards it. With no rows there is no file unless ``always``. ``rows``
    counts what was written. A batch is written at ``batch_rows`` rows or, with ``batch_bytes``,
    at the row that brings its string and bytes values to that many characters and bytes (long
    documents then do not make the buffer large).
    """

    def __init__(
        self,
        path: str,
        schema: pa.Schema,
        *,
        always: bool = False,
        batch_rows: int = 1_000,
        batch_bytes: int | None = None,
        compression: str | None = "snappy",
        storage_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = path
        self.schema = schema
        self.always = always
        self.batch_rows = batch_rows
        self.batch_bytes = batch_bytes
        self._batch_size = 0
        self.compression = compression
        self.storage_options = storage_options
        self.rows = 0
        self._batch: list[dict[str, Any]] = []
        self._context = None
        self._file = None
        self._writer: pq.ParquetWriter | None = None

    def add(self, row: Mapping[str, Any]) -> None:
        self._batch.append(row)  # type: ignore[arg-type]
        if self.batch_bytes is not None:
            self._batch_size += sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))
        if len(self._batch) >= self.batch_rows or (self.batch_bytes is not None and self._batch_size >= self.batch_bytes):
            self._flush()

    def add_all(self, rows) -> None:
        for row in rows:
            self.add(row)

    def _flush(self) -> None:
        if self._writer is None:
            self._context = atomic_write(self.path, "wb", self.storage_options)
            self._file = self._context.__enter__()
            self._writer = pq.ParquetWriter(self._file, self.schema, compression=self.compression)
        if self._batch:
            self._writer.write_table(pa.Table.from_pylist(self._batch, schema=self.schema))
            self.rows += len(self._batch)
            self._batch = []
            self._batch_size = 0

    def __enter__(self) -> "ParquetFileWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort(exc_type, exc, tb)

    def commit(self) -> bool:
        """Write what is buffered and commit the file; whether a file was written."""
        if self._batch or (self.always and self._writer is None):
            self._flush()
        if self._writer is None:
            return False
        self._writer.close()
        self._writer = None
        context, self._context = self._context, None
        context.__exit__(None, None, None)
        return True

    def abort(self, exc_type=None, exc=None, tb=None) -> None:
        self._batch = []
        self._batch_size = 0
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # noqa: BLE001 - the file is thrown away anyway
                pass
            self._writer = None
        context, self._context = self._context, None
        if context is not None:
            error = exc if exc is not None else RuntimeError("write aborted")
            try:
                context.__exit__(type(error), error, None)
            except BaseException as raised:  # noqa: BLE001 - the context re-raises what it was given
                if raised is not error:
                    raise
