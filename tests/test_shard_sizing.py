"""output.shard_target_bytes: the payload measure, the shard count, and WriteShards on Beam's DirectRunner."""

from __future__ import annotations

import json
import math

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from thresher.io.shards import pack_token_ids, row_payload_bytes, shard_count
from thresher.engines.beam.shards import WriteShards
from thresher.record import document_id


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


@pytest.mark.parametrize("keep_text", [True, False])
def test_write_shards_on_beam_sizes_by_bytes(tmp_path, keep_text):
    rows = [_row(i) for i in range(80)]
    payload = sum(row_payload_bytes(r, keep_text) for r in rows)
    tokens = sum(r["token_count"] for r in rows)
    target_bytes = payload // 5 + 1  # five shards by bytes; one by tokens
    config = {"output": {"shard_target_tokens": 10 * tokens, "shard_target_bytes": target_bytes}}
    with beam.Pipeline(options=PipelineOptions(["--direct_num_workers=1"])) as pipeline:
        _ = (
            pipeline
            | beam.Create(rows)
            | WriteShards(str(tmp_path), str(tmp_path / "manifest.json"), target_tokens=10 * tokens,
                          target_bytes=target_bytes, keep_text=keep_text, compression="zstd",
                          tokenizer_info={"vocab_size": 32}, config=config)
        )
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["totals"]["shards"] == math.ceil(payload / target_bytes) == 5
    assert manifest["sizing"] == {"target_tokens": 10 * tokens, "target_bytes": target_bytes, "payload_bytes": payload}
    assert sum(s["payload_bytes"] for s in manifest["shards"]) == payload
    assert manifest["languages"] == {"de": {"documents": 60, "tokens": sum(r["token_count"] for r in rows[1::4])
                                            + sum(r["token_count"] for r in rows[2::4])
                                            + sum(r["token_count"] for r in rows[3::4])},
                                     "unknown": {"documents": 20, "tokens": sum(r["token_count"] for r in rows[::4])}}
    table = pq.read_table([tmp_path / s["name"] for s in manifest["shards"]])
    assert ("text" in table.schema.names) == keep_text
    assert sorted(table.column("id").to_pylist()) == sorted(r["id"] for r in rows)
    assert sorted(map(tuple, table.column("token_ids").to_pylist())) == sorted(
        tuple(int.from_bytes(r["token_ids"][k : k + 4], "little") for k in range(0, len(r["token_ids"]), 4))
        for r in rows
    )
