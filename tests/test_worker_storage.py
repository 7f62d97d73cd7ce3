"""Storage options on remote workers: where a store is travels with the job, a secret never does.

The rule (:mod:`thresher.io.worker_storage`) is checked on its own and on what each engine ships to
its workers: a Beam pipeline (the DoFns inside its portable proto, as a job service receives it) and
a Spark partition function (pickled as Spark pickles it for executors). A secret is planted in the
launcher's options; the endpoint must be found in the shipped bytes and the secret must not.
"""

from __future__ import annotations

import base64
import bz2
import json
import zlib

import pytest

from thresher.engines.base import MapStep
from thresher.io import storage, worker_storage

SECRET = "planted-Secret-0c4be912"
ENDPOINT = "http://127.0.0.1:9/"
LAUNCHER = {
    "s3://bucket/": {
        "endpoint_url": ENDPOINT,
        "key": "AKIDPLANTED",
        "secret": SECRET,
        "token": SECRET,
        "anon": False,
        "use_ssl": False,
        "profile": "prod",
        "client_kwargs": {"region_name": "eu-west-1", "aws_secret_access_key": SECRET},
        "config_kwargs": {"signature_version": "s3v4", "retries": {"max_attempts": 7}},
        "s3_additional_kwargs": {"SSECustomerKey": SECRET, "ServerSideEncryption": "AES256"},
    },
    "gs://": {"project": "p", "token": {"private_key": SECRET}, "requester_pays": True},
}


@pytest.fixture
def launcher(monkeypatch):
    monkeypatch.setenv(storage.OPTIONS_ENV, json.dumps(LAUNCHER))
    return LAUNCHER


def test_only_what_says_where_a_store_is_travels(launcher):
    assert worker_storage.job_options() == {
        "s3://bucket/": {
            "endpoint_url": ENDPOINT,
            "anon": False,
            "use_ssl": False,
            "client_kwargs": {"region_name": "eu-west-1"},
            "config_kwargs": {"signature_version": "s3v4", "retries": {"max_attempts": 7}},
        },
        "gs://": {"project": "p", "requester_pays": True},
    }
    assert SECRET not in json.dumps(worker_storage.job_options())


def test_what_is_withheld_is_named_without_values(launcher):
    names = worker_storage.withheld(launcher)
    assert names == [
        "gs:// token",
        "s3://bucket/ key", "s3://bucket/ secret", "s3://bucket/ token", "s3://bucket/ profile",
        "s3://bucket/ client_kwargs.aws_secret_access_key",
        "s3://bucket/ s3_additional_kwargs.SSECustomerKey",
        "s3://bucket/ s3_additional_kwargs.ServerSideEncryption",  # a string not known to be harmless
    ]
    assert SECRET not in " ".join(names)


def test_a_token_that_names_a_method_travels_one_that_holds_a_credential_does_not():
    assert worker_storage.shareable({"token": "anon"}) == {"token": "anon"}
    assert worker_storage.shareable({"token": "google_default"}) == {"token": "google_default"}
    assert worker_storage.shareable({"token": "/home/me/key.json"}) == {}
    assert worker_storage.shareable({"token": {"client_secret": SECRET}}) == {}


def test_a_password_inside_an_endpoint_stays_back():
    options = {"endpoint_url": f"https://user:{SECRET}@minio.internal:9000", "region_name": "x"}
    assert worker_storage.shareable(options) == {"region_name": "x"}
    assert worker_storage.withheld({"s3://": options}) == ["s3:// endpoint_url"]


def test_a_worker_without_options_gets_the_jobs(monkeypatch):
    monkeypatch.setenv(storage.OPTIONS_ENV, "")  # none (and what install sets is undone after the test)
    carried = {"s3://bucket/": {"endpoint_url": ENDPOINT}}
    worker_storage.install(carried)
    assert storage.options_for("s3://bucket/a/b") == {"endpoint_url": ENDPOINT}
    assert storage.options_for("gs://other/x") == {}


def test_a_workers_own_options_win_and_a_local_worker_is_not_changed(launcher, monkeypatch):
    before = storage.options_for("s3://bucket/x")
    worker_storage.install(worker_storage.job_options())  # a local worker: it inherited everything
    assert storage.options_for("s3://bucket/x") == before and before["secret"] == SECRET
    own = {"s3://bucket/": {"endpoint_url": "http://own:1/", "client_kwargs": {"verify": False}}}
    monkeypatch.setenv(storage.OPTIONS_ENV, json.dumps(own))
    worker_storage.install({"s3://bucket/": {"endpoint_url": ENDPOINT, "anon": True,
                                             "client_kwargs": {"region_name": "r"}}})
    assert storage.options_for("s3://bucket/x") == {
        "endpoint_url": "http://own:1/", "anon": True, "client_kwargs": {"region_name": "r", "verify": False}}


def test_a_reused_worker_takes_each_jobs_options_not_a_previous_jobs(monkeypatch):
    """Spark reuses Python workers across jobs: what one job installed is no option of the worker's own."""
    monkeypatch.setenv(storage.OPTIONS_ENV, "")
    worker_storage.install({"s3://b/": {"endpoint_url": "http://first:1/"}})
    worker_storage.install({"s3://b/": {"endpoint_url": "http://second:2/"}})
    assert storage.options_for("s3://b/x") == {"endpoint_url": "http://second:2/"}
    worker_storage.install({})
    assert storage.options_for("s3://b/x") == {}
    # a launcher's run in this process sets its own options: those are the environment's, and win
    storage.configure_options({"s3://b/": {"endpoint_url": "http://launcher:3/", "secret": SECRET}})
    worker_storage.install({"s3://b/": {"endpoint_url": "http://second:2/"}})
    assert storage.options_for("s3://b/x") == {"endpoint_url": "http://launcher:3/", "secret": SECRET}


def test_nothing_carried_changes_nothing(monkeypatch):
    monkeypatch.setenv(storage.OPTIONS_ENV, json.dumps({"s3://": {"secret": SECRET}}))
    worker_storage.install({})
    worker_storage.install(None)
    assert storage.options_for("s3://x/y") == {"secret": SECRET}


def _uncompressed(raw: bytes) -> bytes:
    """Beam's pickler compresses (bz2 or zlib, by version and setting); a secret must be sought in the clear."""
    for decompress in (bz2.decompress, zlib.decompress):
        try:
            return decompress(raw)
        except (OSError, ValueError, zlib.error):
            continue
    return raw


def _shipped_payloads(pipeline) -> list[bytes]:
    """The pickled functions of every ParDo of the pipeline's portable proto, uncompressed."""
    from apache_beam.portability import common_urns
    from apache_beam.portability.api import beam_runner_api_pb2

    proto = pipeline.to_runner_api()
    payloads = []
    for transform in proto.components.transforms.values():
        if transform.spec.urn == common_urns.primitives.PAR_DO.urn:
            par_do = beam_runner_api_pb2.ParDoPayload.FromString(transform.spec.payload)
            payloads.append(_uncompressed(base64.b64decode(par_do.do_fn.payload)))
    return payloads


def _where(x):
    return [x]


def test_a_beam_job_carries_the_endpoint_and_no_secret(launcher):
    import apache_beam as beam

    from thresher.engines.beam.flow import BeamFlow

    pipeline = beam.Pipeline()
    flow = BeamFlow(pipeline)
    flow.apply("step", flow.create("items", [1, 2]), MapStep(_where))
    payloads = _shipped_payloads(pipeline)
    steps = [p for p in payloads if b"StepDoFn" in p]
    assert steps and all(ENDPOINT.encode() in p for p in steps)
    assert not any(SECRET.encode() in p or b"AKIDPLANTED" in p for p in payloads)


def test_a_spark_partition_function_carries_the_endpoint_and_no_secret(launcher):
    pytest.importorskip("pyspark")
    from pyspark import cloudpickle

    from thresher.engines.spark.flow import _StepRunner

    shipped = cloudpickle.dumps(_StepRunner(MapStep(_where), {}, "step"))
    assert ENDPOINT.encode() in shipped
    assert SECRET.encode() not in shipped and b"AKIDPLANTED" not in shipped


def test_the_launcher_names_what_stays_behind_once(launcher):
    note = worker_storage.withheld_note()
    assert note.startswith("storage_options client_kwargs.aws_secret_access_key, key, profile, ")
    assert "need credentials of their own" in note and SECRET not in note


def test_no_note_without_secrets(monkeypatch):
    monkeypatch.setenv(storage.OPTIONS_ENV, json.dumps({"s3://": {"endpoint_url": ENDPOINT}}))
    assert worker_storage.withheld_note() is None
