"""``s3://`` input against a moto S3 server on loopback, its endpoint set the way a user would set it."""

from __future__ import annotations

import socket

import pytest

from thresher.io.inputs import InputOptions, iter_input
from thresher.io.rejects import ListRejects
from thresher.stats import DictStats

moto_server = pytest.importorskip("moto.server")
boto3 = pytest.importorskip("boto3")
s3fs = pytest.importorskip("s3fs")

BUCKET = "crawl"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_env(endpoint, monkeypatch, shared_data):
    # What a user sets for MinIO/Ceph/moto: botocore reads the endpoint from the environment.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    s3fs.S3FileSystem.clear_instance_cache()  # filesystems are cached with the config they were made with
    client = boto3.client("s3", endpoint_url=endpoint)
    if BUCKET not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
    client.upload_file(str(shared_data / "warc-resiliparse/warcfile.warc.gz"), BUCKET, "seg/warcfile.warc.gz")
    yield client
    s3fs.S3FileSystem.clear_instance_cache()


def test_warc_read_from_s3_with_endpoint_from_environment(s3_env):
    stats = DictStats()
    pages = list(iter_input(f"s3://{BUCKET}/seg/warcfile.warc.gz", stats))
    assert len(pages) == 16 == stats["read/forwarded"]
    assert stats["read/records"] == 50
    assert pages[0].source == f"s3://{BUCKET}/seg/warcfile.warc.gz"
    assert pages[0].offset == 940 and pages[0].url == "http://003338.cn/l41/481397.html"


def test_endpoint_through_storage_options(s3_env, endpoint, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3")
    s3fs.S3FileSystem.clear_instance_cache()
    options = InputOptions(storage_options={"endpoint_url": endpoint})
    pages = list(iter_input(f"s3://{BUCKET}/seg/warcfile.warc.gz", DictStats(), options))
    assert len(pages) == 16


def test_damaged_object_resumes_after_the_broken_member(s3_env, shared_data):
    data = bytearray((shared_data / "warc-resiliparse/warcfile.warc.gz").read_bytes())
    for i in range(12900, 13000):
        data[i] ^= 0xFF
    s3_env.put_object(Bucket=BUCKET, Key="seg/damaged.warc.gz", Body=bytes(data))
    rejects = ListRejects()
    stats = DictStats()
    pages = list(iter_input(f"s3://{BUCKET}/seg/damaged.warc.gz", stats, rejects=rejects))
    assert len(pages) == 15 and stats["read/records"] == 50
    assert [(r.reason, r.offset) for r in rejects.items] == [("error/corrupt_compression", 12685)]


def test_missing_object_is_one_error(s3_env):
    stats = DictStats()
    assert list(iter_input(f"s3://{BUCKET}/seg/missing.warc.gz", stats)) == []
    assert stats["read/error/file_not_found"] == 1 == stats["read/records"]
