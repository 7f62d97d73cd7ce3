"""A GCS store that fails a share of requests: gcsfs retries, Thresher counts the retries, nothing is lost.

The GCS emulator of :mod:`object_stores` behind :class:`fault_servers.FlakyProxy`, which answers
every few requests with a transient 500 or 503 (a bounded number). gcsfs retries each with
backoff; each retry counts once in stats.json (``storage/retries/gcs``), on the driver or in a
worker process, and the shards are byte for byte those of a run without faults.
"""

from __future__ import annotations

import pytest
from fault_servers import FlakyProxy, fault_free_run
from sample_crawls import write_small_crawls

from object_stores import gcs_server, store_env  # noqa: F401 - fixtures
from thresher.config import config_from_dict
from thresher.io.store_retries import store_failure
from thresher.run.driver import run_pipeline
from thresher.stats import decisions_only

gcsfs = pytest.importorskip("gcsfs")


def _config(inputs: str, out: str, workers: int) -> dict:
    return {"input": {"paths": [inputs]}, "output": {"path": out}, "runner": {"workers": workers}}


def test_transient_gcs_faults_are_retried_counted_and_lose_nothing(gcs_server, store_env, tmp_path,  # noqa: F811
                                                                   monkeypatch):
    store = store_env(gcs_server)
    prefix = store.fresh("flaky-gcs-in")
    (tmp_path / "crawl").mkdir()
    for path in write_small_crawls(tmp_path / "crawl", files=2, pages=12, first_seed=61):
        store.upload(path, f"{prefix}/{path.rsplit('/', 1)[-1]}")
    inputs = f"{prefix}/*.warc.gz"
    reference_dir = tmp_path / "reference"
    reference_stats, shard_names = fault_free_run([inputs], reference_dir)

    out = store.fresh("flaky-gcs-out")
    # Every 5th request fails, 6 in all (gcsfs waits 1-2 s before a first retry), on the driver's
    # and the workers' requests, long before the run's last ones.
    with FlakyProxy(gcs_server.endpoint, every=5, limit=6, start=3) as proxy:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.endpoint)
        gcsfs.GCSFileSystem.clear_instance_cache()
        try:
            result = run_pipeline(config_from_dict(_config(inputs, out, workers=2)))
        finally:
            monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_server.endpoint)
            gcsfs.GCSFileSystem.clear_instance_cache()
    assert proxy.fault_count == 6 and proxy.requests > 5 * 6

    stats = result.stats
    # Every fault was retried once, and every retry counted once.
    assert stats["counters"]["storage/retries"] == proxy.fault_count
    assert stats["storage"] == {"retries": proxy.fault_count, "retries_by_operation": {"gcs": proxy.fault_count}}
    assert stats["identity"]["holds"]
    assert decisions_only(stats["counters"]) == decisions_only(reference_stats["counters"])
    for name in shard_names:
        assert store.read(f"{out}/{name}") == (reference_dir / name).read_bytes(), name


@pytest.mark.parametrize(("code", "failing"), [(503, True), (500, True), (429, True), (403, False), (400, False)])
def test_a_gcs_answer_is_a_store_failure_only_when_the_store_is_failing(code, failing):
    from gcsfs.retry import HttpError

    assert store_failure(HttpError({"code": code, "message": "answer"})) is failing
    assert store_failure(RuntimeError("unrelated")) is False
