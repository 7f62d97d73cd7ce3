"""``thresher inspect``: each subcommand prints what it promises, as tables and as JSON."""

from __future__ import annotations

import argparse
import json

import pyarrow.parquet as pq
import pytest

from test_inspect_fixture import cli, make_run
from thresher.errors import ThresherError
from thresher.tools.inspect.cli import add_inspect_parser


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("inspect") / "run")


def test_summary_counts_come_from_the_manifest(run, capsys):
    code, out = cli(capsys, str(run.path))
    assert code == 0
    assert "documents" in out and " 36 " in out
    assert f"{sum(r['token_count'] for r in run.rows):,}" in out
    assert "vocab 400" in out and "'<|endoftext|>' = 0" in out
    for lang in ("en", "de", "ja", "unknown"):
        assert f" {lang} " in out

    code, out = cli(capsys, str(run.manifest_path), "--json")  # the manifest path works too
    data = json.loads(out)
    assert code == 0
    assert (data["documents"], data["shards"], data["planned_shards"]) == (36, 3, 3)
    assert data["tokens"] == sum(r["token_count"] for r in run.rows)
    assert data["bytes"] == sum(s.bytes for s in run.shards)
    assert data["tokenizer"]["present"] is True and data["tokenizer"]["eos_id"] == run.tokenizer.eos_id
    assert sum(v["documents"] for v in data["languages"].values()) == 36


def test_schema_lists_every_column_against_the_contract(run, capsys):
    code, out = cli(capsys, "schema", str(run.path))
    assert code == 0
    assert "list<element: uint32>" in out and "token_count" in out and "language_score" in out
    data = json.loads(cli(capsys, "schema", str(run.path), "--json")[1])
    assert [c["name"] for c in data["columns"]] == [
        "id", "url", "crawl_date", "source", "offset", "text", "language", "language_score",
        "token_count", "token_ids",
    ]
    assert all(c["conforms"] for c in data["columns"]) and data["differences"] == []
    assert data["schema_version"] == "1"


def test_head_decodes_the_first_documents_in_stream_order(run, capsys):
    code, out = cli(capsys, "head", str(run.path), "-n", "2")
    assert code == 0
    assert run.rows[0]["id"] in out and run.rows[1]["id"] in out and run.rows[2]["id"] not in out
    data = json.loads(cli(capsys, "head", str(run.path), "-n", "4", "--json")[1])
    assert [d["id"] for d in data] == [r["id"] for r in run.rows[:4]]
    # text -> tokens -> shard -> decode: the original text back exactly.
    assert [d["text"] for d in data] == [r["text"] for r in run.rows[:4]]
    assert all("token_ids" not in d for d in data)


def test_head_spans_shards_and_stops_at_the_end(run, capsys):
    data = json.loads(cli(capsys, "head", str(run.path), "-n", "100", "--json")[1])
    assert [d["id"] for d in data] == [r["id"] for r in run.rows]
    assert {d["shard"] for d in data} == {s.name for s in run.shards}


def test_show_prints_one_decoded_document_with_metadata(run, capsys):
    row = run.rows[7]
    code, out = cli(capsys, "show", str(run.path), row["id"])
    assert code == 0
    assert row["url"] in out and "decoded from token_ids" in out
    assert row["text"].splitlines()[0] in out
    # A unique prefix is enough; JSON carries the exact text.
    data = json.loads(cli(capsys, "show", str(run.path), row["id"][:10], "--json")[1])
    assert data["text"] == row["text"] and data["id"] == row["id"]
    assert data["token_count"] == row["token_count"] and "warning" not in data


def test_show_decodes_without_a_text_column(tmp_path, capsys):
    run = make_run(tmp_path / "run", keep_text=False)
    row = run.rows[3]
    data = json.loads(cli(capsys, "show", str(run.path), row["id"], "--json")[1])
    assert "text" not in pq.read_schema(run.shard_file(0)).names
    assert data["text"] == row["text"] and data["text_source"].startswith("decoded")


def test_show_unknown_or_ambiguous_id_is_a_user_error(run, capsys):
    with pytest.raises(ThresherError, match="no document with id 'ffffffffffffffffffff'"):
        cli(capsys, "show", str(run.path), "f" * 20)
    with pytest.raises(ThresherError, match="prefix of several ids"):
        cli(capsys, "show", str(run.path), _common_prefix(run))


def _common_prefix(run) -> str:
    ids = sorted(r["id"] for r in run.rows)
    # A one-digit prefix shared by at least two ids exists among 36 hex ids.
    first_digits = [i[0] for i in ids]
    return next(d for d in first_digits if first_digits.count(d) > 1)


def test_stats_histogram_languages_and_shards(run, capsys):
    code, out = cli(capsys, "stats", str(run.path))
    assert code == 0
    assert "document length (tokens)" in out and "█" in out
    assert all(s.name in out for s in run.shards)
    data = json.loads(cli(capsys, "stats", str(run.path), "--json")[1])
    lengths = [r["token_count"] for r in run.rows]
    assert sum(b["documents"] for b in data["histogram"]) == 36
    assert data["document_tokens"]["max"] == max(lengths) and data["document_tokens"]["min"] == min(lengths)
    for bucket in data["histogram"]:
        assert bucket["documents"] == sum(bucket["min_tokens"] <= n <= bucket["max_tokens"] for n in lengths)
    expected_en = sum(r["token_count"] for r in run.rows if r["language"] == "en")
    assert data["languages"]["en"]["tokens"] == expected_en
    assert data["languages"]["unknown"]["documents"] == sum(r["language"] is None for r in run.rows)
    assert [s["tokens"] for s in data["shards"]] == [s.tokens for s in run.shards]


def test_long_listings_truncate(run, capsys):
    out = cli(capsys, "stats", str(run.path), "--limit", "1")[1]
    assert "2 more shards" in out and "3 more languages" in out
    assert run.shards[0].name in out and run.shards[2].name not in out


def test_validate_passes_a_good_run(run, capsys):
    code, out = cli(capsys, "validate", str(run.path))
    assert code == 0 and out.startswith("OK ") and "36 documents" in out
    data = json.loads(cli(capsys, "validate", str(run.path), "--json")[1])
    assert data["ok"] is True and data["problems"] == []
    assert data["checked"] == {"shards": 3, "documents": 36, "tokens": sum(r["token_count"] for r in run.rows)}


def test_a_path_without_manifest_is_a_user_error(tmp_path, capsys):
    with pytest.raises(ThresherError, match="no manifest.json here"):
        cli(capsys, str(tmp_path))
    with pytest.raises(ThresherError, match="no such file or directory"):
        cli(capsys, "stats", str(tmp_path / "absent"))


def test_wrong_operand_count_names_the_expected_shape(run, capsys):
    with pytest.raises(ThresherError, match="inspect show: expected PATH ID"):
        cli(capsys, "show", str(run.path))
    with pytest.raises(ThresherError, match="inspect schema: expected PATH, got nothing"):
        cli(capsys, "schema")


def test_help_lists_every_subcommand(capsys):
    parser = argparse.ArgumentParser(prog="thresher")
    add_inspect_parser(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["inspect", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    for command in ("schema PATH", "head PATH -n N", "show PATH ID", "stats PATH", "validate PATH", "--json"):
        assert command in out



def test_remote_style_url_validates_and_summarizes(run, capsys):
    fsspec = pytest.importorskip("fsspec", reason="fsspec is not installed")
    memory = fsspec.filesystem("memory")
    for path in run.path.iterdir():
        if path.is_file():
            memory.pipe(f"/inspect-test/run/{path.name}", path.read_bytes())
    try:
        code, out = cli(capsys, "validate", "memory://inspect-test/run")
        assert code == 0 and out.startswith("OK memory://inspect-test/run")
        data = json.loads(cli(capsys, "show", "memory://inspect-test/run", run.rows[2]["id"], "--json")[1])
        assert data["text"] == run.rows[2]["text"]
        memory.rm("/inspect-test/run/" + run.shards[1].name)
        code, out = cli(capsys, "validate", "memory://inspect-test/run/manifest.json")
        assert code == 1 and f"{run.shards[1].name}: listed in the manifest but missing" in out
    finally:
        memory.rm("/inspect-test", recursive=True)
