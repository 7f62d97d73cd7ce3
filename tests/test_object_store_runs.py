"""Whole runs with inputs and output on real object stores on loopback (moto's S3, a GCS emulator).

The shards must be those of the same run on local disk: byte for byte when only the output is
remote, row for row (their ``source`` naming the object) when the inputs are remote too.
"""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from sample_crawls import write_small_crawls

from object_stores import gcs_server, s3_server, store_env  # noqa: F401 - fixtures
from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> list[str]:
    return write_small_crawls(tmp_path_factory.mktemp("crawl"), files=2, pages=30, first_seed=1)


def _config(inputs: list[str], out: str, **output) -> dict:
    return {"input": {"paths": inputs}, "output": {"path": out, **output}, "runner": {"workers": 1}}


@pytest.fixture(scope="module")
def local_run(crawl, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    run_pipeline(config_from_dict(_config(crawl, str(out))))
    names = sorted(p.name for p in out.glob("shard-*.parquet")) + ["tokenizer.json", "audit.json"]
    return out, {name: (out / name).read_bytes() for name in names}


@pytest.fixture(params=["s3", "gs"])
def store(request, store_env):
    server = request.getfixturevalue("s3_server" if request.param == "s3" else "gcs_server")
    return store_env(server)


def _remote_outputs(store, root: str, names) -> dict[str, bytes]:
    return {name: store.read(f"{root}/{name}") for name in names}


def test_output_on_a_store_is_byte_identical_to_local(store, crawl, local_run):
    _, expected = local_run
    root = store.fresh("out")
    result = run_pipeline(config_from_dict(_config(crawl, root)))
    assert not result.skipped
    assert _remote_outputs(store, root, expected) == expected
    listed = [name.rsplit("/", 1)[-1] for name in store.listing(root)]
    assert "manifest.json" in listed and "stats.json" in listed and "_manifest.json" in listed
    assert any(name.endswith("/_work/logs/workers.log") for name in store.listing(root))
    # the run's state lives on the store too, committed by its markers
    assert any("/_work/phase_a/" in name and name.endswith("/result.json") for name in store.listing(root))
    # a relaunch over the finished output is a no-op that reads the recorded stats
    assert run_pipeline(config_from_dict(_config(crawl, root))).skipped


def test_inputs_and_output_on_a_store(store, crawl, local_run, tmp_path):
    local_out, expected = local_run
    inputs = []
    prefix = store.fresh("crawl")
    for path in crawl:
        url = f"{prefix}/{path.rsplit('/', 1)[-1]}"
        store.upload(path, url)
        inputs.append(url)
    root = store.fresh("out")
    run_pipeline(config_from_dict(_config([f"{prefix}/*.warc.gz"], root)))  # a glob on the store
    for name in expected:
        if not name.startswith("shard-"):  # the audit names its sources: the objects here
            wanted = expected[name]
            for path, url in zip(crawl, inputs):
                wanted = wanted.replace(path.encode(), url.encode())
            assert store.read(f"{root}/{name}") == wanted
            continue
        (tmp_path / name).write_bytes(store.read(f"{root}/{name}"))
        remote = pq.read_table(tmp_path / name).to_pylist()
        local = pq.read_table(local_out / name).to_pylist()
        local_to_url = dict(zip(crawl, inputs))
        assert [row["source"] for row in remote] == [local_to_url[row["source"]] for row in local]
        assert [{**row, "source": None} for row in remote] == [{**row, "source": None} for row in local]


def test_index_model_and_tokenizer_on_a_store(store, crawl, tmp_path):
    """A dedup index written to and read from the store, the language-ID model and a given tokenizer
    read from it: the same shards as with all of them on local disk."""
    from thresher.stages.langid.fasttext_lid import bundled_lid176_path

    local = tmp_path / "local"
    local.mkdir()
    first, second = crawl[:1], crawl
    local_tokenizer = tmp_path / "tok" / "tokenizer.json"
    run_pipeline(config_from_dict({**_config(first, str(local / "a")), "dedup": {"index": {"write": str(local / "index")}}}))
    local_tokenizer.parent.mkdir()
    local_tokenizer.write_bytes((local / "a" / "tokenizer.json").read_bytes())

    def second_run(out: str, index: str, model: str, tokenizer: str) -> dict:
        return {**_config(second, out), "dedup": {"index": {"read": [index]}},
                "langid": {"model": model}, "tokenize": {"tokenizer": tokenizer}}

    run_pipeline(config_from_dict(second_run(str(local / "b"), str(local / "index"), bundled_lid176_path(),
                                             str(local_tokenizer))))
    remote = store.fresh("models")
    store.upload(bundled_lid176_path(), f"{remote}/lid.176.ftz")
    store.upload(str(local_tokenizer), f"{remote}/tokenizer.json")
    root = store.fresh("runs")
    run_pipeline(config_from_dict({**_config(first, f"{root}/a"), "dedup": {"index": {"write": f"{root}/index"}}}))
    assert store.read(f"{root}/a/tokenizer.json") == local_tokenizer.read_bytes()
    run_pipeline(config_from_dict(second_run(f"{root}/b", f"{root}/index", f"{remote}/lid.176.ftz",
                                             f"{remote}/tokenizer.json")))
    names = sorted(p.name for p in (local / "b").glob("shard-*.parquet"))
    assert names and {n: store.read(f"{root}/b/{n}") for n in names} == {
        n: (local / "b" / n).read_bytes() for n in names}
    stats = json.loads(store.read(f"{root}/b/stats.json"))
    assert any("index" in key and value for key, value in stats["counters"].items())


def test_spark_run_with_output_on_a_store(gcs_server, store_env, crawl, local_run, tmp_path):  # noqa: F811
    """Spark (local[2], its own worker processes) writes the same shards to GCS (to S3:
    tests/test_spark_no_shared_disk.py, on a cluster)."""
    import os
    import subprocess
    import sys

    pytest.importorskip("pyspark")
    store = store_env(gcs_server)
    _, expected = local_run
    root = store.fresh("spark")
    config = {**_config(crawl, root), "runner": {"name": "spark", "options": {"master": "local[2]"}}}
    config_file = tmp_path / "run.yaml"
    config_file.write_text(json.dumps(config))
    done = subprocess.run([sys.executable, "-m", "thresher.cli", "run", str(config_file), "--quiet"],
                          capture_output=True, text=True, env={**os.environ, **store.env}, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _remote_outputs(store, root, expected) == expected


def test_a_missing_object_in_a_readable_bucket_is_counted_not_fatal(s3_server, store_env, crawl):
    store = store_env(s3_server)
    prefix = store.fresh("holes")
    store.upload(crawl[1], f"{prefix}/part-1.warc.gz")
    missing = f"{prefix}/part-0-missing.warc.gz"  # sorts first: the preflight's object for this bucket
    result = run_pipeline(config_from_dict(_config([missing, f"{prefix}/part-1.warc.gz"], store.fresh("out"))))
    assert result.stats["counters"]["read/error/file_not_found"] == 1
    assert result.stats["identity"]["holds"]


def test_report_of_a_run_on_a_store(store, crawl):
    """The report reads the run where it is (shards, duplicates, phase-A results) and lands beside it."""
    from thresher.tools.report.html import write_report

    root = store.fresh("report")
    run_pipeline(config_from_dict(_config(crawl, root)))
    assert write_report(root) == f"{root}/report.html"
    page = store.read(f"{root}/report.html").decode("utf-8")
    assert page.rstrip().endswith("</html>")
    documents = json.loads(store.read(f"{root}/manifest.json"))["totals"]["documents"]
    assert f"{documents:,}" in page or str(documents) in page
