"""The console command: --help everywhere, config errors stop before work with the key named."""

from __future__ import annotations

import subprocess
import sys

import pytest

SUBCOMMANDS = ["run", "sample", "train-tokenizer", "inspect", "export", "report", "dedup-eval"]


def _thresher(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "thresher.cli", *args],
        capture_output=True, text=True, timeout=120, cwd=cwd,
    )


def test_top_level_help_lists_subcommands():
    out = _thresher("--help")
    assert out.returncode == 0
    for name in SUBCOMMANDS:
        assert name in out.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_help(name):
    out = _thresher(name, "--help")
    assert out.returncode == 0
    assert out.stdout.startswith(f"usage: thresher {name}")


def test_bad_config_stops_before_any_work(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("dedup:\n  minhash:\n    bands: lots\n")
    out = _thresher("run", str(config), "--output", str(tmp_path / "out"))
    assert out.returncode == 2
    assert "dedup.minhash.bands" in out.stderr
    assert not (tmp_path / "out").exists()


def test_missing_input_is_a_clear_error(tmp_path):
    out = _thresher("run", "--input", str(tmp_path / "none-*.warc.gz"), "--output", str(tmp_path / "o"))
    assert out.returncode == 2
    assert "no file matches" in out.stderr


def test_engine_args_after_double_dash_are_passed_through():
    from thresher.cli import build_parser, split_engine_args

    argv, engine = split_engine_args(["run", "cfg.yaml", "--workers", "2", "--", "--job_endpoint=x:1", "--", "y"])
    assert engine == ["--job_endpoint=x:1", "--", "y"]
    args = build_parser().parse_args(argv)
    assert (args.config, args.workers) == ("cfg.yaml", 2)
    assert split_engine_args(["run"]) == (["run"], [])
