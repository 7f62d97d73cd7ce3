"""Exporters: Megatron-LM .bin/.idx and a flat token file read back equal to the shards' tokens."""

from __future__ import annotations

import argparse
import copy
import json
import struct

import numpy as np
import pytest

from test_inspect_fixture import make_rows, make_run, sample_documents, train_tokenizer, write_run
from thresher.errors import ThresherError
from thresher.tools.export import FlatTokens, MegatronDataset, export_flat, export_megatron
from thresher.tools.export.cli import add_export_parser


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return make_run(tmp_path_factory.mktemp("export") / "run", row_group_size=5)


def _documents(run) -> list[list[int]]:
    return [r["token_ids"] for r in run.rows]


def test_megatron_index_layout_byte_for_byte(run, tmp_path):
    result = export_megatron(str(run.path), str(tmp_path / "corpus"))
    docs = _documents(run)
    raw = (tmp_path / "corpus.idx").read_bytes()
    # Parsed here with struct alone, independent of the exporter's own reader.
    assert raw[:9] == b"MMIDIDX\x00\x00"
    version, code, sequences, doc_index_count = struct.unpack_from("<QBQQ", raw, 9)
    assert (version, code, sequences, doc_index_count) == (1, 8, len(docs), len(docs) + 1)
    offset = 34
    lengths = np.frombuffer(raw, "<i4", sequences, offset)
    pointers = np.frombuffer(raw, "<i8", sequences, offset + 4 * sequences)
    doc_index = np.frombuffer(raw, "<i8", doc_index_count, offset + 12 * sequences)
    assert len(raw) == offset + 12 * sequences + 8 * doc_index_count
    assert lengths.tolist() == [len(d) for d in docs]
    assert pointers.tolist() == [2 * sum(len(d) for d in docs[:i]) for i in range(len(docs))]
    assert doc_index.tolist() == list(range(len(docs) + 1))
    data = np.fromfile(tmp_path / "corpus.bin", dtype="<u2")
    assert data.tolist() == [t for d in docs for t in d]
    assert (result.documents, result.tokens, result.dtype) == (len(docs), len(data), np.dtype(np.uint16))


def test_megatron_reader_returns_each_document(run, tmp_path):
    export_megatron(str(run.path), str(tmp_path / "corpus"), dtype="int32")
    dataset = MegatronDataset(str(tmp_path / "corpus"))
    assert dataset.dtype == np.int32 and len(dataset) == 36
    assert (tmp_path / "corpus.idx").read_bytes()[17] == 4  # Megatron's code for int32
    assert [dataset[i].tolist() for i in range(len(dataset))] == _documents(run)
    assert all(dataset[i][-1] == run.tokenizer.eos_id for i in range(len(dataset)))


def test_megatron_reader_rejects_a_foreign_index(tmp_path):
    (tmp_path / "x.idx").write_bytes(b"TNTIDX\x00\x00" + b"\x00" * 40)
    with pytest.raises(ThresherError, match="bad magic"):
        MegatronDataset(str(tmp_path / "x"))


def test_flat_export_reads_back(run, tmp_path):
    result = export_flat(str(run.path), str(tmp_path / "flat"))
    docs = _documents(run)
    tokens = np.fromfile(tmp_path / "flat" / "tokens.bin", dtype="<u2")
    offsets = np.load(tmp_path / "flat" / "offsets.npy")
    meta = json.loads((tmp_path / "flat" / "meta.json").read_text())
    assert tokens.tolist() == [t for d in docs for t in d]
    assert offsets.dtype == np.int64 and offsets.tolist() == [0, *np.cumsum([len(d) for d in docs]).tolist()]
    assert meta["dtype"] == "uint16" and meta["documents"] == 36 and meta["tokens"] == len(tokens)
    assert meta["eos_id"] == run.tokenizer.eos_id and meta["vocab_size"] == 400
    assert [s["name"] for s in meta["source_shards"]] == [s.name for s in run.shards]
    flat = FlatTokens(str(tmp_path / "flat"))
    assert [flat[i].tolist() for i in range(len(flat))] == docs
    assert result.tokens == len(tokens) and not list((tmp_path / "flat").glob("*.tmp"))


def test_flat_export_uint32(run, tmp_path):
    export_flat(str(run.path), str(tmp_path / "flat"), dtype="uint32")
    flat = FlatTokens(str(tmp_path / "flat"))
    assert flat.tokens.dtype == np.dtype("<u4") and flat[5].tolist() == _documents(run)[5]
    assert (tmp_path / "flat" / "tokens.bin").stat().st_size == 4 * sum(len(d) for d in _documents(run))


def test_ids_too_wide_for_the_dtype_are_refused(tmp_path):
    tokenizer = train_tokenizer(tmp_path / "tok.json")
    rows = copy.deepcopy(make_rows(sample_documents(6), tokenizer))
    rows[2]["token_ids"].insert(0, 70_000)
    rows[2]["token_count"] += 1
    bad = write_run(tmp_path / "run", rows, tokenizer, num_shards=1)
    with pytest.raises(ThresherError, match="token id 70000 does not fit the export dtype uint16"):
        export_flat(str(bad.path), str(tmp_path / "flat"), dtype="uint16")
    with pytest.raises(ThresherError, match="token id 70000 does not fit the export dtype uint16"):
        export_megatron(str(bad.path), str(tmp_path / "meg"), dtype="uint16")


def test_export_cli(run, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="thresher")
    add_export_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["export", "megatron", str(run.path / "manifest.json"), str(tmp_path / "m")])
    assert args.func(args) == 0
    assert "36 documents" in capsys.readouterr().out and (tmp_path / "m.idx").is_file()
    args = parser.parse_args(["export", "flat", str(run.path), str(tmp_path / "f"), "--dtype", "uint32"])
    assert args.func(args) == 0
    assert FlatTokens(str(tmp_path / "f")).meta["dtype"] == "uint32"


def test_cli_dtype_choices_match_the_exporters():
    from thresher.tools.export import cli, flat, megatron

    assert cli.FLAT_DTYPES == flat.TOKEN_DTYPES and cli.MEGATRON_DTYPES == megatron.TOKEN_DTYPES
