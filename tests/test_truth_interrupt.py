"""Ctrl-C: one line (what was committed, and that the same command resumes), no traceback; the
rerun says it resumes and ends with shards byte-identical to an uninterrupted run's."""

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

from truth_cli import thresher


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> list[str]:
    return write_small_crawls(tmp_path_factory.mktemp("crawl"), files=4, pages=40, first_seed=11)


def _config(tmp_path: Path, crawl: list[str], out: Path, runner: str = "direct") -> Path:
    config = tmp_path / f"{out.name}.yaml"
    config.write_text(json.dumps({"input": {"paths": crawl}, "output": {"path": str(out)},
                                  "runner": {"name": runner, "workers": 2, "files_per_pass": 1}}))
    return config


@pytest.fixture(scope="module")
def reference(crawl, tmp_path_factory) -> Path:
    """The same run, never interrupted (engines give byte-identical shards: the golden run)."""
    root = tmp_path_factory.mktemp("reference")
    out = root / "reference"
    whole = thresher("run", str(_config(root, crawl, out)), "--quiet")
    assert whole.returncode == 0, whole.stderr[-3000:]
    return out


def _committed(out: Path) -> int:
    return len(list(out.glob("_work/phase_a/*/result.json")))


def _shards(out: Path) -> dict[str, bytes]:
    names = sorted(p.name for p in out.glob("shard-*.parquet")) + ["tokenizer.json", "manifest.json"]
    return {name: (out / name).read_bytes() for name in names}


@pytest.mark.parametrize("runner", ["direct", "local", "spark"])
def test_ctrl_c_is_one_line_and_the_same_command_resumes(crawl, reference, tmp_path, runner):
    out = tmp_path / "interrupted"
    config = _config(tmp_path, crawl, out, runner)
    process = subprocess.Popen(
        [sys.executable, "-m", "thresher.cli", "run", str(config), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    # Wait for a committed marker (never a fixed sleep): then the run has something to resume.
    deadline = time.monotonic() + 300
    while _committed(out) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, "the run ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the driver and every worker process
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr + stdout
    lines = stderr.strip().splitlines()
    if runner == "spark":  # Spark's JVM writes its start-up warnings and stage bar to the terminal
        lines = [line.rsplit("]", 1)[-1] for line in lines if "thresher: " in line]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("thresher: interrupted: ")
    assert stderr.rstrip().endswith(lines[0])  # nothing after it: no worker or JVM dying out loud
    assert "of 4 input file(s) committed" in lines[0] and "run the same command again to resume" in lines[0]
    committed = _committed(out)
    assert 1 <= committed and not (out / "manifest.json").exists()

    rerun = thresher("run", str(config))
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    resumed = [line for line in rerun.stderr.splitlines() if "resuming" in line]
    assert resumed and f"{committed} of 4 input file(s) already done" in resumed[0], rerun.stderr

    assert _shards(out) == {**_shards(reference), "manifest.json": _shards(out)["manifest.json"]}
    # The manifests differ only in the output path and the runner recorded in the config.
    strip = lambda m: {**m, "config": {**m["config"], "runner": None,
                                       "output": {**m["config"]["output"], "path": None}}}
    assert strip(json.loads(_shards(out)["manifest.json"])) == strip(json.loads(_shards(reference)["manifest.json"]))
