"""Text normalization for deduplication, and the exact-duplicate key.

Two normalizations, chosen by name so configs can carry them:

* ``default``: NFC, lower case, whitespace folded to single spaces. Two pages
  that differ only in case or layout collide.
* ``refinedweb`` (RefinedWeb, Penedo et al. 2023, appendix G): lower case,
  punctuation replaced by spaces, NFD with accents (combining marks) removed,
  whitespace folded. More aggressive: "Café!" and "cafe" collide.
"""

from __future__ import annotations

import unicodedata
from typing import Callable

import xxhash

DEFAULT = "default"
REFINEDWEB = "refinedweb"


class _CategoryTable(dict):
    """A ``str.translate`` table filled lazily, one code point at a time.

    A full table over all 1.1M code points would cost a second at import; web
    text uses a few thousand distinct characters, so caching on first sight is
    both fast and complete.
    """

    def __init__(self, categories: tuple[str, ...], replacement: str | None) -> None:
        super().__init__()
        self._categories = categories
        self._replacement = replacement

    def __missing__(self, code_point: int) -> str | int | None:
        if unicodedata.category(chr(code_point)).startswith(self._categories):
            value: str | int | None = self._replacement
        else:
            value = code_point  # unchanged
        self[code_point] = value
        return value


# Punctuation (Unicode categories P*) becomes a space rather than vanishing,
# so "end.Start" stays two words; accents (Mn after NFD) are deleted.
_PUNCTUATION_TO_SPACE = _CategoryTable(("P",), " ")
_DROP_COMBINING_MARKS = _CategoryTable(("Mn",), None)


def fold_whitespace(text: str) -> str:
    """Collapse every run of Unicode whitespace to one space; trim the ends."""
    return " ".join(text.split())


def normalize_default(text: str) -> str:
    return fold_whitespace(unicodedata.normalize("NFC", text).lower())


def normalize_refinedweb(text: str) -> str:
    text = text.lower().translate(_PUNCTUATION_TO_SPACE)
    text = unicodedata.normalize("NFD", text).translate(_DROP_COMBINING_MARKS)
    return fold_whitespace(text)


NORMALIZERS: dict[str, Callable[[str], str]] = {
    DEFAULT: normalize_default,
    REFINEDWEB: normalize_refinedweb,
}


def get_normalizer(name: str) -> Callable[[str], str]:
    try:
        return NORMALIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown dedup normalization {name!r}; expected one of {sorted(NORMALIZERS)}"
        ) from None


def normalize_text(text: str, normalization: str = DEFAULT) -> str:
    return get_normalizer(normalization)(text)


def exact_text_key(text: str, normalization: str = DEFAULT) -> str:
    """A 32-hex-digit xxh3-128 hash of the normalized text.

    128 bits keep accidental collisions (which would silently drop a page)
    negligible at web scale, and the hex string is a deterministic Beam key.
    """
    normalized = normalize_text(text, normalization)
    return xxhash.xxh3_128_hexdigest(normalized.encode("utf-8", "surrogatepass"))
