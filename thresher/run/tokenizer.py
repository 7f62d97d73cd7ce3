"""The tokenizer phase, between dedup and shards: the configured tokenizer copied beside the shards, or one trained.

Training reads the ``tokenize.train_max_documents`` kept documents with the smallest ids (a
deterministic training input, whatever engine wrote them), streamed one file at a time.
"""

from __future__ import annotations

import heapq
import os
from typing import Any, Callable, Iterator

from thresher.errors import ConfigError
from thresher.io import storage
from thresher.io.localize import is_remote, local_path
from thresher.run.layout import RunLayout, dataset_files
from thresher.run.memory import parquet_batches
from thresher.run.plan import TokenizePlan
from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.stages.tokenize.encoder import DocumentTokenizer, file_sha256


def iter_kept_texts(layout: RunLayout, limit: int) -> Iterator[str]:
    """The text of the ``limit`` kept documents with the smallest ids, one file at a time.

    Memory holds at most ``limit`` ids and one read batch of texts, never the corpus nor a whole
    file's texts (a small run's dedup writes one document file: the corpus). The texts come in
    file order: the trainer counts words, so their order does not change the tokenizer
    (``tests/test_tokenize.py`` holds it to that).
    """
    files = dataset_files(layout.documents)
    if not files:
        return
    import pyarrow.compute as pc

    cutoff = _id_cutoff(files, limit)
    for path in files:
        for batch in parquet_batches(path, READ_BATCH, ["id", "text"]):
            if cutoff is not None:
                batch = batch.filter(pc.less_equal(batch.column("id"), cutoff))
            yield from batch.column("text").to_pylist()


#: Rows read at a time from a document file (a bounded read: the driver's memory must not follow the corpus).
READ_BATCH = 100


def _id_cutoff(files: list[str], limit: int) -> str | None:
    """The ``limit``-th smallest document id over ``files``, or None when there are no more than ``limit``."""
    def ids() -> Iterator[str]:
        for path in files:
            for batch in parquet_batches(path, READ_BATCH, ["id"]):
                yield from batch.column("id").to_pylist()

    smallest = heapq.nsmallest(limit + 1, ids())
    return smallest[limit - 1] if len(smallest) > limit else None


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
