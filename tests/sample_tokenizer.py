"""A small BPE trained on the bundled sample's pages, for tests that compare engines on one tokenizer file."""

from __future__ import annotations

from pathlib import Path

from thresher.config import bundled_sample_path
from thresher.io.inputs import iter_input
from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.stats import NullStats


def train_on_sample(path: Path, vocab_size: int) -> str:
    """Train on every page of the sample (raw HTML decoded, or text), save to ``path``, return it."""
    texts = []
    for page in iter_input(bundled_sample_path(), NullStats()):
        body = getattr(page, "body", None)
        texts.append(body.decode("utf-8", "replace") if body is not None else page.text)
    train_byte_level_bpe(texts, vocab_size=vocab_size).save(str(path))
    return str(path)
