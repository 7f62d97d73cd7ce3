"""Single documents: the first N of a run, or one by id (or unique id prefix), decoded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from thresher.errors import ThresherError
from thresher.tools.inspect.tokenizer import RunTokenizer
from thresher.io.shards import shard_index
from thresher.tools.loader.run import Run

_ID_HEX_DIGITS = 32


def head_documents(run: Run, count: int) -> list[dict[str, Any]]:
    """The first ``count`` documents in stream order without shuffling: shards by name, rows in order."""
    if count < 0:
        raise ThresherError(f"-n must be 0 or more, got {count}")
    tokenizer = RunTokenizer.for_run(run)
    found: list[dict[str, Any]] = []
    for shard in run.shards:
        if len(found) >= count:
            break
        shard_file = run.open_shard(shard.name)
        row = 0
        for batch in shard_file.iter_batches(batch_size=max(1, count - len(found))):
            for record in batch.to_pylist():
                if len(found) >= count:
                    break
                found.append(_document(record, shard.name, row, tokenizer))
                row += 1
            if len(found) >= count:
                break
    return found


def find_document(run: Run, id_or_prefix: str) -> dict[str, Any]:
    """The document whose id is ``id_or_prefix`` or starts with it; an error when none or several."""
    given = id_or_prefix.strip()
    if not given:
        raise ThresherError("show: the document ID is empty")
    # An id the input gave (input.id_field) is matched as it is, before any prefix.
    exact = _exact_matches(run, given)
    if len(exact) == 1:
        name, row = exact[0]
        return _document(_read_row(run.open_shard(name), row), name, row, RunTokenizer.for_run(run))
    key = given.lower()
    matches: list[tuple[str, int]] = []
    for shard in _shards_that_may_hold(run, key):
        ids = run.open_shard(shard.name).read(columns=["id"]).column("id")
        hit = pc.starts_with(ids, key) if len(key) < _ID_HEX_DIGITS else pc.equal(ids, key)
        for row in np.flatnonzero(hit.to_numpy(zero_copy_only=False)):
            matches.append((shard.name, int(row)))
        if len(matches) > 5:
            break
    if not matches:
        raise ThresherError(f"show: no document with id {id_or_prefix!r} in {run.location}")
    if len(matches) > 1:
        raise ThresherError(
            f"show: {id_or_prefix!r} is a prefix of several ids; give more digits "
            f"(first matches in {', '.join(sorted({name for name, _ in matches}))})"
        )
    name, row = matches[0]
    record = _read_row(run.open_shard(name), row)
    return _document(record, name, row, RunTokenizer.for_run(run))


def _exact_matches(run: Run, doc_id: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for shard in _shards_that_may_hold(run, doc_id, exact=True):
        ids = run.open_shard(shard.name).read(columns=["id"]).column("id")
        found.extend((shard.name, int(row)) for row in np.flatnonzero(pc.equal(ids, doc_id).to_numpy(zero_copy_only=False)))
    return found


def _shards_that_may_hold(run: Run, key: str, exact: bool = False) -> list:
    """A full id names its shard (``shard_index``); a prefix needs every shard scanned."""
    seed = (run.manifest.get("ordering") or {}).get("shuffle_seed")
    # With a seed only the whole id names the shard; without, its first 16 digits do.
    if exact or len(key) >= (32 if seed is not None else 16):
        for shard in run.shards:
            try:
                home = shard_index(key, shard.planned_shards, seed) if shard.planned_shards > 0 else -1
            except ValueError:
                return list(run.shards)
            if shard.index == home:
                return [shard]
    return list(run.shards)


def _read_row(shard_file: pq.ParquetFile, row: int) -> dict[str, Any]:
    start = 0
    for group in range(shard_file.metadata.num_row_groups):
        rows = shard_file.metadata.row_group(group).num_rows
        if row < start + rows:
            table: pa.Table = shard_file.read_row_group(group)
            return table.slice(row - start, 1).to_pylist()[0]
        start += rows
    raise ThresherError(f"row {row} is past the end of the shard")


def _document(record: dict[str, Any], shard: str, row: int, tokenizer: RunTokenizer | None) -> dict[str, Any]:
    ids = record.get("token_ids") or []
    stored = record.get("text")
    if tokenizer is not None:
        text, source = tokenizer.decode(ids), "decoded from token_ids with tokenizer.json"
    elif stored is not None:
        text, source = stored, "text column (no tokenizer.json beside the shards)"
    else:
        raise ThresherError("cannot show text: no tokenizer.json beside the shards and no text column")
    document = {k: v for k, v in record.items() if k not in ("token_ids", "text")}
    if isinstance(document.get("language_score"), float):
        # float32 in the file; the pipeline rounds scores to 4 digits, so show them that way.
        document["language_score"] = round(document["language_score"], 4)
    document.update(shard=shard, row=row, text=text, text_source=source)
    if stored is not None and tokenizer is not None and stored != text:
        document["warning"] = "the decoded tokens differ from the stored text column"
    return document
