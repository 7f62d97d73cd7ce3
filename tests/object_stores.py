"""Real object stores on loopback for tests: S3 (moto's server) and GCS (gcp-storage-emulator).

Each fixture starts its server on 127.0.0.1 on a free port, yields a :class:`Store` (its URL
prefix, the environment a run needs to reach it, a client filesystem), and stops it at the end.
Tests import the fixtures they use from here.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest

# gcsfs asks a gRPC control API for a bucket's layout first, which no emulator serves (60 s timeouts).
os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Store:
    scheme: str
    bucket: str
    endpoint: str
    #: Environment a process (a run, its workers) needs to reach the store.
    env: dict[str, str] = field(default_factory=dict)

    def url(self, *names: str) -> str:
        return "/".join([f"{self.scheme}://{self.bucket}", *names])

    def fresh(self, name: str) -> str:
        """A URL no other test uses."""
        return self.url(f"{name}-{uuid.uuid4().hex[:8]}")

    def fs(self) -> Any:
        from thresher.io import storage

        return storage.filesystem(self.url("x"))[0]

    def upload(self, local: str, url: str) -> None:
        fs = self.fs()
        fs.put(local, url.split("://", 1)[1])

    def read(self, url: str) -> bytes:
        return self.fs().cat(url.split("://", 1)[1])

    def listing(self, url: str) -> list[str]:
        return sorted(self.fs().find(url.split("://", 1)[1]))


def _clear_caches() -> None:
    for module, name in (("s3fs", "S3FileSystem"), ("gcsfs", "GCSFileSystem")):
        try:
            getattr(__import__(module), name).clear_instance_cache()
        except Exception:  # noqa: BLE001 - the package may be absent
            pass


@pytest.fixture(scope="session")
def s3_server() -> Iterator[Store]:
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    pytest.importorskip("s3fs")
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": endpoint}
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                 region_name="us-east-1").create_bucket(Bucket="thresher-test")
    try:
        yield Store("s3", "thresher-test", endpoint, env)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def gcs_server() -> Iterator[Store]:
    emulator = pytest.importorskip("gcp_storage_emulator.server")
    pytest.importorskip("gcsfs")
    port = free_port()
    server = emulator.create_server("127.0.0.1", port, in_memory=True, default_bucket="thresher-test")
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = {"STORAGE_EMULATOR_HOST": endpoint, "GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT": "false",
           "GOOGLE_CLOUD_PROJECT": "test"}
    try:
        yield Store("gs", "thresher-test", endpoint, env)
    finally:
        server.stop()


@pytest.fixture
def store_env(monkeypatch):
    """Set a store's environment for this process (and the processes it starts); filesystems made fresh."""

    from thresher.io.storage import OPTIONS_ENV

    monkeypatch.delenv(OPTIONS_ENV, raising=False)  # a run sets it; undone after the test

    def use(store: Store) -> Store:
        for key, value in store.env.items():
            monkeypatch.setenv(key, value)
        _clear_caches()
        return store

    yield use
    _clear_caches()


@pytest.fixture
def s3_server_with_auth() -> Iterator[tuple[Store, dict[str, str]]]:
    """A moto S3 server that checks credentials: an IAM user allowed everything on S3, and its key.

    moto's authentication switch is process-wide (the threaded server runs in this process): it is
    switched on for this fixture only and off again after it.
    """
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    from moto import settings
    from moto.core.responses import ActionAuthenticatorMixin

    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    admin = dict(endpoint_url=endpoint, aws_access_key_id="setup", aws_secret_access_key="setup", region_name="us-east-1")
    # moto's state is process-wide too: names of this fixture's own
    bucket, user = f"locked-{uuid.uuid4().hex[:8]}", f"runner-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", **admin).create_bucket(Bucket=bucket)
    iam = boto3.client("iam", **admin)
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    previous = settings.INITIAL_NO_AUTH_ACTION_COUNT
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0
    try:
        env = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": endpoint}
        yield Store("s3", bucket, endpoint, env), {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                                                     "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    finally:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = previous
        server.stop()
