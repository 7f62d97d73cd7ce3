"""The note a run prints when its worker processes would compile their engine's package from source."""

from __future__ import annotations

import importlib.util
import os
import py_compile
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from thresher.run.bytecode import module_bytecode_note, uncached_bytecode_note


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A pure-Python package never imported, so nothing has compiled it yet."""
    name = f"thresher_bytecode_probe_{os.getpid()}"
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def test_a_package_without_bytecode_that_python_will_not_cache_gets_a_note(package, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    note = module_bytecode_note(package)
    assert note is not None and package in note and "PYTHONDONTWRITEBYTECODE" in note
    assert "-m compileall" in note and "\n" not in note


def test_compiled_bytecode_or_a_writable_cache_needs_no_note(package, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert module_bytecode_note(package) is None  # the first import will write it
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    source = tmp_path / package / "__init__.py"
    py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(source)))
    assert module_bytecode_note(package) is None


def test_a_missing_or_compiled_module_needs_no_note():
    assert module_bytecode_note("thresher_no_such_module_anywhere") is None
    assert module_bytecode_note("_json") is None  # built in, no source


def test_only_runners_whose_local_workers_start_afresh_get_the_note(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    beam_compiled = os.path.exists(importlib.util.find_spec("apache_beam").cached)
    for runner in ("direct", "prism"):
        note = uncached_bytecode_note(runner)
        assert (note is None) == beam_compiled and (note is None or "apache_beam" in note)
    # Spark's local workers fork from a daemon that imported PySpark; portable and Dataflow workers
    # are not this machine's processes.
    for runner in ("spark", "portable", "dataflow"):
        assert uncached_bytecode_note(runner) is None


def test_a_compileall_run_as_the_note_says_silences_it(tmp_path):
    """The command the note prints, run for real, makes the note go away (a fresh interpreter each time)."""
    name = "thresher_bytecode_probe_cli"
    tmp_path = tmp_path / "site packages"  # a space: the printed command must quote it
    (tmp_path / name).mkdir(parents=True)
    (tmp_path / name / "__init__.py").write_text("VALUE = 2\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(tmp_path)}
    probe = f"from thresher.run.bytecode import module_bytecode_note as n; print(n({name!r}) or '')"
    first = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert "compileall" in first
    command = shlex.split(first.strip().split("compile it once with: ", 1)[1])
    assert command[-1] == str(tmp_path)
    subprocess.run(command, env=env, check=True)
    again = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    assert again.strip() == ""
