"""Word (or character) 5-gram shingles and their Jaccard similarity.

Used to check that good pages are far apart and that planted near-duplicates are
close to their originals. Languages written without spaces (ja, zh) have no word
boundaries to split on, so their shingles are character 5-grams instead.
"""

from __future__ import annotations

import re

SHINGLE_SIZE = 5
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


def shingles(text: str, spaced: bool = True, size: int = SHINGLE_SIZE) -> set[tuple[str, ...] | str]:
    """The set of word ``size``-grams of ``text`` (character ``size``-grams if not ``spaced``)."""
    if spaced:
        words = _WORD.findall(text.lower())
        return {tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}
    chars = _SPACE.sub("", text)
    return {chars[i : i + size] for i in range(max(0, len(chars) - size + 1))}


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 for two empty sets."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def text_similarity(a: str, b: str, spaced: bool = True) -> float:
    """Jaccard similarity of the 5-gram shingle sets of two texts."""
    return jaccard(shingles(a, spaced), shingles(b, spaced))
