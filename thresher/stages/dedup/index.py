"""A dedup index: what a finished run kept, so a later run can drop it without re-reading the old crawl.

An index is a directory:

* ``bands*.parquet``: ``band_index`` (int32), ``band_hash`` (binary): the
  LSH band keys (:func:`thresher.stages.dedup.lsh.batch_band_keys`, hashed) of every
  kept document that has shingles;
* ``urls*.parquet``: ``url_key`` (:func:`thresher.stages.dedup.urls.url_key`), ``id``;
* ``texts*.parquet``: ``text_key`` (:func:`thresher.stages.dedup.normalize.exact_text_key`), ``id``;
* ``index.json``: the format version, the MinHash parameters and exact-text
  normalization the keys were made with, the data files of each table and
  their row counts.

``index.json`` is written last and lists its files: an index without it is
incomplete and refused, and stray files of an interrupted rewrite are never
read. A table is one file (``bands.parquet``, :func:`write_index`) or many
shards (``bands-00000-of-00004.parquet``, the Beam writer).

URL and text rows carry the id of the indexed document, so a document
dropped for them names its old copy in ``duplicate_of``. Band rows do not:
they are ``bands`` rows per document and dominate the index (16-byte hash
plus a 32-character id would more than double it), so a near-duplicate of
an indexed document is dropped with ``duplicate_of`` empty.

Keys only match keys made the same way: a later run whose MinHash
parameters (bands, rows, n-gram, seed, normalization, permutations, scheme,
shingle hash) or exact-text normalization differ is refused with a
:class:`~thresher.errors.ThresherError`, since its band hashes would silently
never match.
"""

from __future__ import annotations

import json
import posixpath
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from thresher.stages.dedup.lsh import BandKey
from thresher.stages.dedup.normalize import DEFAULT, exact_text_key
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.signing import document_band_keys
from thresher.stages.dedup.urls import url_key
from thresher.errors import ThresherError
from thresher.io import storage
from thresher.record import Document

FORMAT = "thresher-dedup-index"
FORMAT_VERSION = 1
META_FILE = "index.json"

BANDS, URLS, TEXTS = "bands", "urls", "texts"
TABLES = (BANDS, URLS, TEXTS)
SCHEMAS: dict[str, pa.Schema] = {
    BANDS: pa.schema(
        [pa.field("band_index", pa.int32(), nullable=False), pa.field("band_hash", pa.binary(), nullable=False)]
    ),
    URLS: pa.schema([pa.field("url_key", pa.string(), nullable=False), pa.field("id", pa.string(), nullable=False)]),
    TEXTS: pa.schema([pa.field("text_key", pa.string(), nullable=False), pa.field("id", pa.string(), nullable=False)]),
}

# What a document can match in an index, and the drop reason of each, in
# priority order: a document matching several is counted once, under the first.
URL, TEXT, NEAR = "url", "text", "near"
MATCHES = (URL, TEXT, NEAR)
REASONS = {URL: "in_index_url", TEXT: "in_index_text", NEAR: "in_index_near"}

# Versions of the key functions: bump when url_key or the band hashing changes.
URL_KEY_VERSION = 1
BAND_HASH = "xxh3_128"

# The MinHash fields that change band hashes (max_rounds does not).
_KEY_FIELDS = ("bands", "rows", "ngram", "seed", "normalization", "num_perm", "scheme", "hash")


def key_settings(params: MinHashParams, exact_normalization: str = DEFAULT) -> dict[str, Any]:
    """Everything a key depends on; two indexes (or an index and a run) match iff these are equal."""
    minhash = {name: getattr(params, name) for name in _KEY_FIELDS}
    minhash["num_perm"] = params.permutations  # None and its default mean the same permutations
    return {
        "minhash": minhash,
        "exact_normalization": exact_normalization,
        "url_key_version": URL_KEY_VERSION,
        "band_hash": BAND_HASH,
    }


def check_matches(matches: Iterable[str]) -> tuple[str, ...]:
    matches = tuple(matches)
    unknown = sorted(set(matches) - set(MATCHES))
    if unknown or not matches:
        raise ValueError(f"dedup index matches must be a non-empty subset of {list(MATCHES)}, got {list(matches)}")
    return tuple(m for m in MATCHES if m in matches)


# -- keys of documents ----------------------------------------------------------


@dataclass(frozen=True)
class DocumentKeys:
    id: str
    url_key: str
    text_key: str
    band_keys: list[BandKey]  # empty when the text has no words


def document_keys(
    docs: Sequence[Document], params: MinHashParams, exact_normalization: str = DEFAULT
) -> list[DocumentKeys]:
    """The index keys of a batch of documents (signed together: one numpy pass per batch)."""
    bands = document_band_keys([d.text for d in docs], params)
    return [
        DocumentKeys(d.id, url_key(d.url), exact_text_key(d.text, exact_normalization), keys)
        for d, keys in zip(docs, bands)
    ]


def index_rows(keys: DocumentKeys) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(table, row)`` for every index row of one document."""
    yield URLS, {"url_key": keys.url_key, "id": keys.id}
    yield TEXTS, {"text_key": keys.text_key, "id": keys.id}
    for band, band_hash in keys.band_keys:
        yield BANDS, {"band_index": band, "band_hash": band_hash}


# -- paths and metadata ---------------------------------------------------------


def join_path(directory: str, name: str) -> str:
    # posixpath keeps URLs (s3://bucket/dir) intact; local paths are POSIX here too.
    return posixpath.join(directory, name)


def _open(path: str, mode: str):
    fs, remote = storage.filesystem(path)
    return fs.open(remote, mode)


def _fs(path: str):
    """``(filesystem, path on it)`` for a local path or URL, with the options configured for it."""
    return storage.filesystem(path)


def make_dirs(path: str) -> None:
    fs, local = _fs(path)
    fs.makedirs(local, exist_ok=True)


def remove_meta(directory: str) -> None:
    """Delete ``index.json`` before rewriting an index, so a half-rewritten one is never taken as complete."""
    fs, local = _fs(join_path(directory, META_FILE))
    if fs.exists(local):
        fs.rm(local)


def _num_rows(path: str) -> int:
    return storage.open_parquet(path).metadata.num_rows


@dataclass
class IndexMeta:
    path: str
    settings: dict[str, Any]
    files: dict[str, list[str]]  # table -> file names, relative to ``path``
    rows: dict[str, int] = field(default_factory=dict)
    created: str = ""

    def table_files(self, table: str) -> list[str]:
        return [join_path(self.path, name) for name in self.files.get(table, [])]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            **self.settings,
            "files": self.files,
            "rows": self.rows,
            "created": self.created,
        }


def write_meta(
    directory: str,
    params: MinHashParams,
    files: dict[str, Iterable[str]],
    exact_normalization: str = DEFAULT,
    rows: dict[str, int] | None = None,
) -> IndexMeta:
    """Write ``index.json`` for data files already in place (names or paths; stored relative), last.

    ``rows``: each table's row count when the writer knows it; else read from the files' footers.
    """
    names = {table: sorted(posixpath.basename(str(f)) for f in files.get(table, ())) for table in TABLES}
    meta = IndexMeta(
        path=directory,
        settings=key_settings(params, exact_normalization),
        files=names,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    if rows is not None:
        meta.rows = {table: int(rows.get(table, 0)) for table in TABLES}
    else:
        meta.rows = {table: sum(_num_rows(p) for p in meta.table_files(table)) for table in TABLES}
    text = json.dumps(meta.to_json(), indent=2, sort_keys=True)
    storage.write_bytes(join_path(directory, META_FILE), text.encode("utf-8"))  # whole or absent
    return meta


def read_meta(directory: str) -> IndexMeta:
    """The index's ``index.json``; a :class:`ThresherError` if it is missing or not an index."""
    path = join_path(directory, META_FILE)
    try:
        with _open(path, "r") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise ThresherError(
            f"dedup index {directory}: no {META_FILE} (not an index, or its writing run did not finish)"
        ) from None
    except (OSError, ValueError) as exc:
        raise ThresherError(f"dedup index {directory}: cannot read {META_FILE}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ThresherError(f"dedup index {directory}: {META_FILE} is not a {FORMAT} file")
    if data.get("version") != FORMAT_VERSION:
        raise ThresherError(
            f"dedup index {directory}: format version {data.get('version')}, this Thresher reads {FORMAT_VERSION}"
        )
    settings = {key: data.get(key) for key in ("minhash", "exact_normalization", "url_key_version", "band_hash")}
    return IndexMeta(directory, settings, data.get("files") or {}, data.get("rows") or {}, data.get("created", ""))


def check_compatible(meta: IndexMeta, params: MinHashParams, exact_normalization: str = DEFAULT) -> None:
    """Refuse an index whose keys were made differently from this run's: they would never match."""
    wanted = key_settings(params, exact_normalization)
    differences = []
    for key, value in wanted.items():
        have = meta.settings.get(key)
        if key == "minhash":
            have = have or {}
            differences += [
                f"dedup.minhash.{name}: index {have.get(name)!r}, this run {value[name]!r}"
                for name in _KEY_FIELDS
                if have.get(name) != value[name]
            ]
        elif have != value:
            differences.append(f"{key}: index {have!r}, this run {value!r}")
    if differences:
        raise ThresherError(
            f"dedup index {meta.path} was built with other settings, so its keys cannot match this run's "
            f"({'; '.join(differences)}). Use the index's settings for this run, or rebuild the index with "
            f"this run's settings."
        )


def open_index(directory: str, params: MinHashParams, exact_normalization: str = DEFAULT) -> IndexMeta:
    """Read and check an index: the entry point of every reader."""
    meta = read_meta(directory)
    check_compatible(meta, params, exact_normalization)
    return meta


# -- in-memory writer and reader (small indexes, tests, reference) -------------------


def write_index(
    directory: str,
    docs: Iterable[Document],
    params: MinHashParams,
    exact_normalization: str = DEFAULT,
    batch_size: int = 512,
) -> IndexMeta:
    """Index ``docs`` (a run's kept documents) into ``directory``: one Parquet file per table."""
    make_dirs(directory)
    remove_meta(directory)
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    batch: list[Document] = []

    def flush() -> None:
        for keys in document_keys(batch, params, exact_normalization):
            for table, row in index_rows(keys):
                rows[table].append(row)
        batch.clear()

    for doc in docs:
        batch.append(doc)
        if len(batch) >= batch_size:
            flush()
    flush()
    files = {}
    for table in TABLES:
        schema = SCHEMAS[table]
        data = pa.Table.from_pylist(rows[table], schema=schema)
        name = f"{table}.parquet"
        with storage.atomic_write(join_path(directory, name)) as fh:
            pq.write_table(data, fh)
        files[table] = [name]
    return write_meta(directory, params, files, exact_normalization)


@dataclass
class LoadedIndex:
    """An index held in memory: ``{url key: id}``, ``{text key: id}``, ``{band key}``."""

    urls: dict[str, str]
    texts: dict[str, str]
    bands: set[BandKey]


def load_index(
    directories: str | Sequence[str], params: MinHashParams, exact_normalization: str = DEFAULT
) -> LoadedIndex:
    """Read one or more indexes whole (small indexes only; the Beam transform joins instead)."""
    if isinstance(directories, str):
        directories = [directories]
    loaded = LoadedIndex({}, {}, set())
    for directory in directories:
        meta = open_index(directory, params, exact_normalization)
        for table, target, key in ((URLS, loaded.urls, "url_key"), (TEXTS, loaded.texts, "text_key")):
            for path in meta.table_files(table):
                data = storage.read_parquet(path).to_pydict()
                for k, doc_id in zip(data[key], data["id"]):
                    # The smallest id per key: the same answer whatever the file order.
                    if k not in target or doc_id < target[k]:
                        target[k] = doc_id
        for path in meta.table_files(BANDS):
            data = storage.read_parquet(path).to_pydict()
            loaded.bands.update(zip(data["band_index"], data["band_hash"]))
    return loaded


def match_index(
    keys: DocumentKeys, index: LoadedIndex, matches: Sequence[str] = MATCHES
) -> tuple[str, str | None] | None:
    """``(match kind, indexed id or None)`` of the first match in priority order, or None: the reference rule."""
    if URL in matches and keys.url_key in index.urls:
        return URL, index.urls[keys.url_key]
    if TEXT in matches and keys.text_key in index.texts:
        return TEXT, index.texts[keys.text_key]
    if NEAR in matches and any(k in index.bands for k in keys.band_keys):
        return NEAR, None
    return None
