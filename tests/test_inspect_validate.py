"""``thresher inspect validate``: each way a run can break the contract fails with a message that names it."""

from __future__ import annotations

import copy
import json
import os
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from test_inspect_fixture import cli, make_rows, make_run, sample_documents, train_tokenizer, write_run
from thresher.io.shards import shard_index, shard_schema
from thresher.stages.tokenize.encoder import file_sha256 as _sha256
from thresher.tools.loader import open_run
from thresher.tools.inspect import validate_run


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    return train_tokenizer(tmp_path_factory.mktemp("tok") / "tokenizer.json")


@pytest.fixture
def rows(tokenizer):
    return make_rows(sample_documents(24), tokenizer)


def _problems(path) -> list[str]:
    return [f"[{p.check}] {p}" for p in validate_run(open_run(str(path))).problems]


def _one(problems: list[str], check: str) -> str:
    matching = [p for p in problems if p.startswith(f"[{check}]")]
    assert matching, f"no {check} problem in {problems}"
    return matching[0]


def test_flipped_byte_fails_the_checksum(tmp_path, capsys):
    run = make_run(tmp_path / "run")
    path = run.shard_file(1)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    code, out = cli(capsys, "validate", str(run.path))
    assert code == 1
    assert f"FAIL [sha256] {run.shards[1].name}: sha256 mismatch: file {_sha256(str(path))}, " \
           f"manifest {run.shards[1].sha256}" in out
    assert "INVALID" in out.splitlines()[-1]
    assert all(s.name not in out for s in (run.shards[0], run.shards[2]))  # the others are fine


def test_truncated_shard_fails_size_checksum_and_parquet(tmp_path, capsys):
    run = make_run(tmp_path / "run")
    path = run.shard_file(0)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    problems = _problems(run.path)
    assert _one(problems, "size") == (f"[size] {run.shards[0].name}: file is {len(data) // 2} bytes, "
                                      f"the manifest says {len(data)}")
    assert "sha256 mismatch" in _one(problems, "sha256")
    assert "not a readable Parquet file" in _one(problems, "parquet")
    data_json = json.loads(cli(capsys, "validate", str(run.path), "--json")[1])
    assert data_json["ok"] is False and {p["check"] for p in data_json["problems"]} == {"size", "sha256", "parquet"}


def test_wrong_schema_names_the_column(tmp_path, rows, tokenizer):
    run = write_run(tmp_path / "run", rows, tokenizer)
    # Rewrite one shard with int64 token ids and no schema version, and make the manifest
    # agree byte for byte, so only the schema is wrong.
    shard = run.shards[0]
    table = pq.read_table(run.shard_file(0))
    wrong = table.set_column(table.schema.get_field_index("token_ids"),
                             pa.field("token_ids", pa.list_(pa.int64()), nullable=False),
                             table.column("token_ids").cast(pa.list_(pa.int64())))
    wrong = wrong.replace_schema_metadata(None)
    pq.write_table(wrong, run.shard_file(0))
    _resync_manifest(run, 0)
    problems = _problems(run.path)
    assert f"[schema] {shard.name}: column token_ids: type list<element: int64>, the contract says " \
           "list<item: uint32>" in problems
    assert f"[schema] {shard.name}: schema metadata thresher.schema_version is absent, expected 1" in problems
    assert {p.split("]")[0] for p in problems} == {"[schema"}


def test_missing_column_and_extra_column(tmp_path, rows, tokenizer):
    run = write_run(tmp_path / "run", rows, tokenizer)
    table = pq.read_table(run.shard_file(2))
    table = table.drop_columns(["url"]).append_column("extra", pa.array([1] * table.num_rows))
    pq.write_table(table, run.shard_file(2))
    _resync_manifest(run, 2)
    problems = _problems(run.path)
    name = run.shards[2].name
    assert f"[schema] {name}: missing column url (string)" in problems
    assert f"[schema] {name}: unexpected column extra (int64)" in problems


def test_token_id_past_the_vocabulary(tmp_path, rows, tokenizer):
    bad = copy.deepcopy(rows)
    bad[5]["token_ids"].insert(2, tokenizer.vocab_size + 5)
    bad[5]["token_count"] += 1
    run = write_run(tmp_path / "run", bad, tokenizer)
    problems = _problems(run.path)
    name = run.shards[[s.name for s in run.shards].index(_shard_of(run, bad[5]["id"]))].name
    assert problems == [f"[vocabulary] {name}: document {bad[5]['id']}: token id {tokenizer.vocab_size + 5} "
                        f"at position 2 is outside the vocabulary (vocab_size {tokenizer.vocab_size})"]


def test_missing_eos_and_eos_inside_a_document(tmp_path, rows, tokenizer, capsys):
    bad = copy.deepcopy(rows)
    eos = tokenizer.eos_id
    bad[3]["token_ids"].pop()  # no EOS at the end
    bad[3]["token_count"] -= 1
    bad[8]["token_ids"].insert(4, eos)  # an EOS inside
    bad[8]["token_count"] += 1
    run = write_run(tmp_path / "run", bad, tokenizer)
    code, out = cli(capsys, "validate", str(run.path))
    assert code == 1
    last = bad[3]["token_ids"][-1]
    assert f"document {bad[3]['id']}: last token is {last}, not EOS ({eos})" in out
    assert f"document {bad[8]['id']}: EOS ({eos}) inside the document at position 4 of " \
           f"{bad[8]['token_count']}" in out
    assert out.count("FAIL") == 2


def test_token_count_that_disagrees_with_the_ids(tmp_path, rows, tokenizer):
    bad = copy.deepcopy(rows)
    bad[0]["token_count"] += 2
    run = write_run(tmp_path / "run", bad, tokenizer)
    problem = _one(_problems(run.path), "token_count")
    assert f"document {bad[0]['id']}: token_count {bad[0]['token_count']}, but token_ids holds " \
           f"{bad[0]['token_count'] - 2} ids" in problem


def test_document_in_the_wrong_shard(tmp_path, rows, tokenizer):
    moved = rows[0]["id"]
    home = shard_index(moved, 3)
    run = write_run(tmp_path / "run", rows, tokenizer,
                    assign=lambda r: (home + 1) % 3 if r["id"] == moved else shard_index(r["id"], 3))
    problem = _one(_problems(run.path), "ids")
    assert f"document {moved} belongs in shard {home} of 3, not {(home + 1) % 3}" in problem


def test_extra_and_missing_shard_files(tmp_path):
    run = make_run(tmp_path / "run")
    shutil.copyfile(run.shard_file(0), run.path / "shard-00007-of-00009.parquet")
    os.remove(run.shard_file(2))
    problems = _problems(run.path)
    assert f"[files] {run.shards[2].name}: listed in the manifest but missing from the run directory" in problems
    assert "[files] shard-00007-of-00009.parquet: present in the run directory but not listed in the manifest" \
        in problems
    assert len(problems) == 2  # the language totals are not compared while a shard is unread


def test_manifest_counts_that_disagree_with_the_shards(tmp_path):
    run = make_run(tmp_path / "run")
    manifest = json.loads(run.manifest_path.read_text())
    manifest["shards"][1]["rows"] += 1
    manifest["totals"]["tokens"] += 10
    manifest["languages"]["en"]["documents"] += 1
    run.manifest_path.write_text(json.dumps(manifest))
    problems = _problems(run.path)
    real_tokens = sum(s.tokens for s in run.shards)
    assert f"[manifest] manifest.json: totals.tokens is {real_tokens + 10} but the shard entries add up to " \
           f"{real_tokens}" in problems
    assert "[manifest] manifest.json: totals.documents is 36 but the shard entries add up to 37" in problems
    assert f"[rows] {run.shards[1].name}: holds {run.shards[1].rows} documents, the manifest says " \
           f"{run.shards[1].rows + 1}" in problems
    en = manifest["languages"]["en"]["documents"]
    assert f"[languages] manifest.json: languages.en.documents is {en}, the shards hold {en - 1}" in problems


def test_tokenizer_that_is_not_the_one_in_the_manifest(tmp_path):
    run = make_run(tmp_path / "run")
    run.rewrite_manifest(tokenizer={**json.loads(run.manifest_path.read_text())["tokenizer"],
                                    "vocab_size": 512, "eos_id": 1})
    problems = _problems(run.path)
    assert "[tokenizer] tokenizer.json: vocabulary has 400 tokens, the manifest says 512" in problems
    assert "[tokenizer] tokenizer.json: '<|endoftext|>' has id 0, the manifest says eos_id 1" in problems


def test_unsupported_schema_version(tmp_path):
    run = make_run(tmp_path / "run")
    run.rewrite_manifest(schema_version=2)
    assert "[manifest] manifest.json: schema_version is 2, this validator knows version 1" in _problems(run.path)


def _shard_of(run, doc_id: str) -> str:
    for shard in run.shards:
        if doc_id in pq.read_table(run.path / shard.name, columns=["id"]).column("id").to_pylist():
            return shard.name
    raise AssertionError(doc_id)


def _resync_manifest(run, index: int) -> None:
    """Make the manifest's size and checksum match a rewritten shard."""
    manifest = json.loads(run.manifest_path.read_text())
    path = run.shard_file(index)
    entry = manifest["shards"][index]
    manifest["totals"]["bytes"] += path.stat().st_size - entry["bytes"]
    entry["bytes"], entry["sha256"] = path.stat().st_size, _sha256(str(path))
    run.manifest_path.write_text(json.dumps(manifest))


def test_contract_schema_is_what_write_shard_writes():
    # Guards the comparison itself: a shard written by the pipeline conforms.
    from thresher.tools.inspect.schema import schema_differences

    assert schema_differences(shard_schema(True), shard_schema(True)) == []
    assert schema_differences(shard_schema(False), shard_schema(True)) == ["missing column text (string)"]


def test_seeded_shuffle_validates_and_documents_are_found(tmp_path, capsys):
    run = make_run(tmp_path / "run", shuffle_seed=17)
    code, out = cli(capsys, "validate", str(run.path))
    assert code == 0, out
    unseeded = make_run(tmp_path / "plain")
    seeded_order = [r["id"] for r in run.rows]
    assert seeded_order != [r["id"] for r in unseeded.rows]  # the seed really reorders
    target = run.rows[5]
    code, out = cli(capsys, "show", str(run.path), target["id"])
    assert code == 0 and target["id"] in out


def test_seeded_shards_fail_validation_when_the_manifest_forgets_the_seed(tmp_path, capsys):
    run = make_run(tmp_path / "run", shuffle_seed=17)
    run.rewrite_manifest(ordering={"shuffle_seed": None})
    code, out = cli(capsys, "validate", str(run.path))
    assert code == 1
    assert "belongs in shard" in out or "rows must be sorted" in out
