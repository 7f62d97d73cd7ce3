"""Decode token ids with the ``tokenizer.json`` a run keeps beside its shards."""

from __future__ import annotations

from typing import Sequence

from tokenizers import Tokenizer

from thresher.tools.loader import storage
from thresher.tools.loader.run import Run


class RunTokenizer:
    """Decodes exactly as ``DocumentTokenizer.decode``: the trailing EOS dropped, nothing else."""

    def __init__(self, tokenizer: Tokenizer, eos_id: int | None) -> None:
        self.tokenizer = tokenizer
        self.eos_id = eos_id

    @classmethod
    def for_run(cls, run: Run) -> "RunTokenizer | None":
        """None when the run has no tokenizer.json (reading it works on remote runs too)."""
        if not storage.is_file(run.fs, run.tokenizer_path):
            return None
        text = storage.read_bytes(run.fs, run.tokenizer_path).decode("utf-8")
        eos = run.tokenizer_info.get("eos_id")
        return cls(Tokenizer.from_str(text), eos if isinstance(eos, int) else None)

    def decode(self, ids: Sequence[int]) -> str:
        ids = list(ids)
        if ids and ids[-1] == self.eos_id:
            ids = ids[:-1]
        return self.tokenizer.decode(ids, skip_special_tokens=False)
