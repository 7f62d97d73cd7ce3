"""What a person sees: the real ``thresher run`` under a pseudo-terminal 80 columns wide, and under a pipe.

On a terminal: every line fits the terminal's width, the documents bar reaches files N/N,
each later phase has its bar, and no engine log line (Beam's workers, Spark's log4j) reaches
the terminal: those go to ``_work/logs/``. On a pipe: plain progress lines, no escape codes.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pytest

from thresher.tools.sample.generator import write_sample_crawl

COLUMNS = 80
#: A safety net only: a run of these inputs takes well under a minute.
RUN_LIMIT_SECONDS = 900
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


@pytest.fixture
def short_dir():
    # A short path: the run's last line names the output directory, and must fit 80 columns too.
    path = Path(tempfile.mkdtemp(prefix="thr", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _inputs(directory: Path) -> list[str]:
    paths = []
    for seed in (1, 2):
        path = directory / f"crawl-{seed}.warc.gz"
        write_sample_crawl(path, pages=60, seed=seed)
        paths.append(str(path))
    return paths


def _run_args(directory: Path, runner: str) -> list[str]:
    args = [sys.executable, "-m", "thresher.cli", "run", "--output", str(directory / "out"), "--runner", runner,
            "--workers", "2"]
    for path in _inputs(directory):
        args += ["--input", path]
    if runner == "spark":
        args += ["--", "--master", "local[2]"]
    return args


def _run_in_pty(args: list[str], columns: int, rows: int = 40) -> tuple[int, str]:
    """Run ``args`` with stdin, stdout and stderr on a pseudo-terminal of ``columns``; (exit status, output)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm-256color"}
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + RUN_LIMIT_SECONDS
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the child closed the terminal (EIO)
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            pytest.fail("the run did not end within the safety limit")
        status = proc.wait(timeout=60)
    finally:
        os.close(master)
    return status, b"".join(chunks).decode("utf-8", "replace")


def _visible_lines(output: str) -> list[str]:
    """What each redraw put on a line: escape codes removed, split at newlines and carriage returns."""
    return [line for line in re.split(r"\r\n|\n|\r", _ESCAPES.sub("", output))]


@pytest.mark.parametrize("runner", ["direct", "local", "spark"])
def test_live_display_fits_80_columns_and_keeps_engine_logs_out(short_dir, runner):
    if runner == "spark":
        pytest.importorskip("pyspark")
    status, output = _run_in_pty(_run_args(short_dir, runner), COLUMNS)
    lines = _visible_lines(output)
    assert status == 0, output[-3000:]
    too_wide = [line for line in lines if len(line) > COLUMNS]
    assert too_wide == []
    text = "\n".join(lines)
    assert "files 2/2" in text  # the documents bar reached every input file
    for phase in ("documents", "dedup", "tokenizer", "shards"):
        assert re.search(rf"^{phase} .* done \d", text, re.M), phase
    assert "records read" in text  # the funnel, after the bars
    noise = [line for line in lines if re.search(r"WARN|log4j|INFO|\[Stage \d", line)]
    assert noise == []
    log = short_dir / "out" / "_work" / "logs" / "workers.log"
    assert log.is_file()  # the engine's own output has its place
    if runner == "spark":
        # Spark's JVM always logs (log4j start-up lines); it went there, not to the terminal. The
        # direct runner's small jobs run in this process without Beam and may log nothing at all.
        assert log.stat().st_size > 0


def test_live_display_adapts_to_a_wide_terminal(short_dir):
    status, output = _run_in_pty(_run_args(short_dir, "direct"), 200)
    lines = _visible_lines(output)
    assert status == 0, output[-3000:]
    assert max(len(line) for line in lines) <= 200
    bars = [line for line in lines if line.startswith("documents ")]
    assert bars and max(len(line) for line in bars) > 150  # the bar uses the width it has


def test_a_pipe_gets_plain_progress_lines(short_dir):
    proc = subprocess.run(_run_args(short_dir, "direct"), capture_output=True, text=True, timeout=RUN_LIMIT_SECONDS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "\x1b" not in proc.stderr and "\r" not in proc.stderr
    lines = proc.stderr.splitlines()
    documents = [line for line in lines if line.startswith("thresher: documents done in ")]
    assert len(documents) == 1
    assert "files 2/2" in documents[0] and "pages" in documents[0] and "kept" in documents[0]
    for phase in ("dedup", "tokenizer", "shards"):
        assert any(line.startswith(f"thresher: {phase} done in ") for line in lines), phase
    assert [line for line in lines if not line.startswith("thresher: ")] == []  # nothing from the engine
