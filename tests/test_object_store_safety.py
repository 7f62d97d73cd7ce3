"""Object-store runs that must stop at once, and secrets that must never be written or printed.

Everything runs through the command line against real servers on loopback (moto's S3, a GCS
emulator): what a user sees is what is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from object_stores import gcs_server, s3_server, s3_server_with_auth, store_env  # noqa: F401 - fixtures
from thresher.tools.sample.generator import write_sample_crawl

SECRET = "planted-Secret-9f3c1e7d"


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("crawl") / "part.warc.gz"
    write_sample_crawl(path, pages=30, seed=3)
    return str(path)


def _thresher(tmp_path: Path, config: dict, env: dict[str, str]) -> subprocess.CompletedProcess:
    config_file = tmp_path / "run.yaml"
    config_file.write_text(json.dumps(config))
    return subprocess.run(
        [sys.executable, "-m", "thresher.cli", "run", str(config_file)],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=600,
    )


def _config(inputs: list[str], out: str, **output) -> dict:
    return {"input": {"paths": inputs}, "output": {"path": out, **output}, "runner": {"workers": 1}}


def test_a_secret_in_storage_options_is_never_written_or_printed(s3_server, store_env, crawl, tmp_path):
    store = store_env(s3_server)
    root = store.fresh("secret")
    # moto accepts any key pair: the planted secret is what the run authenticates with.
    options = {"key": "AKIDPLANTED", "secret": SECRET, "endpoint_url": store.endpoint}
    env = {k: v for k, v in store.env.items() if not k.startswith("AWS_SECRET")}
    config = _config([crawl], root, storage_options=options)
    config["dedup"] = {"index": {"write": f"{root}-index"}}
    done = _thresher(tmp_path, config, env)
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout and SECRET not in done.stderr
    written = store.listing(root) + store.listing(f"{root}-index")
    assert any(name.endswith("/manifest.json") for name in written) and any(
        name.endswith("/index.json") for name in written)
    fs = store.fs()
    for name in written:
        assert SECRET.encode() not in fs.cat(name), name
    manifest = json.loads(store.read(f"{root}/manifest.json"))
    recorded = json.dumps(manifest)
    assert '"secret": "<redacted>"' in recorded and "AKIDPLANTED" not in recorded


def test_a_bucket_that_does_not_exist_stops_before_any_work(s3_server, store_env, crawl, tmp_path):
    store = store_env(s3_server)
    done = _thresher(tmp_path, _config([crawl], "s3://no-such-bucket-here/out"), store.env)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "s3://no-such-bucket-here/out" in lines[0] and "cannot write" in lines[0] and "not found" in lines[0]


def test_an_unreadable_input_stops_before_any_work(gcs_server, store_env, tmp_path):
    store = store_env(gcs_server)
    out = tmp_path / "out"
    done = _thresher(tmp_path, _config(["gs://missing-bucket/seg/a.warc.gz"], str(out)), store.env)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "gs://missing-bucket/seg/a.warc.gz" in lines[0] and "cannot read" in lines[0]
    assert not out.exists()  # nothing started


def test_a_missing_filesystem_package_is_one_line(crawl, tmp_path):
    pytest.importorskip("fsspec")
    if any(__import__("importlib").util.find_spec(m) for m in ("adlfs",)):
        pytest.skip("adlfs is installed here")
    done = _thresher(tmp_path, _config([crawl], "abfs://container/out"), {})
    assert done.returncode != 0
    assert done.stderr.strip() == "thresher: error: abfs:// needs adlfs: pip install adlfs"


@pytest.mark.parametrize("wrong", ["secret", "key"])
def test_wrong_credentials_stop_before_any_work(s3_server_with_auth, crawl, tmp_path, wrong):
    store, credentials = s3_server_with_auth
    bad = dict(credentials)
    if wrong == "secret":
        bad["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    else:
        bad["AWS_ACCESS_KEY_ID"] = "AKIANOSUCHKEY0000000"
    done = _thresher(tmp_path, _config([crawl], store.url("out")), {**store.env, **bad})
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert store.url("out") in lines[0] and "access denied, check the credentials" in lines[0]
    # the same run with the right key pair is let through the preflight and finishes
    good = _thresher(tmp_path, _config([crawl], store.url("out")), {**store.env, **credentials})
    assert good.returncode == 0, good.stderr


def test_a_glob_in_a_bucket_that_does_not_exist(s3_server, store_env, tmp_path):
    store = store_env(s3_server)
    done = _thresher(tmp_path, _config(["s3://no-such-bucket-here/seg/*.warc.gz"], str(tmp_path / "out")), store.env)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "thresher: error: input s3://no-such-bucket-here/seg/*.warc.gz: cannot list: not found (Not Found)"]
