"""Phase B's tail on Beam: tokenize kept documents, write shards, then the manifest."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import apache_beam as beam

from thresher.io.manifest import build_manifest, merge_languages, write_json_atomic
from thresher.io.shards import (
    SPILL_BYTES,
    SPILL_ROWS,
    ShardInfo,
    ShardWriter,
    row_payload_bytes,
    shard_count,
    shard_index,
    shard_name,
)
from thresher.engines.beam.metrics import BeamStats
from thresher.stats import stage_timer
from thresher.tokenize.counting import count_tokenized
from thresher.tokenize.encoder import DocumentTokenizer

#: What a tokenized row keeps of a document: the shard's columns (the text is dropped later
#: when the shards do not keep it, since the byte measure may need it).
ROW_COLUMNS = ("id", "url", "crawl_date", "source", "offset", "text", "language", "language_score")

ShardResult = tuple[ShardInfo, dict[str, dict[str, int]]]


class _TokenizeBatchFn(beam.DoFn):
    """Encodes a batch of documents at once (``encode_batch`` runs in Rust threads).

    Rows leave with ``token_ids`` packed as uint32 bytes (compact through the shuffle)
    and only the columns a shard keeps.
    """

    def __init__(self, tokenizer: DocumentTokenizer) -> None:
        self.tokenizer = tokenizer

    def setup(self) -> None:
        self.tokenizer.load()
        self.stats = BeamStats()

    def process(self, rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        # Timed apart from the yields, which run the fused steps downstream.
        with stage_timer(self.stats, "tokenize", cpu="process"):
            texts = [r["text"] for r in rows]
            encoded = self.tokenizer.encode_batch_packed(texts)
            out = []
            for row, packed in zip(rows, encoded):
                tokenized = {column: row.get(column) for column in ROW_COLUMNS}
                tokenized["token_ids"] = packed
                tokenized["token_count"] = len(packed) // 4
                out.append(tokenized)
        count_tokenized(self.stats, texts, [r["token_count"] for r in out])
        return out


class TokenizeDocuments(beam.PTransform):
    def __init__(self, tokenizer: DocumentTokenizer, batch_size: int = 256) -> None:
        super().__init__()
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    def expand(self, rows):
        return (
            rows
            # Fixed-size batches: the adaptive default starts at one document and handed the
            # tokenizer ~11 at a time, paying encode_batch's per-call cost ~20 times as often.
            | "Batch" >> beam.BatchElements(min_batch_size=self.batch_size, max_batch_size=self.batch_size)
            | "Encode" >> beam.ParDo(_TokenizeBatchFn(self.tokenizer))
        )


class _WriteShardFn(beam.DoFn):
    """Streams one shard's rows into a :class:`ShardWriter` (bounded memory, sorted on disk)."""

    def __init__(
        self,
        directory: str,
        keep_text: bool,
        compression: str,
        shuffle_seed: int | None,
        spill_rows: int = SPILL_ROWS,
        spill_bytes: int = SPILL_BYTES,
    ) -> None:
        self.directory = directory
        self.keep_text = keep_text
        self.compression = compression
        self.shuffle_seed = shuffle_seed
        self.spill_rows = spill_rows
        self.spill_bytes = spill_bytes

    def setup(self) -> None:
        self.stats = BeamStats()

    def process(self, keyed: tuple[int, Iterable[dict[str, Any]]], num_shards: int) -> Iterator[ShardResult]:
        index, rows = keyed
        with stage_timer(self.stats, "shards"):
            with ShardWriter(
                self.directory,
                shard_name(index, num_shards),
                keep_text=self.keep_text,
                compression=self.compression,
                shuffle_seed=self.shuffle_seed,
                spill_rows=self.spill_rows,
                spill_bytes=self.spill_bytes,
            ) as writer:
                writer.add_all(rows)
                info = writer.close()
        self.stats.inc("shards/written")
        self.stats.inc("shards/documents", info.rows)
        self.stats.inc("shards/tokens", info.tokens)
        yield info, {lang: dict(c) for lang, c in writer.languages.items()}


class _WriteManifestFn(beam.DoFn):
    def __init__(
        self, path: str, directory: str, tokenizer_info: dict, keep_text: bool, compression: str, config: dict
    ) -> None:
        self.path = path
        self.directory = directory
        self.tokenizer_info = tokenizer_info
        self.keep_text = keep_text
        self.compression = compression
        self.config = config

    def process(self, results: list[ShardResult], num_shards: int):
        # A shard index no document hashed to still gets its (empty) file, so
        # shard-i-of-N names always form a complete set.
        written = {info.name for info, _ in results}
        for index in range(num_shards):
            name = shard_name(index, num_shards)
            if name not in written:
                with ShardWriter(self.directory, name, keep_text=self.keep_text, compression=self.compression) as w:
                    results = [*results, (w.close(), {})]
        manifest = build_manifest(
            [info for info, _ in results],
            tokenizer=self.tokenizer_info,
            keep_text=self.keep_text,
            languages=merge_languages(per for _, per in results),
            config=self.config,
            shuffle_seed=self.config.get("output", {}).get("shuffle_seed"),
        )
        write_json_atomic(self.path, manifest)
        yield self.path


def _sizes(row: dict[str, Any], keep_text: bool) -> tuple[int, int]:
    return row["token_count"], row_payload_bytes(row, keep_text)


def _add_sizes(pairs: Iterable[tuple[int, int]]) -> tuple[int, int]:
    tokens = payload = 0
    for t, b in pairs:
        tokens += t
        payload += b
    return tokens, payload


def _keyed_by_shard(
    row: dict[str, Any], num_shards: int, shuffle_seed: int | None, keep_text: bool
) -> tuple[int, dict[str, Any]]:
    if not keep_text:
        row = {k: v for k, v in row.items() if k != "text"}  # not shuffled for nothing
    return shard_index(row["id"], num_shards, shuffle_seed), row


class WriteShards(beam.PTransform):
    """Tokenized rows → ``shard-*.parquet`` files, then ``manifest.json`` last.

    The shard count follows from the total token count and payload bytes
    (:func:`shard_count`, a single-integer side input); a document's shard follows from its id; rows in a shard are
    sorted by id: the same input gives byte-identical shards on any engine.
    """

    def __init__(
        self,
        directory: str,
        manifest_path: str,
        *,
        target_tokens: int,
        keep_text: bool,
        compression: str,
        tokenizer_info: dict,
        config: dict,
        shuffle_seed: int | None = None,
        target_bytes: int | None = None,
    ) -> None:
        super().__init__()
        self.shuffle_seed = shuffle_seed
        self.directory = directory
        self.manifest_path = manifest_path
        self.target_tokens = target_tokens
        self.target_bytes = target_bytes
        self.keep_text = keep_text
        self.compression = compression
        self.tokenizer_info = tokenizer_info
        self.config = config

    def expand(self, rows):
        target_tokens, target_bytes = self.target_tokens, self.target_bytes
        seed, keep_text = self.shuffle_seed, self.keep_text
        num_shards = (
            rows
            | "Sizes" >> beam.Map(_sizes, keep_text)
            | "TotalSizes" >> beam.CombineGlobally(_add_sizes)
            | "ShardCount"
            >> beam.MapTuple(lambda tokens, payload: shard_count(tokens, target_tokens, payload, target_bytes))
        )
        shard_num = beam.pvalue.AsSingleton(num_shards)
        return (
            rows
            | "AssignShard" >> beam.Map(_keyed_by_shard, shard_num, seed, keep_text)
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(_WriteShardFn(self.directory, self.keep_text, self.compression, self.shuffle_seed), shard_num)
            | "CollectShardInfo" >> beam.combiners.ToList()
            | "WriteManifest"
            >> beam.ParDo(
                _WriteManifestFn(
                    self.manifest_path,
                    self.directory,
                    self.tokenizer_info,
                    self.keep_text,
                    self.compression,
                    self.config,
                ),
                shard_num,
            )
        )
