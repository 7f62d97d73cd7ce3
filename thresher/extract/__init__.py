"""Main-text extraction behind one small interface."""

from __future__ import annotations

from thresher.errors import ConfigError
from thresher.extract.base import Extractor


def build_extractor(name: str, params: dict) -> Extractor:
    if name == "trafilatura":
        from thresher.extract.trafilatura_extractor import TrafilaturaExtractor

        try:
            return TrafilaturaExtractor(**params)
        except TypeError as exc:
            raise ConfigError(f"extract.params: {exc}") from exc
    raise ConfigError(f"extract.extractor: unknown extractor {name!r} (known: trafilatura)")
