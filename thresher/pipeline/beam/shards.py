"""Phase B's tail on Beam: tokenize kept documents, write shards, then the manifest."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Iterator

import apache_beam as beam

from thresher.io.manifest import build_manifest, write_json_atomic
from thresher.io.shards import ShardInfo, shard_count, shard_index, shard_name, write_shard
from thresher.pipeline.beam.metrics import BeamStats
from thresher.tokenize.encoder import DocumentTokenizer


class _TokenizeBatchFn(beam.DoFn):
    """Encodes a batch of documents at once (``encode_batch`` runs in Rust threads)."""

    def __init__(self, tokenizer: DocumentTokenizer) -> None:
        self.tokenizer = tokenizer

    def setup(self) -> None:
        self.tokenizer.load()
        self.stats = BeamStats()

    def process(self, rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        encoded = self.tokenizer.encode_batch([r["text"] for r in rows])
        tokens = 0
        for row, ids in zip(rows, encoded):
            out = dict(row)
            out["token_ids"] = ids
            out["token_count"] = len(ids)
            tokens += len(ids)
            yield out
        self.stats.inc("tokenize/in", len(rows))
        self.stats.inc("tokenize/kept", len(rows))
        self.stats.inc("tokenize/tokens", tokens)


class TokenizeDocuments(beam.PTransform):
    def __init__(self, tokenizer: DocumentTokenizer, batch_size: int = 256) -> None:
        super().__init__()
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    def expand(self, rows):
        return (
            rows
            | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=self.batch_size)
            | "Encode" >> beam.ParDo(_TokenizeBatchFn(self.tokenizer))
        )


class _WriteShardFn(beam.DoFn):
    def __init__(self, directory: str, keep_text: bool, compression: str, shuffle_seed: int | None) -> None:
        self.directory = directory
        self.keep_text = keep_text
        self.compression = compression
        self.shuffle_seed = shuffle_seed

    def setup(self) -> None:
        self.stats = BeamStats()

    def process(self, keyed: tuple[int, Iterable[dict[str, Any]]], num_shards: int):
        index, rows = keyed
        rows = list(rows)
        info = write_shard(
            rows,
            self.directory,
            shard_name(index, num_shards),
            keep_text=self.keep_text,
            compression=self.compression,
            shuffle_seed=self.shuffle_seed,
        )
        languages: dict[str, Counter] = {}
        for row in rows:
            per = languages.setdefault(row.get("language") or "unknown", Counter())
            per["documents"] += 1
            per["tokens"] += row["token_count"]
        self.stats.inc("shards/written")
        self.stats.inc("shards/documents", info.rows)
        self.stats.inc("shards/tokens", info.tokens)
        yield info, {lang: dict(c) for lang, c in languages.items()}


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

    def process(self, results: list[tuple[ShardInfo, dict]], num_shards: int):
        # A shard index no document hashed to still gets its (empty) file, so
        # shard-i-of-N names always form a complete set.
        written = {info.name for info, _ in results}
        for index in range(num_shards):
            name = shard_name(index, num_shards)
            if name not in written:
                empty = write_shard([], self.directory, name, keep_text=self.keep_text, compression=self.compression)
                results = [*results, (empty, {})]
        languages: dict[str, Counter] = {}
        for _info, per_shard in results:
            for lang, counts in per_shard.items():
                languages.setdefault(lang, Counter()).update(counts)
        manifest = build_manifest(
            [info for info, _ in results],
            tokenizer=self.tokenizer_info,
            keep_text=self.keep_text,
            languages={k: dict(v) for k, v in languages.items()},
            config=self.config,
            shuffle_seed=self.config.get("output", {}).get("shuffle_seed"),
        )
        write_json_atomic(self.path, manifest)
        yield self.path


class WriteShards(beam.PTransform):
    """Tokenized rows → ``shard-*.parquet`` files, then ``manifest.json`` last.

    The shard count follows from the total token count (a single-integer side
    input); a document's shard follows from its id; rows in a shard are sorted
    by id: the same input gives byte-identical shards on any engine.
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
        if target_bytes is not None:
            raise NotImplementedError("output.shard_target_bytes is being built")
        self.shuffle_seed = shuffle_seed
        self.directory = directory
        self.manifest_path = manifest_path
        self.target_tokens = target_tokens
        self.keep_text = keep_text
        self.compression = compression
        self.tokenizer_info = tokenizer_info
        self.config = config

    def expand(self, rows):
        target = self.target_tokens
        seed = self.shuffle_seed
        num_shards = (
            rows
            | "TokenCounts" >> beam.Map(lambda r: r["token_count"])
            | "TotalTokens" >> beam.CombineGlobally(sum)
            | "ShardCount" >> beam.Map(lambda total: shard_count(total, target))
        )
        shard_num = beam.pvalue.AsSingleton(num_shards)
        return (
            rows
            | "AssignShard" >> beam.Map(lambda r, n: (shard_index(r["id"], n, seed), r), n=shard_num)
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShard"
            >> beam.ParDo(
                _WriteShardFn(self.directory, self.keep_text, self.compression, self.shuffle_seed), shard_num
            )
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
