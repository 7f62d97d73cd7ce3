"""Shards as written load in other readers with no conversion: pyarrow, DuckDB, Hugging Face datasets."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from test_inspect_fixture import make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("interop") / "run")


def _shard_glob(run) -> str:
    return str(run.path / "shard-*.parquet")


def test_pyarrow_dataset_reads_the_directory(run):
    # Only shard files: the run directory also holds manifest.json and _work/.
    dataset = ds.dataset([str(run.path / s.name) for s in run.shards], format="parquet")
    table = dataset.to_table(columns=["id", "token_ids"])
    assert table.num_rows == 36
    assert str(table.schema.field("token_ids").type) == "list<element: uint32>"
    by_id = dict(zip(table.column("id").to_pylist(), table.column("token_ids").to_pylist()))
    assert all(by_id[r["id"]] == r["token_ids"] for r in run.rows)


def test_duckdb_queries_the_shards(run):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    con = duckdb.connect()
    documents, tokens, listed, eos_last = con.execute(
        f"SELECT count(*), sum(token_count), sum(len(token_ids)), "
        f"count(*) FILTER (WHERE token_ids[-1] = {run.tokenizer.eos_id}) "
        f"FROM read_parquet('{_shard_glob(run)}')"
    ).fetchone()
    assert (documents, tokens, listed, eos_last) == (36, sum(r["token_count"] for r in run.rows),
                                                    sum(r["token_count"] for r in run.rows), 36)
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{_shard_glob(run)}')").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["token_ids"] == "UINTEGER[]" and types["token_count"] == "INTEGER"
    by_language = dict(con.execute(
        f"SELECT coalesce(language, 'unknown'), count(*) FROM read_parquet('{_shard_glob(run)}') GROUP BY 1"
    ).fetchall())
    assert by_language == {"en": 9, "de": 9, "ja": 9, "unknown": 9}


def test_hugging_face_datasets_loads_the_shards(run, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is not installed")
    loaded = datasets.load_dataset(
        "parquet", data_files=sorted(str(run.path / s.name) for s in run.shards), split="train",
        cache_dir=str(tmp_path / "hf-cache"),
    )
    assert loaded.num_rows == 36
    assert loaded.features["token_ids"].feature.dtype == "uint32"
    assert [row["token_ids"] for row in loaded] == [r["token_ids"] for r in run.rows]
    assert loaded[0]["text"] == run.rows[0]["text"]
    # Arrow formatting keeps the file's uint32; datasets' numpy formatting widens to int64.
    arrow_ids = loaded.with_format("arrow")[0:1].column("token_ids")
    assert arrow_ids.type.value_type == pa.uint32()
    first = loaded.with_format("numpy")[0]["token_ids"]
    assert first.dtype == np.int64 and first.tolist() == run.rows[0]["token_ids"]
