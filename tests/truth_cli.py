"""Helpers of the tests/test_truth_*.py files: the real command line in a subprocess, small inputs."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def thresher(*args: str, timeout: float = 600, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """``thresher ARGS`` as a user runs it, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "thresher.cli", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, **kwargs,
    )


def assert_one_line_error(out: subprocess.CompletedProcess, status: int, *words: str) -> str:
    """The command failed with ``status``, no traceback, and its last stderr line says ``words``."""
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout, out.stderr[-3000:]
    assert out.returncode == status, (out.returncode, out.stderr[-3000:])
    line = out.stderr.strip().splitlines()[-1]
    assert line.startswith("thresher: "), out.stderr[-3000:]
    for word in words:
        assert word in line, line
    return line


def unwritable_dir(tmp_path: Path) -> Path:
    """A directory this process cannot create files in (root writes anywhere but sysfs)."""
    if os.geteuid() == 0:
        return Path("/sys")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    return locked


def english_texts(count: int, seed: int = 0) -> list[str]:
    """Natural English articles (the sample crawl's prose) that pass the default filters."""
    from thresher.tools.sample.compose import compose_article
    from thresher.tools.sample.corpus import load_corpora

    corpus = load_corpora()["en"]
    rng = random.Random(seed)
    return [compose_article(corpus, rng).main_text for _ in range(count)]


def write_jsonl(path: Path, rows: list[dict], extra_lines: list[str] = ()) -> Path:
    lines = [json.dumps(row) for row in rows] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n")
    return path
