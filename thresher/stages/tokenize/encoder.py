"""Encode documents with a ``tokenizer.json``, EOS appended, loaded once per worker."""

from __future__ import annotations

import hashlib
from typing import Sequence

from tokenizers import Tokenizer

from thresher.errors import ConfigError
from thresher.io.shards import pack_token_ids


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DocumentTokenizer:
    """Wraps a HF tokenizer: ``encode_batch`` returns token ids with the EOS id appended."""

    def __init__(self, path: str, eos_token: str = "<|endoftext|>") -> None:
        self.path = path
        self.eos_token = eos_token
        self._tokenizer: Tokenizer | None = None
        self._eos_id: int | None = None

    def load(self) -> None:
        if self._tokenizer is not None:
            return
        from thresher.io.localize import local_path

        tokenizer = Tokenizer.from_file(local_path(self.path))
        # A page that literally contains "<|endoftext|>" must not get an EOS in
        # its middle: special tokens are only ever added by us, at the end.
        tokenizer.encode_special_tokens = True
        eos_id = tokenizer.token_to_id(self.eos_token)
        if eos_id is None:
            raise ConfigError(
                f"tokenize.eos_token: {self.eos_token!r} is not in the vocabulary of {self.path}"
            )
        self._tokenizer, self._eos_id = tokenizer, eos_id

    @property
    def eos_id(self) -> int:
        self.load()
        return self._eos_id  # type: ignore[return-value]

    @property
    def vocab_size(self) -> int:
        self.load()
        return self._tokenizer.get_vocab_size(with_added_tokens=True)  # type: ignore[union-attr]

    def special_tokens(self) -> dict[str, int]:
        """Every added (special) token with its id."""
        self.load()
        added = self._tokenizer.get_added_tokens_decoder()  # type: ignore[union-attr]
        return {token.content: token_id for token_id, token in sorted(added.items())}

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's ids, EOS last."""
        return self._encode_lists(texts)

    def encode_batch_packed(self, texts: Sequence[str]) -> list[bytes]:
        """Each text's ids, EOS last, as little-endian uint32 bytes (:func:`thresher.io.shards.pack_token_ids`).

        What the pipelines carry to the shard writer: 4 bytes a token instead of a
        Python int's ~36, and a single object for the shuffle to encode.
        """
        return [pack_token_ids(ids) for ids in self._encode_lists(texts)]

    def _encode_lists(self, texts: Sequence[str]) -> list[list[int]]:
        self.load()
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)  # type: ignore[union-attr]
        eos = self._eos_id
        out = []
        for enc in encodings:
            ids = enc.ids  # a new list on every access: appending to it copies nothing
            ids.append(eos)
            out.append(ids)
        return out

    def decode(self, ids: Sequence[int]) -> str:
        self.load()
        ids = list(ids)
        if ids and ids[-1] == self._eos_id:
            ids = ids[:-1]
        return self._tokenizer.decode(ids, skip_special_tokens=False)  # type: ignore[union-attr]

    def __getstate__(self) -> dict:
        return {"path": self.path, "eos_token": self.eos_token}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"], state["eos_token"])  # type: ignore[misc]
