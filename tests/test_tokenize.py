"""A real byte-level BPE trained with HF tokenizers: EOS appended, exact round trip."""

from __future__ import annotations

import pytest

from thresher.errors import ConfigError
from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.stages.tokenize.encoder import DocumentTokenizer, file_sha256

TEXTS = [
    "The quick brown fox jumps over the lazy dog.\n\nA second paragraph, with  double  spaces.",
    "Der schnelle braune Fuchs springt über den faulen Hund. Größe, Maß, Straße.",
    "東京の天気は晴れです。明日は雨が降るでしょう。",
    "Emoji 🎉 and symbols ∑ √ → survive\ttabs\r\nand CRLF.",
] * 20


@pytest.fixture(scope="module")
def tokenizer_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    train_byte_level_bpe(TEXTS, vocab_size=600).save(str(path))
    return str(path)


def test_round_trip_with_eos(tokenizer_path):
    tok = DocumentTokenizer(tokenizer_path)
    encoded = tok.encode_batch(TEXTS[:4])
    for text, ids in zip(TEXTS, encoded):
        assert ids[-1] == tok.eos_id
        assert tok.eos_id not in ids[:-1]
        assert tok.decode(ids) == text
    assert max(max(ids) for ids in encoded) < tok.vocab_size


def test_unseen_text_still_encodes(tokenizer_path):
    tok = DocumentTokenizer(tokenizer_path)
    (ids,) = tok.encode_batch(["Ωμέγα κείμενο που δεν είδε ποτέ"])
    assert tok.decode(ids) == "Ωμέγα κείμενο που δεν είδε ποτέ"


def test_training_is_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    train_byte_level_bpe(TEXTS, vocab_size=500).save(str(a))
    train_byte_level_bpe(TEXTS, vocab_size=500).save(str(b))
    assert file_sha256(str(a)) == file_sha256(str(b))


def test_missing_eos_is_a_config_error(tmp_path):
    path = tmp_path / "t.json"
    train_byte_level_bpe(TEXTS, vocab_size=400, special_tokens=("<eos>",)).save(str(path))
    with pytest.raises(ConfigError, match="eos_token"):
        DocumentTokenizer(str(path), eos_token="<|endoftext|>").load()


def test_literal_eos_text_is_not_a_special_token(tokenizer_path):
    tok = DocumentTokenizer(tokenizer_path)
    text = "A page that quotes <|endoftext|> in its prose."
    (ids,) = tok.encode_batch([text])
    assert ids.count(tok.eos_id) == 1 and ids[-1] == tok.eos_id
    assert tok.decode(ids) == text
    assert tok.special_tokens() == {"<|endoftext|>": tok.eos_id}


def test_training_does_not_depend_on_text_order(tmp_path):
    # The run streams the training texts file by file rather than sorting the whole corpus by id.
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    train_byte_level_bpe(TEXTS, vocab_size=500).save(str(a))
    train_byte_level_bpe(list(reversed(TEXTS[1::2] + TEXTS[0::2])), vocab_size=500).save(str(b))
    assert file_sha256(str(a)) == file_sha256(str(b))


def test_training_texts_are_the_smallest_ids_file_by_file(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from thresher.run.layout import RunLayout, write_dataset_manifest
    from thresher.run.tokenizer import iter_kept_texts

    layout = RunLayout.of(str(tmp_path / "out"))
    files = {"part-0.parquet": ["d07", "d02", "d09"], "part-1.parquet": ["d05", "d01", "d08"]}
    (tmp_path / "out").mkdir()
    import os

    os.makedirs(layout.documents, exist_ok=True)
    for name, ids in files.items():
        pq.write_table(pa.table({"id": ids, "text": [f"text of {i}" for i in ids]}), os.path.join(layout.documents, name))
    write_dataset_manifest(layout.documents, [(name, 3) for name in files], "documents")
    assert list(iter_kept_texts(layout, 4)) == ["text of d07", "text of d02", "text of d05", "text of d01"]
    assert len(list(iter_kept_texts(layout, 6))) == len(list(iter_kept_texts(layout, 100))) == 6
