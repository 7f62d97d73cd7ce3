"""Shards: deterministic assignment, sorted rows, atomic files whose checksums match."""

from __future__ import annotations

import hashlib

import pyarrow.parquet as pq

from thresher.io.manifest import build_manifest
from thresher.io.shards import shard_count, shard_index, shard_name, write_shard
from thresher.record import document_id


def _rows(n: int):
    rows = []
    for i in range(n):
        doc_id = document_id(None, f"http://example.com/{i}", "2024-01-01T00:00:00Z")
        rows.append(
            dict(id=doc_id, url=f"http://example.com/{i}", crawl_date="2024-01-01T00:00:00Z",
                 source="s.warc.gz", offset=i, language="en", language_score=0.9,
                 text=f"text {i}", token_ids=[1, 2, i % 7, 0], token_count=4)
        )
    return rows


def test_shard_assignment_depends_on_id_only():
    rows = _rows(200)
    assert shard_count(0, 100) == 1 and shard_count(1001, 100) == 11
    placed = [shard_index(r["id"], 4) for r in rows]
    assert set(placed) == {0, 1, 2, 3}
    assert placed == [shard_index(r["id"], 4) for r in reversed(rows)][::-1]
    assert shard_name(3, 12) == "shard-00003-of-00012.parquet"


def test_write_shard_is_sorted_byte_identical_and_checksummed(tmp_path):
    rows = _rows(50)
    a = write_shard(rows, str(tmp_path / "a"), "s.parquet", keep_text=True)
    b = write_shard(list(reversed(rows)), str(tmp_path / "b"), "s.parquet", keep_text=True)
    data_a = (tmp_path / "a" / "s.parquet").read_bytes()
    assert data_a == (tmp_path / "b" / "s.parquet").read_bytes()
    assert a.sha256 == hashlib.sha256(data_a).hexdigest() == b.sha256
    assert (a.rows, a.tokens, a.bytes) == (50, 200, len(data_a))
    table = pq.read_table(tmp_path / "a" / "s.parquet")
    assert table.column("id").to_pylist() == sorted(r["id"] for r in rows)
    assert str(table.schema.field("token_ids").type) == "list<element: uint32>"
    assert not list((tmp_path / "a").glob("*.tmp"))


def test_text_column_is_optional(tmp_path):
    write_shard(_rows(3), str(tmp_path), "s.parquet", keep_text=False)
    assert "text" not in pq.read_schema(tmp_path / "s.parquet").names


def test_manifest_totals(tmp_path):
    info = write_shard(_rows(10), str(tmp_path), "s.parquet", keep_text=True)
    manifest = build_manifest([info], tokenizer={"vocab_size": 10}, keep_text=True,
                              languages={"en": {"documents": 10, "tokens": 40}}, config={})
    assert manifest["totals"] == {"documents": 10, "tokens": 40, "bytes": info.bytes, "shards": 1}
    assert manifest["shards"][0]["sha256"] == info.sha256


def test_seeded_shuffle_is_deterministic_and_differs_from_id_order(tmp_path):
    from thresher.io.shards import row_order_key

    rows = _rows(60)
    seeded = [shard_index(r["id"], 4, 17) for r in rows]
    assert seeded == [shard_index(r["id"], 4, 17) for r in rows]
    assert seeded != [shard_index(r["id"], 4) for r in rows]
    assert seeded != [shard_index(r["id"], 4, 18) for r in rows]
    write_shard(rows, str(tmp_path), "s.parquet", keep_text=False, shuffle_seed=17)
    ids = pq.read_table(tmp_path / "s.parquet").column("id").to_pylist()
    assert ids == sorted(ids, key=lambda i: row_order_key(i, 17)) != sorted(ids)
