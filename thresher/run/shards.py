"""The shards job: kept documents -> tokens -> shards -> ``manifest.json``, over the Flow primitives.

The shard count follows from the total tokens and payload bytes (:func:`shard_count`); a
document's shard from its id (:func:`shard_index`); a shard's rows stream into a
:class:`ShardWriter` (sorted by id, or by a seeded hash of it, in bounded memory). The same input
gives byte-identical shards on any engine, in either of the two ways a run writes them:

* **one writer** (kept documents up to ``output.one_writer_max_bytes`` of files): one task
  tokenizes every document once (spilling the tokenized rows to a local file), counts the
  totals, and streams the rows into all the shards' writers. No document goes through a shuffle,
  so a local runner (whose driver holds every collection between stages) holds none of them;
* **grouped** (larger corpora): workers tokenize their files, one side value holds the totals,
  and rows meet their shard's writer through a grouping by shard index, across workers.

The manifest is written last, once every shard is, and an index no document went to still gets
its (empty) shard, so ``shard-i-of-N`` names always form a complete set.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyarrow as pa

from thresher.engines.base import Flow, MapStep, Step, StepContext, SumTuples, ToList
from thresher.io.manifest import build_manifest, merge_languages, write_manifest
from thresher.io.shards import (
    SPILL_BYTES,
    ShardInfo,
    ShardWriter,
    row_payload_bytes,
    shard_count,
    shard_index,
    shard_name,
    shard_schema,
)
from thresher.run.memory import parquet_batches, release_freed
from thresher.run.plan import OutputPlan
from thresher.stats import stage_timer
from thresher.stages.tokenize.counting import count_tokenized
from thresher.stages.tokenize.encoder import DocumentTokenizer

def document_columns(cluster_size: bool = False, kept_fields: Sequence[pa.Field] = ()) -> list[str]:
    """What a shard keeps of a document file's columns (tokens are added)."""
    return [f.name for f in shard_schema(True, cluster_size, kept_fields) if f.name not in ("token_ids", "token_count")]
TOKENIZE_BATCH = 256

ShardResult = tuple[ShardInfo, dict[str, dict[str, int]]]


class TokenizeFiles(Step):
    """Document files -> rows with ``token_ids`` (uint32 bytes: compact through the shuffle) and ``token_count``.

    The tokenizer loads once per worker; ``encode_batch`` runs each batch in Rust threads.
    """

    batch_size = 1

    def __init__(self, tokenizer: DocumentTokenizer, cluster_size: bool = False, kept_fields: Sequence[pa.Field] = ()) -> None:
        self.tokenizer = tokenizer
        self.columns = document_columns(cluster_size, kept_fields)

    def setup(self) -> None:
        self.tokenizer.load()

    def process(self, paths: list[str], ctx: StepContext) -> Iterator[dict[str, Any]]:
        for path in paths:
            yield from tokenized_rows(path, self.tokenizer, ctx.stats, self.columns)


def tokenized_rows(path: str, tokenizer: DocumentTokenizer, stats: Any, columns: list[str]) -> Iterator[dict[str, Any]]:
    """A document file's rows with their tokens, a batch at a time (``encode_batch`` runs in Rust threads)."""
    for batch in parquet_batches(path, TOKENIZE_BATCH, columns):
        # Timed apart from the yields, which run the next steps' work.
        with stage_timer(stats, "tokenize", cpu="process"):
            rows = batch.to_pylist()
            texts = [row["text"] for row in rows]
            for row, packed in zip(rows, tokenizer.encode_batch_packed(texts)):
                row["token_ids"] = packed
                row["token_count"] = len(packed) // 4
        yield from rows
        count_tokenized(stats, texts, [row["token_count"] for row in rows])


def _sizes(row: dict[str, Any], keep_text: bool, kept: Sequence[str] = ()) -> Iterator[tuple[int, int]]:
    yield row["token_count"], row_payload_bytes(row, keep_text, kept)


class AssignShard(Step):
    """Rows -> ``(shard index, row)``; the text is left out here when the shards do not keep it."""

    def __init__(self, output: OutputPlan) -> None:
        self.output = output

    def process(self, rows: list[dict[str, Any]], ctx: StepContext) -> Iterator[tuple[int, dict[str, Any]]]:
        out = self.output
        num_shards = planned_shards(ctx.sides["sizes"], out)
        for row in rows:
            if not out.keep_text:
                row = {k: v for k, v in row.items() if k != "text"}  # not shuffled for nothing
            yield shard_index(row["id"], num_shards, out.shuffle_seed), row


def planned_shards(sizes: tuple[int, int], output: OutputPlan) -> int:
    tokens, payload = sizes
    return shard_count(tokens, output.shard_target_tokens, payload, output.shard_target_bytes)


class WriteShard(Step):
    """``(shard index, rows)`` -> the shard, streamed through a :class:`ShardWriter`; its info."""

    stage = "shards"

    def __init__(self, directory: str, output: OutputPlan) -> None:
        self.directory = directory
        self.output = output

    def process(self, batch: list[tuple[int, Iterable[dict[str, Any]]]], ctx: StepContext) -> Iterator[ShardResult]:
        num_shards = planned_shards(ctx.sides["sizes"], self.output)
        for index, rows in batch:
            writer = open_shard(self.directory, index, num_shards, self.output)
            writer.add_all(rows)
            yield close_shard(writer, ctx.stats)


def open_shard(directory: str, index: int, num_shards: int, output: OutputPlan, spill_bytes: int = SPILL_BYTES,
               release: bool = False) -> ShardWriter:
    """A shard's writer; ``release``: one that hands freed memory back after each merge pass (the one writer's)."""
    kind = ReleasingShardWriter if release else ShardWriter
    return kind(directory, shard_name(index, num_shards), keep_text=output.keep_text,
                cluster_size=output.cluster_size, kept_fields=output.kept_fields,
                compression=output.compression, shuffle_seed=output.shuffle_seed, spill_bytes=spill_bytes)


class ReleasingShardWriter(ShardWriter):
    """A :class:`ShardWriter` that gives the heap's freed pages back after each merge pass.

    A run with more run files than the merge fan-in first merges them in groups; what those passes
    freed stayed in the heap, under the final merge's peak (8x of the memory benchmark: +41 MB kept
    after the first pass, final merge peak 360 MB; handed back after each pass, 325 MB, as the 1x
    run's 321 MB, whose four runs need no such pass). Issue 19: the one writer runs in the driver.
    """

    def _merge(self, runs: Sequence[str], max_rows: int, max_bytes: int | None) -> Iterator[pa.Table]:
        yield from super()._merge(runs, max_rows, max_bytes)
        release_freed()


def close_shard(writer: ShardWriter, stats: Any) -> ShardResult:
    """Write the shard out; count it; its info and per-language counts (for the manifest)."""
    try:
        info = writer.close()
    except BaseException:
        writer.abort()
        raise
    stats.inc("shards/written")
    stats.inc("shards/documents", info.rows)
    stats.inc("shards/tokens", info.tokens)
    return info, {lang: dict(counts) for lang, counts in writer.languages.items()}


class WriteManifest(Step):
    """Once every shard is written (side ``shards``): empty shards for unused indexes, then ``manifest.json``."""

    def __init__(self, directory: str, manifest: str, output: OutputPlan, tokenizer_info: Mapping[str, Any],
                 config: Mapping[str, Any]) -> None:
        self.directory = directory
        self.manifest = manifest
        self.output = output
        self.tokenizer_info = dict(tokenizer_info)
        self.config = dict(config)

    def process(self, batch: list[Any], ctx: StepContext) -> Iterator[str]:
        num_shards = planned_shards(ctx.sides["sizes"], self.output)
        finish_shards(list(ctx.sides["shards"]), num_shards, self)
        yield self.manifest


def finish_shards(results: list[ShardResult], num_shards: int, target: "WriteManifest | WriteAllShards") -> None:
    """Empty shards for the indexes no document went to, then ``manifest.json`` (last)."""
    out = target.output
    written = {info.name for info, _ in results}
    for index in range(num_shards):
        if shard_name(index, num_shards) not in written:
            with open_shard(target.directory, index, num_shards, out) as writer:
                results.append((writer.close(), {}))
    manifest = build_manifest(
        [info for info, _ in results],
        tokenizer=target.tokenizer_info,
        keep_text=out.keep_text,
        languages=merge_languages(per for _, per in results),
        config=target.config,
        shuffle_seed=out.shuffle_seed,
        cluster_size=out.cluster_size,
        kept_fields=out.kept_fields,
    )
    write_manifest(target.manifest, manifest)


#: The one writer keeps at most this many payload bytes of rows in memory, over all its shards'
#: writers. It runs in the driver on a local runner (a small job), so it is kept well below a small
#: run's size: the driver's peak memory then does not grow with the corpus (issue 19). Spilling
#: more often only adds run files to merge; the shards' bytes do not depend on it.
ONE_WRITER_MEMORY = 4 * 1024 * 1024


class WriteAllShards(WriteManifest):
    """Every document file -> every shard and the manifest, in one task, with no shuffle.

    Tokenizes each document once, spilling the tokenized rows to a local file while it counts the
    totals; then the shard count is known and the rows stream into the shards' writers, whose
    buffers share :data:`ONE_WRITER_MEMORY`.
    """

    stage = None

    def __init__(self, directory: str, manifest: str, output: OutputPlan, tokenizer_info: Mapping[str, Any],
                 config: Mapping[str, Any], tokenizer: DocumentTokenizer) -> None:
        super().__init__(directory, manifest, output, tokenizer_info, config)
        self.tokenizer = tokenizer

    def setup(self) -> None:
        self.tokenizer.load()

    def process(self, batch: list[list[str]], ctx: StepContext) -> Iterator[str]:
        import tempfile
        from contextlib import ExitStack

        import pyarrow as pa
        import pyarrow.parquet as pq

        out, stats = self.output, ctx.stats
        with tempfile.TemporaryDirectory(prefix="thresher-tokens-") as spill, ExitStack() as writers_open:
            spill_path = f"{spill}/tokenized.parquet"
            tokens = payload = 0
            schema = spill_schema(out.cluster_size, out.kept_fields)
            columns = document_columns(out.cluster_size, out.kept_fields)
            kept = [f.name for f in out.kept_fields]
            with pq.ParquetWriter(spill_path, schema, compression="lz4") as spilled:
                pending: list[dict[str, Any]] = []
                pending_bytes = 0
                rows = (row for paths in batch for path in paths
                        for row in tokenized_rows(path, self.tokenizer, stats, columns))
                for row in rows:
                    size = row_payload_bytes(row, out.keep_text, kept)
                    tokens += row["token_count"]
                    payload += size
                    pending_bytes += size
                    pending.append(row)
                    if len(pending) >= SPILL_BATCH or pending_bytes >= SPILL_BATCH_BYTES:
                        spilled.write_table(pa.Table.from_pylist(pending, schema=schema))
                        pending, pending_bytes = [], 0
                if pending:
                    spilled.write_table(pa.Table.from_pylist(pending, schema=schema))
            num_shards = planned_shards((tokens, payload), out)
            spill_bytes = max(1 << 20, min(SPILL_BYTES, ONE_WRITER_MEMORY // num_shards))
            writers = [writers_open.enter_context(open_shard(self.directory, i, num_shards, out, spill_bytes, release=True))
                       for i in range(num_shards)]
            with stage_timer(stats, "shards"):
                spilled_file = pq.ParquetFile(spill_path)
                for group in range(spilled_file.num_row_groups):  # one written batch at a time
                    for row in spilled_file.read_row_group(group).to_pylist():
                        if not out.keep_text:
                            del row["text"]
                        writers[shard_index(row["id"], num_shards, out.shuffle_seed)].add(row)
                results = [close_shard(writer, stats) for writer in writers if writer.rows]
        finish_shards(results, num_shards, self)
        yield self.manifest


def spill_schema(cluster_size: bool, kept_fields: Sequence[pa.Field] = ()) -> pa.Schema:
    """Rows of the one writer's local spill file: the shard's columns, token ids still packed."""
    return pa.schema([f if f.name != "token_ids" else pa.field("token_ids", pa.binary(), nullable=False)
                      for f in shard_schema(True, cluster_size, kept_fields)])
#: Rows of the spill file written (and read back) at a time: at most this many rows, and a batch
#: written ends at the row that brings it to ``SPILL_BATCH_BYTES`` payload bytes (bounded memory
#: for long documents, as :data:`ONE_WRITER_MEMORY`).
SPILL_BATCH = 1_000
SPILL_BATCH_BYTES = 2 * 1024 * 1024


def shards(flow: Flow, document_files: list[str], tokenizer: DocumentTokenizer, tokenizer_info: Mapping[str, Any],
           output: OutputPlan, directory: str, manifest: str, config: Mapping[str, Any],
           document_bytes: int | None = None) -> None:
    """The shards job over the kept documents' files (``document_bytes``: their size, when known)."""
    if document_bytes is not None and document_bytes <= output.one_writer_max_bytes:
        flow.apply("WriteAllShards", flow.create("AllFiles", [list(document_files)]),
                   WriteAllShards(directory, manifest, output, tokenizer_info, config, tokenizer))
        return
    rows = flow.cache(flow.apply("Tokenize", flow.create("DocumentFiles", document_files),
                                 TokenizeFiles(tokenizer, output.cluster_size, output.kept_fields)))
    kept = tuple(f.name for f in output.kept_fields)
    sizes = flow.singleton(
        "TotalSizes", flow.apply("Sizes", rows, MapStep(partial(_sizes, keep_text=output.keep_text, kept=kept))), SumTuples(2)
    )
    keyed = flow.apply("AssignShard", rows, AssignShard(output), sides={"sizes": sizes})
    infos = flow.apply("WriteShard", flow.group("GroupByShard", keyed), WriteShard(directory, output), sides={"sizes": sizes})
    flow.apply(
        "WriteManifest", flow.create("Once", ["manifest"]),
        WriteManifest(directory, manifest, output, tokenizer_info, config),
        sides={"shards": flow.singleton("ShardInfos", infos, ToList(key=_shard_name)), "sizes": sizes},
    )


def _shard_name(result: ShardResult) -> str:
    return result[0].name
