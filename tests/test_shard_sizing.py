"""output.shard_target_bytes: the payload measure, the shard count, and the shards job on every engine."""

from __future__ import annotations

import json
import math

import pyarrow.parquet as pq
import pytest

from flows import ENGINES, open_test_engine, write_documents
from thresher.io.shards import pack_token_ids, row_payload_bytes, shard_count
from thresher.record import Document, document_id
from thresher.run.plan import OutputPlan
from thresher.run.shards import shards
from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.stages.tokenize.encoder import DocumentTokenizer


def _row(i: int) -> dict:
    url = f"https://example.org/{i}"
    ids = list(range(1 + i % 17)) + [0]
    return dict(id=document_id(None, url, ""), url=url, crawl_date="", source="a.warc.gz", offset=i,
                text="Größe " * (i % 11), language=None if i % 4 == 0 else "de", language_score=0.75,
                token_ids=pack_token_ids(ids), token_count=len(ids))


def test_payload_bytes_is_the_uncompressed_size_of_the_values():
    row = dict(id="ab" * 16, url="http://x.org/ü", crawl_date="2024-01-01T00:00:00Z", source="s.warc.gz",
               offset=1, text="Größe", language=None, language_score=None, token_ids=[1, 2, 0], token_count=3)
    # strings in UTF-8 bytes; offset 8, language_score 4, token_count 4; 4 per token id; null language 0
    without_text = 32 + len("http://x.org/ü".encode()) + 20 + 9 + 8 + 4 + 4 + 3 * 4
    assert row_payload_bytes(row, keep_text=False) == without_text
    assert row_payload_bytes(row, keep_text=True) == without_text + len("Größe".encode())
    assert row_payload_bytes(dict(row, language="de"), keep_text=False) == without_text + 2


def test_shard_count_takes_the_larger_of_the_two_targets():
    assert shard_count(1_000, 300) == 4  # tokens only, as before
    assert shard_count(1_000, 300, 10_000, None) == 4
    assert shard_count(1_000, 300, 10_000, 1_000) == 10  # bytes ask for more
    assert shard_count(1_000, 300, 10_000, 5_000) == 4  # tokens ask for more
    assert shard_count(0, 300, 0, 1_000) == 1


def _documents_and_tokenizer(tmp_path, count: int, parts: int) -> tuple[list, list[str], DocumentTokenizer]:
    """``count`` documents in ``parts`` document files, and a tokenizer trained on them."""
    docs = [Document(id=r["id"], url=r["url"], text=r["text"] or "x", source=r["source"], offset=r["offset"],
                     language=r["language"], language_score=r["language_score"]) for r in map(_row, range(count))]
    files = [write_documents(docs[i::parts], tmp_path / "docs" / f"part-{i}.parquet") for i in range(parts)]
    tokenizer_path = tmp_path / "tokenizer.json"
    train_byte_level_bpe([d.text for d in docs], vocab_size=300, special_tokens=("<|endoftext|>",)).save(
        str(tokenizer_path))
    return docs, files, DocumentTokenizer(str(tokenizer_path))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("keep_text", [True, False])
def test_shards_job_sizes_by_bytes(engine, keep_text, tmp_path):
    docs, files, tokenizer = _documents_and_tokenizer(tmp_path, count=80, parts=3)
    tokenizer.load()
    expected_rows = []
    for d, ids in zip(docs, tokenizer.encode_batch_packed([d.text for d in docs])):
        expected_rows.append(dict(id=d.id, url=d.url, crawl_date="", source=d.source, language=d.language,
                                  text=d.text, token_count=len(ids) // 4))
    payload = sum(row_payload_bytes(r, keep_text) for r in expected_rows)
    tokens = sum(r["token_count"] for r in expected_rows)
    target_bytes = payload // 5 + 1  # five shards by bytes; one by tokens
    output = OutputPlan(keep_text=keep_text, shard_target_tokens=10 * tokens, shard_target_bytes=target_bytes,
                        shuffle_seed=None, compression="zstd")
    out = tmp_path / "out"
    out.mkdir()
    config = {"output": {"shard_target_tokens": 10 * tokens, "shard_target_bytes": target_bytes}}
    open_test_engine(engine).run("shards", lambda flow: shards(
        flow, files, tokenizer, {"vocab_size": 300}, output, str(out), str(out / "manifest.json"), config))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["totals"]["shards"] == math.ceil(payload / target_bytes) == 5
    assert manifest["sizing"] == {"target_tokens": 10 * tokens, "target_bytes": target_bytes, "payload_bytes": payload}
    assert sum(s["payload_bytes"] for s in manifest["shards"]) == payload
    by_language = {"de": {"documents": 0, "tokens": 0}, "unknown": {"documents": 0, "tokens": 0}}
    for r in expected_rows:
        entry = by_language[r["language"] or "unknown"]
        entry["documents"] += 1
        entry["tokens"] += r["token_count"]
    assert manifest["languages"] == by_language
    table = pq.read_table([out / s["name"] for s in manifest["shards"]])
    assert ("text" in table.schema.names) == keep_text
    assert sorted(table.column("id").to_pylist()) == sorted(d.id for d in docs)
    assert sum(table.column("token_count").to_pylist()) == tokens


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("keep_text", [True, False])
def test_one_writer_and_grouped_shards_are_the_same_bytes(engine, keep_text, tmp_path):
    """Small corpora are written by one task with no shuffle, larger ones grouped by shard: same files."""
    docs, files, tokenizer = _documents_and_tokenizer(tmp_path, count=300, parts=4)
    output = OutputPlan(keep_text=keep_text, shard_target_tokens=500, shard_target_bytes=None,
                        shuffle_seed=7, compression="zstd", one_writer_max_bytes=1 << 30)
    made = {}
    for mode, document_bytes in (("one", 0), ("grouped", None)):
        out = tmp_path / mode
        out.mkdir()
        counters = open_test_engine(engine).run("shards", lambda flow: shards(
            flow, files, tokenizer, {"vocab_size": 300}, output, str(out), str(out / "manifest.json"), {},
            document_bytes))
        manifest = json.loads((out / "manifest.json").read_text())
        made[mode] = ({p.name: p.read_bytes() for p in out.glob("shard-*.parquet")}, manifest["shards"],
                      {k: v for k, v in counters.items() if k.startswith(("shards/", "tokenize/")) and
                       not k.endswith(("time_us", "cpu_us"))})
    assert len(made["one"][0]) > 3  # several shards, some maybe empty
    assert made["one"] == made["grouped"]
