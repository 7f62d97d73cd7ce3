"""Models and tokenizers named by URL load through a local copy (fsspec's real memory:// filesystem)."""

from __future__ import annotations

import fsspec

from thresher.io.localize import local_path
from thresher.stages.langid.fasttext_lid import FastTextLanguageIdentifier, bundled_lid176_path
from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.stages.tokenize.encoder import DocumentTokenizer


def _upload(local: str, url: str) -> None:
    with open(local, "rb") as src, fsspec.open(url, "wb") as dst:
        dst.write(src.read())


def test_local_paths_pass_through(tmp_path):
    assert local_path(str(tmp_path)) == str(tmp_path)
    assert local_path(f"file://{tmp_path}") == str(tmp_path)


def test_lid_model_from_a_url():
    _upload(bundled_lid176_path(), "memory://models/lid.176.ftz")
    lid = FastTextLanguageIdentifier("memory://models/lid.176.ftz")
    assert lid.predict("Ceci est une phrase écrite en français, bien entendu.").language == "fr"
    assert local_path("memory://models/lid.176.ftz") == local_path("memory://models/lid.176.ftz")


def test_tokenizer_from_a_url(tmp_path):
    path = tmp_path / "tokenizer.json"
    train_byte_level_bpe(["hello remote world"] * 20, vocab_size=300).save(str(path))
    _upload(str(path), "memory://models/tokenizer.json")
    tok = DocumentTokenizer("memory://models/tokenizer.json")
    (ids,) = tok.encode_batch(["hello remote world"])
    assert tok.decode(ids) == "hello remote world" and ids[-1] == tok.eos_id
