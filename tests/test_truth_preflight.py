"""No traceback for a user mistake or an environment problem: every command checks where it writes
before any work, a missing library names the extra to install; each case through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from truth_cli import assert_one_line_error, thresher, unwritable_dir


@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "plain-file"
    path.write_text("not a directory\n")
    return path


def test_run_into_an_unwritable_output_stops_before_any_work(tmp_path):
    out = unwritable_dir(tmp_path) / "thresher-out"
    result = thresher("run", "--output", str(out), "--workers", "1")
    assert_one_line_error(result, 2, "--output", "cannot write")
    assert "reading" not in result.stderr  # no phase started
    assert not out.exists()


def test_run_into_an_output_under_a_regular_file(tmp_path, a_file):
    result = thresher("run", "--output", str(a_file / "out"), "--workers", "1")
    assert_one_line_error(result, 2, "--output", str(a_file), "is a file, not a directory")


def test_run_into_an_output_that_is_a_file(a_file):
    result = thresher("run", "--output", str(a_file), "--workers", "1")
    assert_one_line_error(result, 2, "--output", "is a file, not a directory")


@pytest.mark.parametrize("args", [
    lambda bad: ["sample", str(bad / "x.warc.gz"), "--pages", "5"],
    lambda bad: ["report", "RUN_DIR", "--output", str(bad / "report.html")],
    lambda bad: ["export", "flat", "RUN_DIR", str(bad / "flat")],
    lambda bad: ["export", "megatron", "RUN_DIR", str(bad / "corpus")],
    lambda bad: ["train-tokenizer", "RUN_DIR", "--vocab-size", "300", "--output", str(bad / "tok.json")],
], ids=["sample", "report", "export-flat", "export-megatron", "train-tokenizer"])
@pytest.mark.parametrize("where", ["unwritable", "under-a-file"])
def test_every_writing_command_checks_its_output_first(tmp_path, a_file, args, where):
    bad = unwritable_dir(tmp_path) if where == "unwritable" else a_file
    # RUN_DIR does not exist: had the command started its work, it would fail on reading it instead.
    argv = [str(tmp_path / "no-run") if a == "RUN_DIR" else a for a in args(bad)]
    result = thresher(*argv)
    line = assert_one_line_error(result, 2)
    assert ("cannot write" if where == "unwritable" else "is a file, not a directory") in line
    assert "no-run" not in line


def test_spark_runner_without_pyspark_names_the_extra(tmp_path):
    # PySpark is installed here; the child process is made to lack it, as on a machine without it.
    code = (
        "import sys; sys.modules['pyspark'] = None; from thresher.cli import main; "
        f"sys.exit(main(['run', '--runner', 'spark', '--output', {str(tmp_path / 'o')!r}]))"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert_one_line_error(result, 2, "pyspark", "pip install 'thresher[spark]'")


# --runner portable without --job_endpoint runs Beam's job service in this process
# (tests/test_runner_choice.py); an endpoint where nothing answers is one line there too.


def test_train_tokenizer_on_a_folder_without_a_run_is_an_error_not_a_tokenizer(tmp_path):
    result = thresher("train-tokenizer", str(tmp_path / "no-run"), "--output", str(tmp_path / "tok.json"))
    assert_one_line_error(result, 2, "no kept documents")
    assert not (tmp_path / "tok.json").exists()


def test_an_output_url_of_an_unknown_scheme_stops_before_any_work(tmp_path):
    result = thresher("run", "--output", "nosuchscheme://bucket/out", "--workers", "1")
    assert_one_line_error(result, 2, "unknown scheme nosuchscheme://")
    assert "reading" not in result.stderr


def test_spark_runner_without_java_is_one_line_before_any_work(tmp_path):
    out = tmp_path / "o"
    result = thresher("run", "--runner", "spark", "--output", str(out), env={"JAVA_HOME": str(tmp_path / "no-jdk")})
    assert_one_line_error(result, 2, "needs Java", "JAVA_HOME")
    assert not out.exists()


@pytest.mark.parametrize("yaml_text, words", [
    ("dedup:\n  index:\n    read: [/nonexistent/index]\n", ("dedup index /nonexistent/index", "no index.json")),
    ("tokenize:\n  tokenizer: /nonexistent/tok.json\n", ("tokenize.tokenizer", "file not found")),
    ("a: [\n", ("not valid YAML", "line 2")),
], ids=["index", "tokenizer", "yaml"])
def test_what_a_run_reads_besides_its_input_is_checked_before_any_work(tmp_path, yaml_text, words):
    config = tmp_path / "run.yaml"
    config.write_text(yaml_text)
    out = tmp_path / "out"
    result = thresher("run", str(config), "--output", str(out), "--workers", "1")
    assert_one_line_error(result, 2, *words)
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_an_input_naming_only_a_directory_says_how_to_name_its_files(tmp_path):
    (tmp_path / "crawl").mkdir()
    result = thresher("run", "--input", str(tmp_path / "crawl"), "--output", str(tmp_path / "out"))
    assert_one_line_error(result, 2, "matches only directories", "crawl/*")


# Dataflow without Beam's GCP libraries, or without --project/--region/--temp_location: one line before any
# work, in tests/test_dataflow_jobs.py (a child made to lack the libraries, so it runs where they are installed).
