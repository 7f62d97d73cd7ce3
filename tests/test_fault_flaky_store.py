"""An object store that fails a share of requests: the run retries, counts its retries, loses nothing.

Input and output on moto's S3 server behind :class:`fault_servers.FlakyProxy`, which answers
every few requests with a transient 500 or 503 (a bounded number of them). botocore retries each
with backoff; each retry counts once in stats.json (``storage/retries``, by operation) whether it
happened on the driver or in a worker process, and the shards are byte for byte those of a run
that saw no fault. A store that keeps failing past the retries ends the run with one line naming
the URL.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from fault_servers import FlakyProxy, fault_free_run
from sample_crawls import write_small_crawls

from object_stores import s3_server  # noqa: F401 - fixture
from thresher.config import config_from_dict
from thresher.io.storage import OPTIONS_ENV
from thresher.run.driver import run_pipeline
from thresher.stats import decisions_only

pytest.importorskip("s3fs")
# moto's server logs every request at INFO to stderr, where these tests read the run's one line.
logging.getLogger("werkzeug").setLevel(logging.ERROR)


def _fresh_clients() -> None:
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()  # a cached filesystem would keep its old endpoint


@pytest.fixture
def through(s3_server, monkeypatch):  # noqa: F811 - the fixture
    """Point this process and the processes it starts at ``endpoint`` (the proxy, or the store itself)."""
    monkeypatch.delenv(OPTIONS_ENV, raising=False)

    def use(endpoint: str) -> None:
        for key, value in {**s3_server.env, "AWS_ENDPOINT_URL_S3": endpoint}.items():
            monkeypatch.setenv(key, value)
        _fresh_clients()

    yield use
    _fresh_clients()


@pytest.fixture(scope="module")
def crawl_on_s3(s3_server, tmp_path_factory) -> list[str]:  # noqa: F811 - the fixture
    """Two small crawls uploaded straight to the store (never through the proxy)."""
    import boto3

    local = write_small_crawls(tmp_path_factory.mktemp("crawl"), files=2, pages=24, first_seed=11)
    client = boto3.client("s3", endpoint_url=s3_server.endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    prefix = s3_server.fresh("flaky-in").split("/", 3)[3]
    urls = []
    for path in local:
        key = f"{prefix}/{path.rsplit('/', 1)[-1]}"
        client.upload_file(path, s3_server.bucket, key)
        urls.append(f"s3://{s3_server.bucket}/{key}")
    return urls


def thresher_run(config_file) -> tuple[int, list[str]]:
    """``thresher run CONFIG --quiet`` as a user runs it: exit status and the lines on stderr."""
    done = subprocess.run([sys.executable, "-m", "thresher.cli", "run", str(config_file), "--quiet"],
                          capture_output=True, text=True, env=dict(os.environ), timeout=600)
    return done.returncode, done.stderr.strip().splitlines()


def _config(inputs: list[str], out: str, workers: int) -> dict:
    return {"input": {"paths": inputs}, "output": {"path": out}, "runner": {"workers": workers}}


def test_transient_faults_are_retried_counted_and_lose_nothing(s3_server, through, crawl_on_s3, tmp_path):  # noqa: F811
    through(s3_server.endpoint)
    reference_dir = tmp_path / "reference"
    reference_stats, shard_names = fault_free_run(crawl_on_s3, reference_dir)

    root = s3_server.fresh("flaky-out")
    # Every 5th request fails, 12 faults in all: they land on the driver's and the workers' requests,
    # reads and writes alike, long before the run's last requests (stats.json is written last).
    with FlakyProxy(s3_server.endpoint, every=5, limit=12, start=3) as proxy:
        through(proxy.endpoint)
        # Two workers: Beam's worker processes make most requests, and report their retries.
        result = run_pipeline(config_from_dict(_config(crawl_on_s3, root, workers=2)))
        through(s3_server.endpoint)
    assert proxy.fault_count == 12 and proxy.requests > 5 * 12
    assert {"GET", "PUT"} <= set(proxy.faults) or {"HEAD", "PUT"} <= set(proxy.faults), proxy.faults

    fs = s3_server_fs()
    written = json.loads(fs.cat(f"{root.split('://', 1)[1]}/stats.json"))
    for stats in (result.stats, written):
        # Every fault was retried once, and every retry counted once.
        assert stats["counters"]["storage/retries"] == proxy.fault_count
        assert stats["storage"]["retries"] == proxy.fault_count
        assert sum(stats["storage"]["retries_by_operation"].values()) == proxy.fault_count
        assert stats["identity"]["holds"]
        # Nothing lost or counted twice: the decisions of the run without faults.
        assert decisions_only(stats["counters"]) == decisions_only(reference_stats["counters"])
    for name in shard_names:
        assert fs.cat(f"{root.split('://', 1)[1]}/{name}") == (reference_dir / name).read_bytes(), name


def s3_server_fs():
    from thresher.io import storage

    return storage.filesystem("s3://thresher-test/x")[0]


def test_a_store_failing_past_the_retries_is_one_line_naming_the_url(s3_server, through, crawl_on_s3, tmp_path,  # noqa: F811
                                                                     monkeypatch):
    root = s3_server.fresh("down-out")
    config = tmp_path / "run.yaml"
    config.write_text(json.dumps(_config(crawl_on_s3, root, workers=1)))
    # Two attempts per request (the standard AWS setting); every write of a piece's marker fails:
    # the first one a worker makes stops the run.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    with FlakyProxy(s3_server.endpoint, every=1, limit=10_000, match="/piece-", methods={"PUT"}) as proxy:
        through(proxy.endpoint)
        status, err = thresher_run(config)
        through(s3_server.endpoint)
    assert proxy.fault_count > 0
    assert status != 0
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert err[0].startswith(f"thresher: error: {root}/_work/phase_a/"), err
    assert "the store kept failing after its retries (" in err[0] and "HTTP 5" in err[0], err


def test_an_input_the_store_keeps_failing_is_no_counted_loss(s3_server, through, crawl_on_s3, tmp_path,  # noqa: F811
                                                             monkeypatch):
    """Every read of one input fails past the retries: the run stops naming that input (never a
    file counted unreadable, whose pages would be dropped with exit status 0)."""
    config_file = tmp_path / "run.yaml"
    config_file.write_text(json.dumps(_config(crawl_on_s3, str(tmp_path / "out"), workers=1)))
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    name = crawl_on_s3[1].rsplit("/", 1)[-1]
    with FlakyProxy(s3_server.endpoint, every=1, limit=10_000, match=name, methods={"GET"}) as proxy:
        through(proxy.endpoint)
        status, err = thresher_run(config_file)
        through(s3_server.endpoint)
    assert proxy.fault_count > 0
    assert status == 2 and err == [err[0]] and "Traceback" not in err[0], err
    assert err[0].startswith(f"thresher: error: {crawl_on_s3[1]}: the store kept failing after its retries ("), err
