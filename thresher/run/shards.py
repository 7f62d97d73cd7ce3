"""The shards job: kept documents -> tokens -> shards -> ``manifest.json``, over the Flow primitives.

The shard count follows from the total tokens and payload bytes (:func:`shard_count`, one
side value); a document's shard from its id (:func:`shard_index`); the rows of a shard
meet in one group and stream into a :class:`ShardWriter` (sorted by id, or by a seeded
hash of it, in bounded memory). The same input gives byte-identical shards on any engine.
The manifest is written last, once every shard is, and an index no document went to still
gets its (empty) shard, so ``shard-i-of-N`` names always form a complete set.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Iterator, Mapping

from thresher.engines.base import Flow, MapStep, Step, StepContext, SumTuples, ToList
from thresher.io import storage
from thresher.io.manifest import build_manifest, merge_languages, write_manifest
from thresher.io.shards import (
    ShardInfo,
    ShardWriter,
    row_payload_bytes,
    shard_count,
    shard_index,
    shard_name,
    shard_schema,
)
from thresher.run.plan import OutputPlan
from thresher.stats import stage_timer
from thresher.stages.tokenize.counting import count_tokenized
from thresher.stages.tokenize.encoder import DocumentTokenizer

#: What a shard keeps of a document file's columns (tokens are added).
DOCUMENT_COLUMNS = [f.name for f in shard_schema(keep_text=True) if f.name not in ("token_ids", "token_count")]
TOKENIZE_BATCH = 256

ShardResult = tuple[ShardInfo, dict[str, dict[str, int]]]


class TokenizeFiles(Step):
    """Document files -> rows with ``token_ids`` (uint32 bytes: compact through the shuffle) and ``token_count``.

    The tokenizer loads once per worker; ``encode_batch`` runs each batch in Rust threads.
    """

    batch_size = 1

    def __init__(self, tokenizer: DocumentTokenizer) -> None:
        self.tokenizer = tokenizer

    def setup(self) -> None:
        self.tokenizer.load()

    def process(self, paths: list[str], ctx: StepContext) -> Iterator[dict[str, Any]]:
        for path in paths:
            for batch in storage.open_parquet(path).iter_batches(batch_size=TOKENIZE_BATCH, columns=DOCUMENT_COLUMNS):
                # Timed apart from the yields, which run the next steps' work.
                with stage_timer(ctx.stats, "tokenize", cpu="process"):
                    rows = batch.to_pylist()
                    texts = [row["text"] for row in rows]
                    for row, packed in zip(rows, self.tokenizer.encode_batch_packed(texts)):
                        row["token_ids"] = packed
                        row["token_count"] = len(packed) // 4
                yield from rows
                count_tokenized(ctx.stats, texts, [row["token_count"] for row in rows])


def _sizes(row: dict[str, Any], keep_text: bool) -> Iterator[tuple[int, int]]:
    yield row["token_count"], row_payload_bytes(row, keep_text)


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
        out, stats = self.output, ctx.stats
        num_shards = planned_shards(ctx.sides["sizes"], out)
        for index, rows in batch:
            with ShardWriter(self.directory, shard_name(index, num_shards), keep_text=out.keep_text,
                             compression=out.compression, shuffle_seed=out.shuffle_seed) as writer:
                writer.add_all(rows)
                info = writer.close()
            stats.inc("shards/written")
            stats.inc("shards/documents", info.rows)
            stats.inc("shards/tokens", info.tokens)
            yield info, {lang: dict(counts) for lang, counts in writer.languages.items()}


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
        out = self.output
        results: list[ShardResult] = list(ctx.sides["shards"])
        num_shards = planned_shards(ctx.sides["sizes"], out)
        written = {info.name for info, _ in results}
        for index in range(num_shards):
            name = shard_name(index, num_shards)
            if name not in written:
                with ShardWriter(self.directory, name, keep_text=out.keep_text, compression=out.compression) as w:
                    results.append((w.close(), {}))
        manifest = build_manifest(
            [info for info, _ in results],
            tokenizer=self.tokenizer_info,
            keep_text=out.keep_text,
            languages=merge_languages(per for _, per in results),
            config=self.config,
            shuffle_seed=out.shuffle_seed,
        )
        write_manifest(self.manifest, manifest)
        yield self.manifest


def shards(flow: Flow, document_files: list[str], tokenizer: DocumentTokenizer, tokenizer_info: Mapping[str, Any],
           output: OutputPlan, directory: str, manifest: str, config: Mapping[str, Any]) -> None:
    """The shards job over the kept documents' files."""
    rows = flow.cache(flow.apply("Tokenize", flow.create("DocumentFiles", document_files), TokenizeFiles(tokenizer)))
    sizes = flow.singleton(
        "TotalSizes", flow.apply("Sizes", rows, MapStep(partial(_sizes, keep_text=output.keep_text))), SumTuples(2)
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
