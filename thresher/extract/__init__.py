"""Main-text extraction behind one small interface."""

from __future__ import annotations

from thresher.errors import ConfigError
from thresher.extract.base import (
    ExtractionBoundHit,
    ExtractionCrashed,
    ExtractionTimeout,
    ExtractionTooLarge,
    Extractor,
)

__all__ = [
    "EXTRACTORS",
    "ExtractionBoundHit",
    "ExtractionCrashed",
    "ExtractionTimeout",
    "ExtractionTooLarge",
    "Extractor",
    "build_extractor",
]

EXTRACTORS = ("trafilatura", "resiliparse")


def build_extractor(name: str, params: dict) -> Extractor:
    """The extractor named in ``extract.extractor``, built with ``extract.params`` as keyword arguments."""
    if name == "trafilatura":
        from thresher.extract.trafilatura_extractor import TrafilaturaExtractor as cls
    elif name == "resiliparse":
        from thresher.extract.resiliparse_extractor import ResiliparseExtractor as cls
    else:
        raise ConfigError(f"extract.extractor: unknown extractor {name!r} (known: {', '.join(EXTRACTORS)})")
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"extract.params: {exc}") from exc
