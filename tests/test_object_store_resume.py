"""Kill a run writing to S3 or GCS (moto's server, gcp-storage-emulator, on loopback) after some phase-A results are committed,
relaunch it, and get the shards of an uninterrupted local run, byte for byte.

On an object store there is no rename: a result becomes visible only through its marker,
written last, and a relaunch reads markers, never listings.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sample_crawls import write_small_crawls

from object_stores import gcs_server, s3_server, store_env  # noqa: F401 - fixtures
from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline
from thresher.stats import is_measurement


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> list[str]:
    return write_small_crawls(tmp_path_factory.mktemp("crawl"), files=4, pages=40, first_seed=1)


def _config(crawl: list[str], out: str, **runner) -> dict:
    return {"input": {"paths": crawl}, "output": {"path": out}, "runner": {"workers": 1, **runner}}


@pytest.mark.parametrize("server", ["s3_server", "gcs_server"])
def test_killed_run_on_a_store_resumes_to_the_local_shards(request, server, store_env, crawl, tmp_path):
    store = store_env(request.getfixturevalue(server))
    reference_dir = tmp_path / "reference"
    reference = run_pipeline(config_from_dict(_config(crawl, str(reference_dir))))
    names = sorted(p.name for p in reference_dir.glob("shard-*.parquet")) + ["tokenizer.json", "audit.json"]

    root = store.fresh("killed")
    fs = store.fs()
    committed = lambda: len(fs.glob(f"{root.split('://', 1)[1]}/_work/phase_a/*/result.json"))  # noqa: E731
    config_file = tmp_path / "run.yaml"
    config_file.write_text(json.dumps(_config(crawl, root, files_per_pass=1)))
    process = subprocess.Popen(
        [sys.executable, "-m", "thresher.cli", "run", str(config_file), "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, **store.env},
    )
    deadline = time.monotonic() + 240
    while committed() < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)  # the driver and every worker
    process.wait()
    done_before = committed()
    assert 2 <= done_before < 4 and not fs.exists(f"{root.split('://', 1)[1]}/manifest.json")

    resumed = run_pipeline(config_from_dict(_config(crawl, root, files_per_pass=1)))
    assert committed() == 4
    assert {name: store.read(f"{root}/{name}") for name in names} == {
        name: (reference_dir / name).read_bytes() for name in names}
    counters = lambda s: {k: v for k, v in s["counters"].items() if not is_measurement(k)}  # noqa: E731
    assert counters(resumed.stats) == counters(reference.stats)
