"""What the tokenize stage counts, the same on every engine."""

from __future__ import annotations

from typing import Sequence

from thresher.stats import StatsSink


def count_tokenized(stats: StatsSink, texts: Sequence[str], token_counts: Sequence[int]) -> None:
    """Count one batch: documents in and kept, tokens, characters, and the tokens-per-document distribution.

    ``tokenize/chars`` over ``tokenize/tokens`` is the run's tokens per character,
    which turns the characters every earlier stage measured into its token estimate
    (stats.json ``token_estimates``).
    """
    stats.inc("tokenize/in", len(texts))
    stats.inc("tokenize/kept", len(texts))
    stats.inc("tokenize/tokens", sum(token_counts))
    stats.inc("tokenize/chars", sum(len(text) for text in texts))
    for count in token_counts:
        stats.observe("tokenize/document_tokens", count)
