"""A fake-but-real run directory for the inspect, loader and export tests.

A real byte-level BPE (trained here), real DocumentTokenizer encodings with EOS
appended, shards written by ``write_shard`` and a manifest from
``build_manifest``: everything a pipeline run leaves, minus the crawl.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

from thresher.io.manifest import build_manifest
from thresher.io.storage import write_json as write_json_atomic
from thresher.io.shards import ShardInfo, shard_index, shard_name, shard_schema, write_shard, row_order_key
from thresher.record import document_id
from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.stages.tokenize.encoder import DocumentTokenizer, file_sha256

_sha256 = file_sha256

_SENTENCES = {
    "en": [
        "The quick brown fox jumps over the lazy dog.",
        "Rain fell on the harbour all night, and the boats knocked together.",
        "She wrote the numbers down twice: 3.14159 and 2.71828.",
        "A second paragraph, with  double  spaces and a tab\there.",
    ],
    "de": [
        "Der schnelle braune Fuchs springt über den faulen Hund.",
        "Größe, Maß und Straße bleiben auch nach der Tokenisierung gleich.",
    ],
    "ja": ["東京の天気は晴れです。", "明日は雨が降るでしょう。"],
    None: ["Emoji 🎉 and symbols ∑ √ → survive\r\nCRLF line ends."],
}


def sample_documents(count: int = 36) -> list[tuple[str, str | None]]:
    """(text, language) pairs of varied length, deterministic."""
    languages = list(_SENTENCES)
    docs = []
    for i in range(count):
        lang = languages[i % len(languages)]
        pool = _SENTENCES[lang]
        sentences = [pool[(i + k) % len(pool)] for k in range(1 + i % 5)]
        docs.append((f"Document {i}. " + " ".join(sentences), lang))
    return docs


@lru_cache(maxsize=4)
def _tokenizer_json(vocab_size: int) -> str:
    texts = [text for text, _ in sample_documents(60)]
    return train_byte_level_bpe(texts, vocab_size=vocab_size, min_frequency=1).to_str()


def train_tokenizer(path: Path, vocab_size: int = 400) -> DocumentTokenizer:
    path.write_text(_tokenizer_json(vocab_size), encoding="utf-8")
    return DocumentTokenizer(str(path))


def make_rows(docs: list[tuple[str, str | None]], tokenizer: DocumentTokenizer) -> list[dict[str, Any]]:
    encoded = tokenizer.encode_batch([text for text, _ in docs])
    rows = []
    for i, ((text, lang), ids) in enumerate(zip(docs, encoded)):
        url = f"https://example.org/page/{i}"
        crawl_date = "2024-05-01T00:00:00Z"
        rows.append(
            dict(
                id=document_id(None, url, crawl_date), url=url, crawl_date=crawl_date,
                source="crawl-00000.warc.gz", offset=1000 * i, text=text, language=lang,
                language_score=None if lang is None else 0.9, token_count=len(ids), token_ids=ids,
            )
        )
    return rows


def write_small_groups_shard(rows, directory: str, name: str, *, keep_text: bool, row_group_size: int) -> ShardInfo:
    """Like ``write_shard`` but with small row groups, which the contract allows and loaders must handle."""
    schema = shard_schema(keep_text)
    ordered = sorted(rows, key=lambda r: r["id"])
    table = pa.Table.from_pydict({f.name: [r.get(f.name) for r in ordered] for f in schema}, schema=schema)
    path = os.path.join(directory, name)
    pq.write_table(table, path, compression="zstd", row_group_size=row_group_size)
    return ShardInfo(name=name, rows=len(ordered), tokens=sum(r["token_count"] for r in ordered),
                     bytes=os.path.getsize(path), sha256=_sha256(path))


@dataclass
class FakeRun:
    path: Path
    tokenizer: DocumentTokenizer
    rows: list[dict[str, Any]]  # in stream order without shuffling: shard name, then id
    shards: list[ShardInfo] = field(default_factory=list)

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def shard_file(self, index: int = 0) -> Path:
        return self.path / self.shards[index].name

    def rewrite_manifest(self, **changes: Any) -> None:
        import json

        manifest = json.loads(self.manifest_path.read_text())
        manifest.update(changes)
        write_json_atomic(str(self.manifest_path), manifest)


def write_run(
    directory: Path,
    rows: list[dict[str, Any]],
    tokenizer: DocumentTokenizer,
    *,
    num_shards: int = 3,
    keep_text: bool = True,
    row_group_size: int | None = None,
    assign: Callable[[dict[str, Any]], int] | None = None,
    shuffle_seed: int | None = None,
) -> FakeRun:
    """Shards by ``shard_index`` (as the pipeline assigns them), the tokenizer copy, the manifest.

    ``assign`` overrides the shard of a row, to build runs that break the contract.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if os.path.abspath(tokenizer.path) != str(directory / "tokenizer.json"):
        shutil.copyfile(tokenizer.path, directory / "tokenizer.json")
    by_shard: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        index = assign(row) if assign else shard_index(row["id"], num_shards, shuffle_seed)
        by_shard.setdefault(index, []).append(row)
    infos, languages = [], {}
    for index in sorted(by_shard):
        name = shard_name(index, num_shards)
        shard_rows = by_shard[index]
        if row_group_size is None:
            infos.append(write_shard(shard_rows, str(directory), name, keep_text=keep_text,
                                     shuffle_seed=shuffle_seed))
        else:
            infos.append(write_small_groups_shard(shard_rows, str(directory), name,
                                                  keep_text=keep_text, row_group_size=row_group_size))
        for row in shard_rows:
            per = languages.setdefault(row.get("language") or "unknown", Counter())
            per["documents"] += 1
            per["tokens"] += row["token_count"]
    tok_path = str(directory / "tokenizer.json")
    tokenizer_info = {
        "file": "tokenizer.json", "source": "trained on this run's kept text", "trained": True,
        "sha256": file_sha256(tok_path), "vocab_size": tokenizer.vocab_size,
        "eos_token": tokenizer.eos_token, "eos_id": tokenizer.eos_id,
    }
    manifest = build_manifest(infos, tokenizer=tokenizer_info, keep_text=keep_text,
                              languages={k: dict(v) for k, v in languages.items()}, config={},
                              shuffle_seed=shuffle_seed)
    write_json_atomic(str(directory / "manifest.json"), manifest)
    (directory / "stats.json").write_text("{}\n")
    (directory / "_work").mkdir(exist_ok=True)
    ordered = [r for index in sorted(by_shard)
               for r in sorted(by_shard[index], key=lambda r: row_order_key(r["id"], shuffle_seed))]
    return FakeRun(path=directory, tokenizer=DocumentTokenizer(tok_path), rows=ordered, shards=infos)


def make_run(directory: Path, *, documents: int = 36, num_shards: int = 3, keep_text: bool = True,
             row_group_size: int | None = None, vocab_size: int = 400,
             shuffle_seed: int | None = None) -> FakeRun:
    scratch = directory.parent / f"{directory.name}-tokenizer.json"
    tokenizer = train_tokenizer(scratch, vocab_size)
    rows = make_rows(sample_documents(documents), tokenizer)
    return write_run(directory, rows, tokenizer, num_shards=num_shards, keep_text=keep_text,
                     row_group_size=row_group_size, shuffle_seed=shuffle_seed)


def cli(capsys, *argv: str) -> tuple[int, str]:
    """Run ``thresher inspect ARGV`` through a parser built like the top-level one: (exit code, stdout)."""
    import argparse

    from thresher.tools.inspect.cli import add_inspect_parser

    parser = argparse.ArgumentParser(prog="thresher")
    add_inspect_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["inspect", *argv])
    code = args.func(args)
    return code, capsys.readouterr().out


# --- the helper's own checks -------------------------------------------------------------


def test_fixture_is_a_complete_run(tmp_path):
    run = make_run(tmp_path / "run")
    names = sorted(p.name for p in run.path.glob("shard-*.parquet"))
    assert names == [s.name for s in run.shards] and len(names) == 3
    assert (run.path / "tokenizer.json").is_file() and (run.path / "stats.json").is_file()
    assert sum(s.rows for s in run.shards) == len(run.rows) == 36


def test_text_tokens_decode_round_trip_through_a_shard(tmp_path):
    run = make_run(tmp_path / "run")
    texts = {text for text, _ in sample_documents(36)}
    eos = run.tokenizer.eos_id
    decoded = set()
    for shard in run.shards:
        table = pq.read_table(run.path / shard.name)
        for ids, text in zip(table.column("token_ids").to_pylist(), table.column("text").to_pylist()):
            assert ids[-1] == eos and eos not in ids[:-1]
            assert run.tokenizer.decode(ids) == text
            decoded.add(text)
    assert decoded == texts
