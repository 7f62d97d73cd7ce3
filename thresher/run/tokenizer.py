"""The tokenizer phase, between dedup and shards: the configured tokenizer copied beside the shards, or one trained.

Training reads the kept documents in id order (a deterministic training input, whatever
engine wrote them), at most ``tokenize.train_max_documents`` of them.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator

from thresher.errors import ConfigError
from thresher.io import storage
from thresher.io.localize import is_remote, local_path
from thresher.run.layout import RunLayout, dataset_files
from thresher.run.plan import TokenizePlan
from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.stages.tokenize.encoder import DocumentTokenizer, file_sha256


def iter_kept_texts(layout: RunLayout, limit: int) -> Iterator[str]:
    """Kept documents' text in id order, at most ``limit``."""
    files = dataset_files(layout.documents)
    if not files:
        return
    import pyarrow as pa

    tables = [storage.read_parquet(path, columns=["id", "text"]) for path in files]
    table = pa.concat_tables(tables).sort_by("id").slice(0, limit)
    yield from table.column("text").to_pylist()


def prepare_tokenizer(
    tok: TokenizePlan, layout: RunLayout, log: Callable[[str], None]
) -> tuple[DocumentTokenizer, dict[str, Any]]:
    """The run's tokenizer, saved as ``tokenizer.json`` beside the shards, and its manifest entry."""
    if tok.tokenizer:
        if not is_remote(tok.tokenizer) and not os.path.exists(tok.tokenizer):
            raise ConfigError(f"tokenize.tokenizer: file not found: {tok.tokenizer}")
        with open(local_path(tok.tokenizer), "rb") as fh:
            storage.write_bytes(layout.tokenizer, fh.read())
        trained = False
    else:
        log(f"training a byte-level BPE tokenizer (vocab {tok.vocab_size}) on the kept text")
        model = train_byte_level_bpe(
            iter_kept_texts(layout, tok.train_max_documents),
            vocab_size=tok.vocab_size,
            special_tokens=(tok.eos_token,),
        )
        storage.write_bytes(layout.tokenizer, model.to_str(pretty=True).encode("utf-8"))
        trained = True
    tokenizer = DocumentTokenizer(layout.tokenizer, tok.eos_token)
    tokenizer.load()
    import tokenizers

    info = {
        "file": os.path.basename(layout.tokenizer),
        "type": "byte-level-bpe" if trained else "tokenizer.json",
        "library": "tokenizers",
        "library_version": tokenizers.__version__,
        "source": tok.tokenizer or "trained on this run's kept text",
        "trained": trained,
        "sha256": file_sha256(local_path(layout.tokenizer)),
        "vocab_size": tokenizer.vocab_size,
        "eos_token": tok.eos_token,
        "eos_id": tokenizer.eos_id,
        "bos_id": None,
        "pad_id": None,
        "special_tokens": tokenizer.special_tokens(),
        "add_special_tokens": False,
        "eos_placement": "append",
    }
    return tokenizer, info
