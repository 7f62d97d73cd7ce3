"""Runs that survive: SIGKILL midway, relaunch, and get byte-identical output; reruns are no-ops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sample_crawls import write_small_crawls

from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline
from thresher.stats import is_measurement


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> list[str]:
    """Four small crawls: enough files for a kill to land between two passes."""
    return write_small_crawls(tmp_path_factory.mktemp("crawl"), files=4, pages=40, first_seed=1)


def _config(crawl: list[str], out: Path, **runner) -> dict:
    return {"input": {"paths": crawl}, "output": {"path": str(out)}, "runner": {"workers": 1, **runner}}


def _final_outputs(out: Path) -> dict[str, bytes]:
    names = sorted(p.name for p in out.glob("shard-*.parquet")) + ["tokenizer.json", "audit.json"]
    return {name: (out / name).read_bytes() for name in names}


def _finished_results(out: Path) -> int:
    return len(list(out.glob("_work/phase_a/*/result.json")))


def test_killed_run_resumes_to_byte_identical_output(crawl, tmp_path):
    reference = run_pipeline(config_from_dict(_config(crawl, tmp_path / "reference")))

    killed = tmp_path / "killed"
    config_file = tmp_path / "run.yaml"
    config_file.write_text(json.dumps(_config(crawl, killed, files_per_pass=1)))
    process = subprocess.Popen(
        [sys.executable, "-m", "thresher.cli", "run", str(config_file), "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 240
    while _finished_results(killed) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)  # the driver and every Beam worker process
    process.wait()
    done_before = _finished_results(killed)
    assert 2 <= done_before < 4 and not (killed / "manifest.json").exists()

    resumed = run_pipeline(config_from_dict(_config(crawl, killed, files_per_pass=1)))
    # Only the unfinished files were read again...
    assert resumed.stats["records_read"] == reference.stats["records_read"]
    assert _finished_results(killed) == 4
    # ...and the corpus is the same, byte for byte.
    assert _final_outputs(killed) == _final_outputs(tmp_path / "reference")
    counters = lambda s: {k: v for k, v in s["counters"].items() if not is_measurement(k)}
    assert counters(resumed.stats) == counters(reference.stats)


def test_rerun_over_a_finished_output_is_a_no_op_unless_overwrite(crawl, tmp_path):
    config = config_from_dict(_config(crawl[:1], tmp_path))
    first = run_pipeline(config)
    manifest = tmp_path / "manifest.json"
    stamp = manifest.stat().st_mtime_ns
    again = run_pipeline(config)
    assert again.skipped and again.stats == first.stats
    assert manifest.stat().st_mtime_ns == stamp
    redone = run_pipeline(config, overwrite=True)
    assert not redone.skipped and manifest.stat().st_mtime_ns != stamp


def test_changed_phase_a_config_does_not_reuse_old_results(crawl, tmp_path):
    out = tmp_path / "out"
    run_pipeline(config_from_dict(_config(crawl[:1], out)))
    (out / "manifest.json").unlink()  # an unfinished run, as after a crash in phase B
    stricter = _config(crawl[:1], out)
    stricter["langid"] = {"languages": ["en"]}
    result = run_pipeline(config_from_dict(stricter))
    languages = json.loads((out / "manifest.json").read_text())["languages"]
    assert set(languages) == {"en"}
    assert result.stats["identity"]["holds"]


def test_a_relaunch_reuses_the_finished_pieces_of_an_unfinished_file(crawl, tmp_path):
    """A file cut into work units: the pieces written before a crash are kept, the rest redone."""
    out = tmp_path / "pieces"
    from thresher.config import bundled_sample_path

    settings = _config([bundled_sample_path()], out, unit_bytes=300_000)
    reference = run_pipeline(config_from_dict({**settings, "output": {"path": str(tmp_path / "ref")}}))
    # The crash: the file's pieces are written, its result.json not, and one piece is missing.
    first = run_pipeline(config_from_dict(settings))
    (result,) = out.glob("_work/phase_a/*/result.json")
    pieces = sorted(result.parent.glob("piece-*.json"))
    assert len(pieces) >= 2  # the file was read in several units
    result.unlink()
    (out / "manifest.json").unlink()
    pieces[-1].unlink()
    kept = {p: p.stat().st_mtime_ns for p in pieces[:-1]}
    again = run_pipeline(config_from_dict(settings))
    assert {p: p.stat().st_mtime_ns for p in pieces[:-1]} == kept  # reused, not rewritten
    assert pieces[-1].exists() and result.exists()
    assert _final_outputs(out) == _final_outputs(tmp_path / "ref")
    measured = {k: v for k, v in reference.stats["counters"].items() if not is_measurement(k)}
    assert {k: v for k, v in again.stats["counters"].items() if not is_measurement(k)} == measured
    assert first.stats["kept_documents"] == again.stats["kept_documents"]
