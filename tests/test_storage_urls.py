"""Locations as URLs, below the run: options found by URL, scheme checks, remote globs and path lists,
redaction of what is recorded. fsspec's real memory:// filesystem stands in for a store."""

from __future__ import annotations

import gzip

import fsspec
import pytest

from thresher.errors import ThresherError
from thresher.io import schemes, storage
from thresher.io.secrets import REDACTED, redact_config
from thresher.run.layout import expand_inputs
from thresher.run.remote import bucket_prefix


def test_options_are_found_by_the_longest_prefix(monkeypatch):
    monkeypatch.delenv(storage.OPTIONS_ENV, raising=False)
    storage.configure_options({"s3://": {"anon": True}, "s3://private/": {"key": "k"}, "gs://": {}})
    assert storage.options_for("s3://private/run/x.json") == {"key": "k"}
    assert storage.options_for("s3://public/x") == {"anon": True}
    assert storage.options_for("gs://b/x") == {} and storage.options_for("/local/x") == {}
    storage.configure_options({})
    assert storage.options_for("s3://private/run/x.json") == {}


def test_bucket_prefix():
    assert bucket_prefix("s3://bucket/a/b.warc.gz") == "s3://bucket/"
    assert bucket_prefix("memory://") == "memory://"


def test_a_missing_or_unknown_scheme_is_one_line():
    with pytest.raises(ThresherError, match=r"^abfs:// needs adlfs: pip install adlfs$"):
        schemes.check_installed(["/local/in.warc.gz", "abfs://container/out"])
    with pytest.raises(ThresherError, match="unknown scheme nosuchfs://"):
        schemes.check_installed(["nosuchfs://x/y"])
    schemes.check_installed(["memory://x", "s3://b/x", "/local"])  # served here: no error


def test_globs_and_path_lists_on_a_store():
    fs = fsspec.filesystem("memory")
    for name in ("b.warc.gz", "a.warc.gz", "c.txt"):
        fs.pipe(f"/crawl/seg/{name}", b"x")
    # matches come back as fsspec names them (memory's root is "/": memory:///crawl/...)
    matches = expand_inputs(["memory://crawl/seg/*.warc.gz"])
    assert [m.rsplit("/", 1)[-1] for m in matches] == ["a.warc.gz", "b.warc.gz"]
    assert all(m.startswith("memory://") and storage.exists(m) for m in matches)
    fs.pipe("/crawl/warc.paths.gz", gzip.compress(b"seg/a.warc.gz\n# a comment\ns3://other/x.warc.gz\n"))
    assert expand_inputs(["memory://crawl/warc.paths.gz"]) == ["memory://crawl/seg/a.warc.gz", "s3://other/x.warc.gz"]
    with pytest.raises(ThresherError, match="no file matches"):
        expand_inputs(["memory://crawl/seg/*.arc.gz"])


def test_memory_output_is_written_through_the_one_writer():
    storage.write_json("memory://run/_work/x.json", {"a": 1})
    assert storage.read_json("memory://run/_work/x.json") == {"a": 1}
    with pytest.raises(RuntimeError):
        with storage.atomic_write("memory://run/_work/half.bin") as fh:
            fh.write(b"half")
            raise RuntimeError("killed")
    assert not storage.exists("memory://run/_work/half.bin")


def test_recorded_config_carries_no_secret():
    record = {
        "input": {"paths": ["https://user:hunter2@host/x.warc.gz"], "storage_options": {"key": "AK", "secret": "s3"}},
        "output": {"path": "s3://b/out", "storage_options": {"client_kwargs": {"aws_session_token": "tok"}}},
    }
    redacted = redact_config(record)
    assert redacted["input"]["paths"] == [f"https://user:{REDACTED}@host/x.warc.gz"]
    assert redacted["input"]["storage_options"] == {"key": REDACTED, "secret": REDACTED}
    assert redacted["output"]["storage_options"] == {"client_kwargs": {"aws_session_token": REDACTED}}
    assert redacted["output"]["path"] == "s3://b/out"
