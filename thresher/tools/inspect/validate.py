"""``thresher inspect validate``: every promise of docs/SHARDS.md, checked against the files.

Checks, in order: the manifest against itself; the tokenizer file against the
manifest; the shard files present against the manifest's list; then for every
shard its size, sha256, Parquet footer, schema and every document (rows and
token totals, ``token_count``, ids sorted, unique and in their shard, token ids
inside the vocabulary, EOS last and nowhere else). Data are read a record batch
at a time, so memory stays flat whatever the shard size.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from thresher.tools.inspect.schema import contract_schema, schema_differences
from thresher.tools.inspect.stats import UNKNOWN_LANGUAGE
from thresher.io.shards import SCHEMA_VERSION, row_order_key, shard_index
from thresher.tools.loader import storage
from thresher.tools.loader.run import MANIFEST_NAME, SHARD_NAME, TOKENIZER_NAME, Run, ShardEntry
from thresher.tools.loader.stream import flatten_token_lists

EXAMPLES_PER_CHECK = 3
_BATCH_ROWS = 4096


@dataclass(frozen=True)
class Problem:
    check: str  # manifest, tokenizer, files, size, sha256, parquet, schema, rows, tokens, ...
    where: str  # a file name
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ValidationReport:
    path: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    shards: int = 0
    documents: int = 0
    tokens: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "checked": {"shards": self.shards, "documents": self.documents, "tokens": self.tokens},
            "problems": [asdict(p) for p in self.problems],
            "warnings": [asdict(p) for p in self.warnings],
        }


def validate_run(run: Run) -> ValidationReport:
    report = ValidationReport(path=run.location)

    def fail(check: str, where: str, message: str) -> None:
        report.problems.append(Problem(check, where, message))

    vocab_size, eos_id = _check_manifest(run, fail)
    _check_tokenizer(run, vocab_size, eos_id, fail)
    present = _check_files(run, fail, report)
    languages: dict[str, Counter] = {}
    read_fully = 0
    for shard in run.shards:
        if shard.name not in present:
            continue
        fully = _check_shard(run, shard, vocab_size, eos_id, fail, report, languages)
        report.shards += fully
        read_fully += fully
    if read_fully == len(run.shards):
        # Compared only when every shard was read: a missing one is already reported.
        _check_languages(run, languages, fail)
    return report


# --- the manifest and the files around the shards ------------------------------------------


def _check_manifest(run: Run, fail: Callable[[str, str, str], None]) -> tuple[int | None, int | None]:
    manifest, where = run.manifest, MANIFEST_NAME
    if run.schema_version != SCHEMA_VERSION:
        fail("manifest", where, f"schema_version is {manifest.get('schema_version')!r}, "
             f"this validator knows version {SCHEMA_VERSION}")
    info = run.tokenizer_info
    vocab_size, eos_id = info.get("vocab_size"), info.get("eos_id")
    if not isinstance(vocab_size, int) or vocab_size < 1:
        fail("manifest", where, f"tokenizer.vocab_size is {vocab_size!r}, expected a positive integer")
        vocab_size = None
    if not isinstance(eos_id, int) or (vocab_size is not None and not 0 <= eos_id < vocab_size):
        fail("manifest", where, f"tokenizer.eos_id is {eos_id!r}, expected an id inside the vocabulary")
        eos_id = None
    shards = run.shards
    totals = manifest.get("totals") or {}
    sums = {"documents": sum(s.rows for s in shards), "tokens": sum(s.tokens for s in shards),
            "bytes": sum(s.bytes for s in shards), "shards": len(shards)}
    for key, value in sums.items():
        if totals.get(key) != value:
            fail("manifest", where,
                 f"totals.{key} is {totals.get(key)!r} but the shard entries add up to {value}")
    names = [s.name for s in shards]
    if names != sorted(set(names)):
        fail("manifest", where, "shard names are not unique and sorted")
    planned = set()
    for shard in shards:
        match = SHARD_NAME.match(shard.name)
        if not match:
            fail("manifest", where, f"shard name {shard.name!r} does not follow shard-NNNNN-of-NNNNN.parquet")
            continue
        index, count = int(match.group(1)), int(match.group(2))
        planned.add(count)
        if index >= count:
            fail("manifest", where,
                 f"shard name {shard.name!r}: index {index} is not below the shard count {count}")
    if len(planned) > 1:
        fail("manifest", where, f"shard names disagree on the shard count: {sorted(planned)}")
    languages = manifest.get("languages") or {}
    for key in ("documents", "tokens"):
        total = sum(int(v.get(key, 0)) for v in languages.values())
        if languages and total != sums[key]:
            fail("manifest", where, f"languages add up to {total} {key}, the shards hold {sums[key]}")
    return vocab_size, eos_id


def _check_tokenizer(run: Run, vocab_size: int | None, eos_id: int | None, fail) -> None:
    where = TOKENIZER_NAME
    if not storage.is_file(run.fs, run.tokenizer_path):
        fail("tokenizer", where, "missing: shards cannot be decoded without the tokenizer beside them")
        return
    info = run.tokenizer_info
    recorded = info.get("sha256")
    if recorded and storage.sha256(run.fs, run.tokenizer_path) != recorded:
        fail("tokenizer", where, f"sha256 differs from the manifest's tokenizer.sha256 {recorded}")
    from tokenizers import Tokenizer  # only validate decodes; the loader never needs it

    try:
        tokenizer = Tokenizer.from_str(storage.read_bytes(run.fs, run.tokenizer_path).decode("utf-8"))
    except Exception as exc:  # the tokenizers library raises a bare Exception on bad JSON
        fail("tokenizer", where, f"not a loadable tokenizer ({exc})")
        return
    actual = tokenizer.get_vocab_size(with_added_tokens=True)
    if vocab_size is not None and actual != vocab_size:
        fail("tokenizer", where, f"vocabulary has {actual} tokens, the manifest says {vocab_size}")
    eos_token = info.get("eos_token")
    if eos_token is not None and eos_id is not None and tokenizer.token_to_id(eos_token) != eos_id:
        fail("tokenizer", where, f"{eos_token!r} has id {tokenizer.token_to_id(eos_token)!r}, "
             f"the manifest says eos_id {eos_id}")


def _check_files(run: Run, fail, report: ValidationReport) -> set[str]:
    names = storage.list_names(run.fs, run.root)
    on_disk = {n for n in names if fnmatch.fnmatch(n, "shard-*.parquet")}
    listed = {s.name for s in run.shards}
    for name in sorted(listed - on_disk):
        fail("files", name, "listed in the manifest but missing from the run directory")
    for name in sorted(on_disk - listed):
        fail("files", name, "present in the run directory but not listed in the manifest")
    for name in names:
        if fnmatch.fnmatch(name, "shard-*.tmp") or fnmatch.fnmatch(name, "*.json.tmp"):
            report.warnings.append(Problem("files", name, "leftover temporary file of an interrupted write"))
    return listed & on_disk


# --- one shard --------------------------------------------------------------------------


def _check_shard(run: Run, shard: ShardEntry, vocab_size, eos_id, fail, report, languages) -> bool:
    """Check one shard; True when all its documents could be read."""
    name, path = shard.name, run.shard_path(shard.name)
    size = storage.file_size(run.fs, path)
    if size != shard.bytes:
        fail("size", name, f"file is {size} bytes, the manifest says {shard.bytes}")
    digest = storage.sha256(run.fs, path)
    if digest != shard.sha256:
        fail("sha256", name, f"sha256 mismatch: file {digest}, manifest {shard.sha256}")
    try:
        shard_file = pq.ParquetFile(run.fs.open_input_file(path))
        schema = shard_file.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        fail("parquet", name, f"not a readable Parquet file ({exc})")
        return False
    for difference in schema_differences(schema, contract_schema(run, schema)):
        fail("schema", name, difference)
    needed = {"id", "token_count", "token_ids", "language"}
    if not needed <= set(schema.names) or not _is_integer_list(schema.field("token_ids").type):
        return False  # the schema problems above say why; document checks need these columns
    seed = (run.manifest.get("ordering") or {}).get("shuffle_seed")
    checker = _DocumentChecker(shard, vocab_size, eos_id, fail, seed)
    try:
        for batch in shard_file.iter_batches(batch_size=_BATCH_ROWS, columns=sorted(needed)):
            checker.check(batch, languages)
    except (pa.ArrowException, OSError) as exc:
        fail("parquet", name, f"data pages cannot be read ({exc})")
        return False
    checker.finish()
    report.documents += checker.rows
    report.tokens += checker.tokens
    return True


def _is_integer_list(arrow_type: pa.DataType) -> bool:
    return pa.types.is_list(arrow_type) and pa.types.is_integer(arrow_type.value_type)


class _DocumentChecker:
    """Per-document checks over record batches; a few examples per check, then a count."""

    def __init__(
        self, shard: ShardEntry, vocab_size: int | None, eos_id: int | None, fail, shuffle_seed: int | None = None
    ) -> None:
        self.shuffle_seed = shuffle_seed
        self.shard, self.vocab_size, self.eos_id, self.fail = shard, vocab_size, eos_id, fail
        self.rows = 0
        self.tokens = 0
        self.previous_id: str | None = None
        self.failures: dict[str, list[str]] = {}
        self.failure_counts: Counter = Counter()

    def note(self, check: str, message: str) -> None:
        self.failure_counts[check] += 1
        examples = self.failures.setdefault(check, [])
        if len(examples) < EXAMPLES_PER_CHECK:
            examples.append(message)

    def check(self, batch: pa.RecordBatch, languages: dict[str, Counter]) -> None:
        ids = batch.column("id").to_pylist()
        counts = batch.column("token_count").to_numpy(zero_copy_only=False).astype(np.int64)
        token_lists = batch.column("token_ids")
        lengths, flat = flatten_token_lists(token_lists)
        flat = flat.astype(np.int64)
        first_row = self.rows
        self.rows += len(ids)
        self.tokens += int(counts.sum())
        self._check_ids(ids, first_row)
        if token_lists.null_count or (len(flat) and pc.list_flatten(token_lists).null_count):
            self.note("token_ids", "null values in token_ids")
        for row in np.flatnonzero(counts != lengths):
            self.note("token_count", f"document {ids[row]}: token_count {counts[row]}, "
                      f"but token_ids holds {lengths[row]} ids")
        ends = np.cumsum(lengths)
        starts = ends - lengths
        self._check_vocabulary(ids, flat, starts, ends)
        self._check_eos(ids, flat, lengths, starts, ends)
        for lang, tokens in zip(batch.column("language").to_pylist(), counts.tolist()):
            per = languages.setdefault(lang or UNKNOWN_LANGUAGE, Counter())
            per["documents"] += 1
            per["tokens"] += tokens

    def _check_ids(self, ids: list[str], first_row: int) -> None:
        index, planned = self.shard.index, self.shard.planned_shards
        for offset, doc_id in enumerate(ids):
            order_key = row_order_key(doc_id, self.shuffle_seed)
            if self.previous_id is not None and order_key <= self.previous_id:
                word = "repeats" if order_key == self.previous_id else "comes after"
                self.note("ids", f"row {first_row + offset}: id {doc_id} {word} the previous row's: "
                          "rows must be sorted by id (or by its seeded hash), ids unique")
            self.previous_id = order_key
            if planned > 0:
                try:
                    home = shard_index(doc_id, planned, self.shuffle_seed)
                except ValueError:
                    self.note("ids", f"row {first_row + offset}: id {doc_id!r} is not a hex document id")
                    continue
                if home != index:
                    self.note("ids", f"document {doc_id} belongs in shard {home} of {planned}, not {index}")

    def _check_vocabulary(self, ids, flat, starts, ends) -> None:
        if self.vocab_size is None or not len(flat):
            return
        outside = np.flatnonzero((flat >= self.vocab_size) | (flat < 0))
        if not len(outside):
            return
        rows = np.searchsorted(ends, outside, side="right")
        for row in np.unique(rows):
            position = int(outside[rows == row][0])
            self.note("vocabulary", f"document {ids[row]}: token id {int(flat[position])} at position "
                      f"{position - int(starts[row])} is outside the vocabulary (vocab_size {self.vocab_size})")

    def _check_eos(self, ids, flat, lengths, starts, ends) -> None:
        if self.eos_id is None:
            return
        for row in np.flatnonzero(lengths == 0):
            self.note("eos", f"document {ids[row]} has no tokens, not even EOS")
        filled = np.flatnonzero(lengths > 0)
        last = flat[ends[filled] - 1]
        for row in filled[last != self.eos_id]:
            self.note("eos", f"document {ids[row]}: last token is {int(flat[ends[row] - 1])}, "
                      f"not EOS ({self.eos_id})")
        # Every EOS that is not some document's last token sits inside a document.
        eos_positions = np.flatnonzero(flat == self.eos_id)
        inside = np.setdiff1d(eos_positions, ends[filled] - 1, assume_unique=True)
        if len(inside):
            rows = np.searchsorted(ends, inside, side="right")
            for row in np.unique(rows):
                position = int(inside[rows == row][0])
                self.note("eos", f"document {ids[row]}: EOS ({self.eos_id}) inside the document at "
                          f"position {position - int(starts[row])} of {int(lengths[row])}")

    def finish(self) -> None:
        name, shard = self.shard.name, self.shard
        if self.rows != shard.rows:
            self.fail("rows", name, f"holds {self.rows} documents, the manifest says {shard.rows}")
        if self.tokens != shard.tokens:
            self.fail("tokens", name, f"token_count adds up to {self.tokens}, the manifest says {shard.tokens}")
        for check, examples in self.failures.items():
            for message in examples:
                self.fail(check, name, message)
            more = self.failure_counts[check] - len(examples)
            if more > 0:
                self.fail(check, name, f"... and {more} more {check} problems")


def _check_languages(run: Run, languages: dict[str, Counter], fail) -> None:
    recorded = run.manifest.get("languages")
    if not recorded:
        return
    for lang in sorted(set(recorded) | set(languages)):
        want = recorded.get(lang, {})
        have = languages.get(lang, Counter())
        for key in ("documents", "tokens"):
            if int(want.get(key, 0)) != int(have.get(key, 0)):
                fail("languages", MANIFEST_NAME, f"languages.{lang}.{key} is {int(want.get(key, 0))}, "
                     f"the shards hold {int(have.get(key, 0))}")
