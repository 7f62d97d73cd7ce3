"""Inputs kept as the user gave them: ids, kept columns with their Arrow types, the text field, vocab_size.

Runs go through the real DirectRunner (Beam's FnApiRunner) over small JSONL and Parquet corpora
made here; both ways of writing shards (one writer, grouped by shard) are held to the same bytes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from thresher.cli import main
from thresher.config import config_from_dict
from thresher.errors import ConfigError
from thresher.io.inputs import InputOptions, iter_input
from thresher.io.shards import shard_index
from thresher.run.driver import run_pipeline
from thresher.run.plan import build_plan
from thresher.stats import DictStats

WORDS = ("the and of to that with have be river mountain village market teacher garden window bread morning "
         "evening journey story music colour winter summer letter friend family history science water light "
         "people city country forest ocean field animal flower school library kitchen road bridge travel").split()


def prose(seed: int, words: int = 120) -> str:
    """English-like text that passes the default quality filters (stop words, sentence ends)."""
    rng = random.Random(seed)
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))).capitalize() + ".")
    return " ".join(sentences)


def corpus_rows() -> list[dict]:
    rows = [{"id": f"doc-{i:03d}", "body": prose(i), "url": f"https://example.org/{i}", "score": i / 10,
             "tags": ["a", "b"][: i % 3], "meta": {"n": i}} for i in range(12)]
    rows.append({"id": "doc-005", "body": prose(500), "url": "https://example.org/again", "score": 9.5,
                 "tags": [], "meta": {"n": 99}})  # the id repeats: the first keeps it
    rows.append({"body": prose(600), "url": "https://example.org/no-id", "score": 2.5, "tags": ["z"],
                 "meta": {"n": 7}})  # no id: one derived from the URL
    return rows


def write_jsonl(rows: list[dict], path: Path) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def write_parquet(rows: list[dict], path: Path) -> str:
    schema = pa.schema([("id", pa.string()), ("body", pa.string()), ("url", pa.string()),
                        ("score", pa.float32()), ("day", pa.date32())])
    import datetime

    table = pa.Table.from_pylist(
        [{"id": r.get("id"), "body": r["body"], "url": r["url"], "score": r["score"],
          "day": datetime.date(2024, 1, 1 + i % 28)} for i, r in enumerate(rows)], schema=schema)
    pq.write_table(table, str(path))
    return str(path)


def config(paths: list[str], out: Path, **sections) -> dict:
    data = {"input": {"paths": paths, "text_field": "body"}, "output": {"path": str(out)},
            "langid": {"enabled": False}, "runner": {"workers": 1}, "tokenize": {"vocab_size": 300}}
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    return data


def shard_rows(out: Path) -> list[dict]:
    return [row for path in sorted(out.glob("shard-*.parquet")) for row in pq.read_table(path).to_pylist()]


# -- vocab_size and the text field: config errors that name what to set ------------------------


def test_a_vocab_size_below_the_byte_alphabet_names_the_minimum():
    with pytest.raises(ConfigError, match=r"tokenize.vocab_size: 10 is below the minimum 257"):
        config_from_dict({"tokenize": {"vocab_size": 10}})
    config_from_dict({"tokenize": {"vocab_size": 257}})
    # A given tokenizer.json has its own vocabulary: vocab_size is not used then.
    config_from_dict({"tokenize": {"vocab_size": 10, "tokenizer": "tok.json"}})
    # thresher train-tokenizer too: one line, exit status 2, not a 257-token file.
    from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe

    with pytest.raises(ConfigError, match="below the minimum 257"):
        train_byte_level_bpe(["some text"], vocab_size=10)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_missing_text_column_names_the_columns_found_and_the_key(fmt, tmp_path, capsys):
    rows = corpus_rows()[:3]
    path = write_jsonl(rows, tmp_path / "c.jsonl") if fmt == "jsonl" else write_parquet(rows, tmp_path / "c.parquet")
    data = config([path], tmp_path / "out")
    del data["input"]["text_field"]  # the default, "text": not in this corpus
    with pytest.raises(ConfigError) as raised:
        build_plan(config_from_dict(data))
    message = str(raised.value)
    assert message.startswith("input.text_field: ") and "no 'text' field" in message
    assert "id, body, url, score" in message and "set input.text_field" in message
    # Through the command line: one line, exit status 2, no work done.
    (tmp_path / "cfg.json").write_text(json.dumps(data))
    assert main(["run", str(tmp_path / "cfg.json"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "set input.text_field" in err[0] and "body" in err[0]
    assert not (tmp_path / "out" / "_work").exists()


def test_keep_fields_must_exist_and_not_shadow_a_shard_column(tmp_path):
    path = write_jsonl(corpus_rows()[:3], tmp_path / "c.jsonl")
    with pytest.raises(ConfigError, match=r"input.keep_fields: no field 'colour' in the input \(columns found"):
        build_plan(config_from_dict(config([path], tmp_path / "o", input={"keep_fields": ["colour"]})))
    with pytest.raises(ConfigError, match=r"input.keep_fields: 'url' is a column the shards already have"):
        build_plan(config_from_dict(config([path], tmp_path / "o", input={"keep_fields": ["url"]})))
    with pytest.raises(ConfigError, match=r"input.keep_fields: only JSONL and Parquet inputs have fields"):
        build_plan(config_from_dict({"input": {"keep_fields": ["score"]}, "output": {"path": str(tmp_path / "w")}}))


# -- ids ---------------------------------------------------------------------------------------


def test_a_row_id_is_the_document_id_and_a_missing_one_is_counted(tmp_path):
    path = write_jsonl([{"id": 7, "text": "seven", "url": "u7"}, {"text": "none", "url": "u8"},
                        {"id": " ", "text": "blank"}], tmp_path / "ids.jsonl")
    stats = DictStats()
    pages = list(iter_input(path, stats, InputOptions(format="jsonl")))
    assert [p.document_id for p in pages[:1]] == ["7"]
    assert len(pages[1].document_id) == 32 and pages[1].document_id != pages[2].document_id
    assert stats.counts["read/warning/missing_id"] == 2


def test_shard_index_takes_any_id():
    assert shard_index("f" * 32, 7) == int("f" * 16, 16) % 7  # derived ids: unchanged placement
    placed = {shard_index(f"doc-{i}", 4) for i in range(100)}
    assert placed == {0, 1, 2, 3}
    assert shard_index("doc-1", 4) == shard_index("doc-1", 4)


# -- whole runs: ids, kept columns, both shard-writing paths -----------------------------------


@pytest.fixture(scope="module")
def jsonl_runs(tmp_path_factory):
    """The same JSONL corpus written by the one writer and by the grouped path."""
    base = tmp_path_factory.mktemp("jsonl-runs")
    path = write_jsonl(corpus_rows(), base / "corpus.jsonl")
    runs = {}
    for name, one_writer_max in (("one_writer", 1 << 30), ("grouped", 1)):
        out = base / name
        data = config([path], out, input={"keep_fields": ["score", "tags", "meta"]},
                      output={"one_writer_max_bytes": one_writer_max, "shard_target_tokens": 2_000})
        runs[name] = (run_pipeline(config_from_dict(data)), out)
    return runs


def test_user_ids_reach_the_shards_and_a_repeated_id_keeps_its_first_document(jsonl_runs):
    result, out = jsonl_runs["one_writer"]
    rows = shard_rows(out)
    ids = sorted(r["id"] for r in rows)
    assert [i for i in ids if i.startswith("doc-")] == [f"doc-{i:03d}" for i in range(12)]
    assert len(ids) == len(set(ids)) == 13  # 12 ids given, one derived for the row without
    first = next(r for r in rows if r["id"] == "doc-005")
    assert first["url"] == "https://example.org/5" and first["score"] == 0.5
    counters = result.stats["counters"]
    assert counters["dedup_id/dropped/duplicate_id"] == 1 and counters["dedup_id/in"] == 14
    assert result.stats["read"]["warnings"] == {"missing_id": 1}
    assert result.stats["identity"]["holds"]


def test_kept_columns_reach_the_shards_with_their_arrow_types(jsonl_runs):
    _, out = jsonl_runs["one_writer"]
    schema = pq.read_schema(sorted(out.glob("shard-*.parquet"))[0])
    assert schema.names[-3:] == ["score", "tags", "meta"]
    assert schema.field("score").type == pa.float64()
    assert schema.field("tags").type.equals(pa.list_(pa.string()))
    assert schema.field("meta").type == pa.struct([("n", pa.int64())])
    by_id = {r["id"]: r for r in shard_rows(out)}
    assert by_id["doc-004"]["tags"] == ["a"] and by_id["doc-004"]["meta"] == {"n": 4}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["columns"]["kept_fields"] == {"score": "double", "tags": "list<item: string>",
                                                  "meta": "struct<n: int64>"}
    assert main(["inspect", "validate", str(out)]) == 0


def test_inspect_show_finds_a_user_id_as_it_is(jsonl_runs, capsys):
    _, out = jsonl_runs["one_writer"]
    capsys.readouterr()
    assert main(["inspect", "show", str(out), "doc-001", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == "doc-001" and shown["tags"] == ["a"]
    assert main(["inspect", str(out), "--json"]) == 0
    assert list(json.loads(capsys.readouterr().out)["kept_fields"]) == ["score", "tags", "meta"]


def test_both_shard_writing_paths_write_the_same_bytes(jsonl_runs):
    (_, one), (_, grouped) = jsonl_runs["one_writer"], jsonl_runs["grouped"]
    names = sorted(p.name for p in one.glob("shard-*.parquet"))
    assert len(names) > 1 and names == sorted(p.name for p in grouped.glob("shard-*.parquet"))
    for name in names:
        assert (one / name).read_bytes() == (grouped / name).read_bytes()


def test_parquet_columns_keep_their_exact_arrow_types(tmp_path):
    path = write_parquet(corpus_rows(), tmp_path / "corpus.parquet")
    out = tmp_path / "out"
    result = run_pipeline(config_from_dict(config([path], out, input={"keep_fields": ["score", "day"]})))
    schema = pq.read_schema(sorted(out.glob("shard-*.parquet"))[0])
    assert schema.field("score").type == pa.float32() and schema.field("day").type == pa.date32()
    by_id = {r["id"]: r for r in shard_rows(out)}
    assert str(by_id["doc-003"]["day"]) == "2024-01-04" and by_id["doc-003"]["score"] == pytest.approx(0.3)
    assert "doc-005" in by_id and result.stats["identity"]["holds"]


def test_warc_runs_have_no_dedup_id_stage(sample_run):
    result, out = sample_run
    assert "dedup_id/in" not in json.dumps(result.stats)


def test_spark_writes_the_same_shards_with_ids_and_kept_columns(jsonl_runs, tmp_path):
    pytest.importorskip("pyspark")
    beam_result, beam_out = jsonl_runs["grouped"]
    path = str(beam_out.parent / "corpus.jsonl")
    out = tmp_path / "spark"
    data = config([path], out, input={"keep_fields": ["score", "tags", "meta"]},
                  output={"one_writer_max_bytes": 1, "shard_target_tokens": 2_000},
                  runner={"name": "spark", "workers": 2, "options": {"master": "local[2]"}})
    result = run_pipeline(config_from_dict(data))
    names = sorted(p.name for p in beam_out.glob("shard-*.parquet"))
    assert names == sorted(p.name for p in out.glob("shard-*.parquet"))
    for name in names:
        assert (out / name).read_bytes() == (beam_out / name).read_bytes()
    assert result.stats["identity"] == beam_result.stats["identity"]


def test_jsonl_field_types_are_inferred_and_a_misfit_becomes_null(tmp_path):
    from thresher.io.fields import coerce_kept, kept_field_type, read_columns

    rows = [{"text": "a", "n": 1, "mixed": 1, "nested": {"x": 2.5}, "none": None},
            {"text": "b", "n": 2, "mixed": "two", "nested": {"x": 3.0}, "none": None}]
    columns = read_columns(write_jsonl(rows, tmp_path / "t.jsonl"), "jsonl")
    assert kept_field_type(columns, "n") == pa.int64()
    assert kept_field_type(columns, "mixed") == pa.string()  # values disagree: text holds them all
    assert kept_field_type(columns, "nested.x") == pa.float64()  # a dotted name reaches into objects
    assert kept_field_type(columns, "none") == pa.string() and kept_field_type(columns, "absent") is None
    row = {"n": "not a number", "nested.x": 4, "mixed": 1, "obj": {"a": [1]}}
    kept = [pa.field("n", pa.int64()), pa.field("nested.x", pa.float64()), pa.field("mixed", pa.string()),
            pa.field("obj", pa.string())]
    assert coerce_kept(row, kept) == 1
    assert row == {"n": None, "nested.x": 4, "mixed": "1", "obj": '{"a": [1]}'}
