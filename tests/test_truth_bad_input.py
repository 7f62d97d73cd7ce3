"""Bad input is counted, never fatal: an empty archive, files that are no crawl archive in the glob,
and a remote file that cannot be read each count one record with its reason (and cause); the run goes
on, names them in the terminal, lists them in stats.json, and the identity holds."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from thresher.tools.sample.generator import write_sample_crawl
from truth_cli import thresher


@pytest.fixture(scope="module")
def http_root(tmp_path_factory):
    """A real HTTP server on loopback serving an empty folder: every file asked for is a 404."""
    root = tmp_path_factory.mktemp("served")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def messy_run(tmp_path_factory, http_root):
    """One real run over a crawl folder as users have them, plus a remote file that is not there."""
    folder = tmp_path_factory.mktemp("crawl")
    write_sample_crawl(folder / "good.warc.gz", pages=30, seed=3)
    (folder / "empty.warc.gz").write_bytes(b"")
    (folder / "README.txt").write_text("Crawl of 2024-05, see the index for details.\n" * 20)
    (folder / "index.json").write_text(json.dumps({"files": ["good.warc.gz"], "pages": 30}, indent=2))
    assert (folder / "good.truth.json").exists()  # the sample's truth file: one more JSON beside the crawl
    out = tmp_path_factory.mktemp("out") / "run"
    missing = f"{http_root}/missing.warc.gz"
    result = thresher("run", "--input", str(folder / "*"), "--input", missing, "--output", str(out),
                      "--workers", "1")
    return folder, out, missing, result


def _stats(out: Path) -> dict:
    return json.loads((out / "stats.json").read_text())


def test_the_run_goes_on_and_succeeds(messy_run):
    _folder, out, _missing, result = messy_run
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "manifest.json").exists()
    assert _stats(out)["kept_documents"] > 0


def test_each_bad_file_is_one_counted_record_with_its_reason(messy_run):
    folder, out, missing, _result = messy_run
    stats = _stats(out)
    assert stats["read"]["skipped"]["empty_file"] == 1
    # README.txt, index.json and good.truth.json: three skips, not hundreds of malformed_json errors.
    assert stats["read"]["skipped"]["not_a_crawl_file"] == 3
    assert stats["read"]["errors"] == {"file_not_found": 1}
    assert "malformed_json" not in json.dumps(stats["read"])
    assert stats["identity"]["holds"]


def test_stats_json_lists_the_files_with_reason_and_cause(messy_run):
    folder, out, missing, _result = messy_run
    listed = {entry["source"]: entry for entry in _stats(out)["problem_files"]["files"]}
    assert set(listed) == {str(folder / name) for name in (
        "empty.warc.gz", "README.txt", "index.json", "good.truth.json")} | {missing}
    assert listed[str(folder / "README.txt")]["skipped"] == {"not_a_crawl_file": 1}
    assert listed[str(folder / "empty.warc.gz")]["skipped"] == {"empty_file": 1}
    assert listed[missing]["errors"] == {"file_not_found": 1}
    # The cause: what the filesystem said about the remote file.
    assert "FileNotFoundError" in listed[missing]["causes"]["error/file_not_found"]


def test_the_terminal_summary_names_the_files(messy_run):
    folder, _out, missing, result = messy_run
    summary = [line for line in result.stdout.splitlines() if "with problems" in line]
    assert len(summary) == 1
    for name in ("empty.warc.gz (skipped empty_file)", "README.txt (skipped not_a_crawl_file)", missing):
        assert name in summary[0]


def test_a_json_file_holding_a_warc_is_read_by_its_bytes(tmp_path):
    """Sniffing decides, not the name: a crawl archive named .json beside .warc.gz files is read."""
    from thresher.io.fs import open_input
    from thresher.io.sniff import NOT_A_CRAWL_FILE, whole_file_skip

    archive = tmp_path / "a.warc.gz"
    write_sample_crawl(archive, pages=3, seed=1)
    renamed = tmp_path / "misnamed.json"
    renamed.write_bytes(archive.read_bytes())
    text = tmp_path / "notes.warc.txt"
    text.write_text("just notes\n")
    opened = [open_input(str(p)) for p in (renamed, text)]
    try:
        assert whole_file_skip(opened[0], True, "jsonl") is None
        assert whole_file_skip(opened[1], True, None) == NOT_A_CRAWL_FILE
        assert whole_file_skip(opened[1], False, None) is None  # a JSONL/Parquet run reads its files
    finally:
        for item in opened:
            item.close()


def test_a_gzip_of_nothing_is_an_empty_file_and_a_damaged_one_is_not(tmp_path):
    import gzip

    from thresher.io.fs import open_input
    from thresher.io.sniff import EMPTY_FILE, whole_file_skip

    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(gzip.compress(b""))
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(gzip.compress(b"WARC/1.0\r\n" * 50)[:15])
    opened = [open_input(str(p)) for p in (empty, damaged)]
    try:
        assert whole_file_skip(opened[0], True, "warc") == EMPTY_FILE
        assert whole_file_skip(opened[1], True, "warc") is None  # read, its damage counted as errors
    finally:
        for item in opened:
            item.close()


def test_a_reader_that_leaves_is_no_error_and_no_traceback(messy_run):
    """``thresher inspect head RUN | head -1``: the pipe closes before the output is written."""
    import subprocess
    import sys

    _folder, out, _missing, _result = messy_run
    process = subprocess.Popen([sys.executable, "-m", "thresher.cli", "inspect", "head", str(out), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # no reader left: the first write fails with EPIPE
    stderr = process.stderr.read()
    process.wait(timeout=120)
    assert process.returncode == 141 and stderr == "", stderr
