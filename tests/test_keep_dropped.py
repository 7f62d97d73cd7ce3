"""``output.keep_dropped``: every dropped document, with its stage, reason and signals, in ``OUTPUT/dropped/``.

The bundled sample runs through the real DirectRunner with it on (and the shared ``sample_run``
with it off); the dedup job runs on Beam and Spark through the harness of tests/flows.py; and the
whole sample runs on Spark in local mode. The dataset is read the way readers must read it: by its
``_manifest.json``, written last.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from flows import ENGINES, dedup_plan, doc, open_test_engine, write_documents
from thresher.cli import main
from thresher.config import config_from_dict
from thresher.io.dropped import dropped_schema, split_reason
from thresher.run.driver import run_pipeline
from thresher.run.layout import dataset_files, read_dataset_manifest
from thresher.stats import is_measurement


def dropped_rows(out: Path) -> list[dict]:
    return [row for path in dataset_files(str(out / "dropped")) for row in pq.read_table(path).to_pylist()]


def stage_drops(stats: dict) -> Counter:
    """``(stage, reason) -> documents`` as stats.json counts the drops."""
    counts: Counter = Counter()
    for stage in stats["stages"]:
        for reason, n in stage.get("dropped", {}).items():
            counts[(stage["stage"], reason)] += n
    return counts


def shard_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("shard-*.parquet"))}


@pytest.fixture(scope="module")
def kept_dropped_run(tmp_path_factory):
    """The bundled sample with keep_dropped, otherwise the config of the shared ``sample_run``."""
    out = tmp_path_factory.mktemp("keep-dropped")
    config = config_from_dict({"output": {"path": str(out), "shard_target_tokens": 20_000, "keep_dropped": True},
                               "runner": {"workers": 2}})
    return run_pipeline(config), out


def test_it_is_off_by_default_and_the_shards_are_the_same_bytes_either_way(sample_run, kept_dropped_run):
    (off, off_dir), (on, on_dir) = sample_run, kept_dropped_run
    assert not (off_dir / "dropped").exists()
    assert shard_bytes(on_dir) and shard_bytes(on_dir) == shard_bytes(off_dir)
    manifest = lambda d: {k: v for k, v in json.loads((d / "manifest.json").read_text()).items() if k != "config"}
    assert manifest(on_dir) == manifest(off_dir)
    counts = lambda stats: {k: v for k, v in stats["counters"].items() if not is_measurement(k)}
    assert counts(on.stats) == counts(off.stats)


def test_every_dropped_document_is_there_with_its_stage_and_reason(kept_dropped_run):
    result, out = kept_dropped_run
    rows = dropped_rows(out)
    assert len(rows) == result.stats["identity"]["dropped"] > 0
    assert Counter((r["stage"], r["reason"]) for r in rows) == stage_drops(result.stats)
    stages = {r["stage"] for r in rows}
    assert {"url_filter", "langid", "dedup_exact", "dedup_minhash"} <= stages
    assert any(s.startswith("filters/") for s in stages)
    ids = [(r["id"], r["source"], r["offset"]) for r in rows]
    assert len(ids) == len(set(ids))  # each dropped document once


def test_rows_carry_text_signals_and_what_a_duplicate_duplicated(kept_dropped_run):
    _, out = kept_dropped_run
    rows = dropped_rows(out)
    kept_ids = {r["id"] for p in out.glob("shard-*.parquet") for r in pq.read_table(p, columns=["id"]).to_pylist()}
    for row in rows:
        signals = json.loads(row["signals"])
        if row["stage"].startswith("filters/"):
            name = row["stage"].split("/", 1)[1]
            assert row["text"] and any(k.startswith(f"{name}.") for k in signals), row["id"]
        if row["stage"] == "langid":
            assert row["text"] and row["language"] and row["language_score"] is not None
        if row["stage"] == "url_filter":
            assert row["url"] and row["text"] is None
        if row["stage"].startswith("dedup_"):
            assert row["text"] and row["duplicate_of"] and row["duplicate_of"] != row["id"]
        if row["stage"] == "dedup_minhash":
            assert row["duplicate_of"] in kept_ids  # the last stage: what it kept is in the shards
    assert split_reason("filters/gopher_quality/short_doc") == ("filters/gopher_quality", "short_doc")


def test_the_dataset_is_committed_by_its_marker(kept_dropped_run):
    result, out = kept_dropped_run
    marker = read_dataset_manifest(str(out / "dropped"))
    assert marker["schema"] == "dropped" and marker["rows"] == result.stats["identity"]["dropped"]
    listed = {entry["name"] for entry in marker["files"]}
    assert listed == {p.name for p in (out / "dropped").iterdir()} - {"_manifest.json"}
    for name in listed:
        schema = pq.read_schema(out / "dropped" / name)
        assert schema.names == dropped_schema().names


def test_inspect_lists_filters_shows_and_validates_it(kept_dropped_run, capsys, tmp_path):
    result, out = kept_dropped_run
    capsys.readouterr()
    assert main(["inspect", "dropped", str(out), "--stage", "dedup_exact", "-n", "2", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    drops = stage_drops(result.stats)
    assert listing["total"] == drops[("dedup_exact", "exact_duplicate")]
    assert [d["stage"] for d in listing["documents"]] == ["dedup_exact"] * 2
    assert main(["inspect", "dropped", str(out), "--reason", "short_doc", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == drops[("filters/gopher_quality", "short_doc")]
    assert main(["inspect", "head", str(out / "dropped"), "-n", "3", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    assert main(["inspect", "validate", str(out / "dropped")]) == 0
    assert main(["inspect", "validate", str(out)]) == 0
    assert main(["report", str(out), "--output", str(tmp_path / "report.html")]) == 0
    capsys.readouterr()
    # A run without it: one line saying how to keep them.
    assert main(["inspect", "dropped", str(tmp_path)]) == 2
    assert "output.keep_dropped: true" in capsys.readouterr().err


def test_validate_finds_a_missing_dropped_file(kept_dropped_run, tmp_path):
    import shutil

    _, out = kept_dropped_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("_work"))
    marker = read_dataset_manifest(str(copy / "dropped"))
    (copy / "dropped" / marker["files"][0]["name"]).unlink()
    assert main(["inspect", "validate", str(copy)]) == 1
    assert main(["inspect", "validate", str(copy / "dropped")]) == 1


def test_a_relaunch_reuses_phase_a_and_keeps_every_dropped_document(kept_dropped_run, tmp_path):
    import shutil

    result, out = kept_dropped_run
    relaunched = tmp_path / "relaunch"
    shutil.copytree(out, relaunched)
    (relaunched / "manifest.json").unlink()  # as if the run died after phase A
    marker = json.loads((relaunched / "dropped" / "_manifest.json").read_text())
    config = config_from_dict({"output": {"path": str(relaunched), "shard_target_tokens": 20_000,
                                          "keep_dropped": True}, "runner": {"workers": 1}})
    again = run_pipeline(config)
    assert again.stats["identity"]["dropped"] == result.stats["identity"]["dropped"]
    rows = sorted((r["id"], r["stage"], r["reason"]) for r in dropped_rows(relaunched))
    assert rows == sorted((r["id"], r["stage"], r["reason"]) for r in dropped_rows(out))
    phase_a = [f for f in marker["files"] if f["name"].startswith("phase_a-")]
    assert phase_a and all((relaunched / "dropped" / f["name"]).exists() for f in phase_a)


@pytest.mark.parametrize("engine", ENGINES)
def test_dedup_removals_go_to_the_dataset_on_every_engine(engine, tmp_path):
    from thresher.run.dedup import dedup

    docs = [doc("a", "hello world, the same text"), doc("b", "hello world, the same text", date="2024-02-01"),
            doc("c", "other text"), doc("a", "a second page with the id a", url="https://example.com/other")]
    inputs = [write_documents(docs[:2], tmp_path / "in" / "d0.parquet"),
              write_documents(docs[2:], tmp_path / "in" / "d1.parquet")]
    plan = dedup_plan(exact_normalization="default", unique_ids=True, keep_dropped=True,
                      dropped_dir=str(tmp_path / "dropped"))
    counters = open_test_engine(engine).run("dedup", lambda flow: dedup(
        flow, plan, inputs, len(docs), str(tmp_path / "documents"), str(tmp_path / "duplicates")))
    rows = sorted(dropped_rows(tmp_path), key=lambda r: (r["stage"], r["id"]))
    assert [(r["id"], r["stage"], r["reason"], r["duplicate_of"], r["url"]) for r in rows] == [
        ("b", "dedup_exact", "exact_duplicate", "a", "https://example.com/b"),
        ("a", "dedup_id", "duplicate_id", "a", "https://example.com/other"),
    ]
    assert all(r["text"] for r in rows)
    assert counters["dedup_id/dropped/duplicate_id"] == 1 and counters["dedup_exact/dropped/exact_duplicate"] == 1


def test_the_sample_on_spark_keeps_the_same_dropped_documents(kept_dropped_run, tmp_path):
    pytest.importorskip("pyspark")
    result, out = kept_dropped_run
    spark_out = tmp_path / "spark"
    config = config_from_dict({
        "output": {"path": str(spark_out), "shard_target_tokens": 20_000, "keep_dropped": True},
        "runner": {"name": "spark", "workers": 2, "options": {"master": "local[2]"}},
    })
    spark = run_pipeline(config)
    key = lambda r: (r["id"], r["source"], r["offset"], r["stage"], r["reason"], r["duplicate_of"], r["text"])
    assert sorted(map(key, dropped_rows(spark_out))) == sorted(map(key, dropped_rows(out)))
    assert spark.stats["identity"]["dropped"] == result.stats["identity"]["dropped"]
    assert shard_bytes(spark_out) == shard_bytes(out)


def test_an_extraction_failure_is_kept_with_its_url_and_no_text():
    from thresher.io.dropped import phase_a_row
    from thresher.io.pages import HtmlPage
    from thresher.run.pages import _dropped_page

    page = HtmlPage(url="https://example.com/x", crawl_date="2024-01-02T00:00:00Z", record_id="<urn:1>",
                    source="a.warc.gz", offset=123, body=b"<html></html>", http_charset=None)
    row = phase_a_row(_dropped_page(page, "extract/no_main_text"))
    assert (row["stage"], row["reason"], row["url"], row["text"]) == ("extract", "no_main_text", page.url, None)
    assert row["crawl_date"] == page.crawl_date and row["offset"] == 123 and row["id"] == page.document_id
    assert set(row) == set(dropped_schema().names)


def test_on_an_object_store_the_dataset_is_committed_and_read_the_same_way(tmp_path, monkeypatch, capsys):
    """Output on S3 (moto on loopback): dropped files and their marker are objects; inspect reads them."""
    import socket

    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    s3fs = pytest.importorskip("s3fs")
    from test_input_fields import config, corpus_rows, write_jsonl

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": endpoint}.items():
            monkeypatch.setenv(key, value)
        s3fs.S3FileSystem.clear_instance_cache()
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="runs")
        rows = corpus_rows() + [{"id": "short", "body": "too short", "url": "https://example.org/short"}]
        data = config([write_jsonl(rows, tmp_path / "c.jsonl")], tmp_path, output={"keep_dropped": True})
        data["output"]["path"] = "s3://runs/out"
        result = run_pipeline(config_from_dict(data))
        capsys.readouterr()
        assert main(["inspect", "dropped", "s3://runs/out", "--json"]) == 0
        listing = json.loads(capsys.readouterr().out)
        assert listing["total"] == result.stats["identity"]["dropped"] == 2
        assert {(d["stage"], d["reason"]) for d in listing["by_reason"]} == {
            ("dedup_id", "duplicate_id"), ("filters/gopher_repetition", "top_2_gram")}
        assert main(["inspect", "validate", "s3://runs/out/dropped"]) == 0
        names = s3fs.S3FileSystem().ls("runs/out/dropped")
        assert sum(n.endswith("_manifest.json") for n in names) == 1 and not any(".tmp" in n for n in names)
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        server.stop()
