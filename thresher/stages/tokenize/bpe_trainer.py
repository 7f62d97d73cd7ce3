"""Train a byte-level BPE tokenizer (HF ``tokenizers``) on a run's kept text."""

from __future__ import annotations

from typing import Iterable

from thresher.errors import ConfigError
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

DEFAULT_EOS = "<|endoftext|>"


def minimum_vocab_size(special_tokens: tuple[str, ...] = (DEFAULT_EOS,)) -> int:
    """The smallest vocabulary a byte-level BPE can have: every byte (256) plus the special tokens.

    Below it the trainer silently returns this size anyway, so a smaller ``vocab_size`` is refused.
    """
    return len(pre_tokenizers.ByteLevel.alphabet()) + len(set(special_tokens))


def train_byte_level_bpe(
    texts: Iterable[str],
    *,
    vocab_size: int = 8192,
    min_frequency: int = 2,
    special_tokens: tuple[str, ...] = (DEFAULT_EOS,),
) -> Tokenizer:
    """A GPT-2-style byte-level BPE: any text encodes (no unknown token) and decodes back exactly.

    Deterministic for the same texts in the same order; callers feed texts
    sorted by document id.
    """
    minimum = minimum_vocab_size(special_tokens)
    if vocab_size < minimum:
        # The trainer would silently return `minimum` tokens: say so instead (thresher train-tokenizer, the run).
        raise ConfigError(f"vocab size {vocab_size} is below the minimum {minimum} of a byte-level BPE "
                          f"(256 byte tokens + {len(set(special_tokens))} special)")
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(special_tokens),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer
