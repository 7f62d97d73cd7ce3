"""The exit status tells the outcome: no document kept, too many errors (--max-error-share and
output.max_error_share), and a finished run of another config or input at the output."""

from __future__ import annotations

import json

import pytest

from truth_cli import assert_one_line_error, english_texts, thresher, write_jsonl

# Pre-extracted JSONL runs skip HTML extraction: the cheapest real runs.
FAST = ["--workers", "1"]


@pytest.fixture(scope="module")
def articles():
    return english_texts(10, seed=7)


def test_no_document_kept_is_status_4_with_the_reason(tmp_path):
    rows = [{"id": f"d{i}", "url": f"https://example.com/{i}", "text": "Too short to keep."} for i in range(3)]
    corpus = write_jsonl(tmp_path / "short.jsonl", rows)
    out = tmp_path / "out"
    result = thresher("run", "--input", str(corpus), "--output", str(out), *FAST)
    line = assert_one_line_error(result, 4, "no document was kept", "3 input records")
    assert "dropped" in line  # says where the records went
    assert (out / "stats.json").exists()  # the run's account is still written


def test_errors_over_the_allowed_share_are_status_5(tmp_path, articles):
    rows = [{"id": f"d{i}", "url": f"https://example.com/{i}", "text": t} for i, t in enumerate(articles)]
    corpus = write_jsonl(tmp_path / "c.jsonl", rows, extra_lines=["{not json"])
    out = tmp_path / "out"
    result = thresher("run", "--input", str(corpus), "--output", str(out), *FAST)
    line = assert_one_line_error(result, 5, "1 of 11 input records", "9.1%", "0.05", "--max-error-share")
    assert "malformed" in line
    stats = json.loads((out / "stats.json").read_text())
    assert stats["kept_documents"] > 0 and stats["identity"]["errors"] == 1

    # The same finished run, judged with a larger allowance: status 0, nothing redone.
    again = thresher("run", "--input", str(corpus), "--output", str(out), "--max-error-share", "0.2", *FAST)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "nothing to do" in again.stderr

    # The config key does the same.
    config = tmp_path / "lenient.yaml"
    config.write_text(f"output: {{path: {str(out)!r}, max_error_share: 0.5}}\ninput: {{paths: [{str(corpus)!r}]}}\n")
    assert thresher("run", str(config), *FAST).returncode == 0


def test_a_bad_max_error_share_is_a_config_error(tmp_path):
    result = thresher("run", "--max-error-share", "2", "--output", str(tmp_path / "o"))
    assert_one_line_error(result, 2, "output.max_error_share", "0..1")


def test_a_finished_run_of_another_config_or_input_is_an_error_saying_what_differs(tmp_path, articles):
    rows = [{"id": f"d{i}", "url": f"https://example.com/{i}", "text": t} for i, t in enumerate(articles)]
    first = write_jsonl(tmp_path / "a.jsonl", rows[:5])
    second = write_jsonl(tmp_path / "b.jsonl", rows[5:])
    out = tmp_path / "out"
    done = thresher("run", "--input", str(first), "--output", str(out), *FAST)
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = (out / "manifest.json").read_bytes()

    more_input = thresher("run", "--input", str(first), "--input", str(second), "--output", str(out), *FAST)
    line = assert_one_line_error(more_input, 2, "another input list", "1 new", "b.jsonl", "--overwrite")

    config = tmp_path / "other.yaml"
    config.write_text(f"input: {{paths: [{str(first)!r}]}}\ndedup: {{minhash: {{bands: 10}}}}\n")
    other_config = thresher("run", str(config), "--output", str(out), *FAST)
    line = assert_one_line_error(other_config, 2, "another config", "fingerprint", "dedup.minhash.bands",
                                 "--overwrite", "another --output")
    assert "input" not in line.split("another config")[0]
    assert (out / "manifest.json").read_bytes() == manifest  # left alone

    # Another engine or worker count is the same run: nothing to do.
    same = thresher("run", "--input", str(first), "--output", str(out), "--workers", "2")
    assert same.returncode == 0 and "nothing to do" in same.stderr


def test_the_summary_names_a_few_files_then_a_count():
    from thresher.run.outcome import NAMED_FILES, format_problem_files, problem_files_record

    files = [{"source": f"crawl/part-{i}.warc.gz", "errors": {"truncated_record": i + 1}, "skipped": {}}
             for i in range(NAMED_FILES + 7)]
    line = format_problem_files(problem_files_record(files))
    assert line.startswith(f"{NAMED_FILES + 7} input file(s) with problems: crawl/part-0.warc.gz (error truncated_record)")
    assert "crawl/part-1.warc.gz (error truncated_record x2)" in line
    assert f"crawl/part-{NAMED_FILES}.warc.gz" not in line and line.endswith("and 7 more (stats.json: problem_files)")
    assert format_problem_files(problem_files_record([])) is None
