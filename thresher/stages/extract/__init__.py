"""Main-text extraction behind one small interface."""

from __future__ import annotations

from typing import Any, Mapping

from thresher.errors import ConfigError
from thresher.stages.extract.base import (
    Extraction,
    ExtractionBoundHit,
    ExtractionCrashed,
    ExtractionTimeout,
    ExtractionTooLarge,
    Extractor,
)

__all__ = [
    "EXTRACTORS",
    "PROFILES",
    "Extraction",
    "ExtractionBoundHit",
    "ExtractionCrashed",
    "ExtractionTimeout",
    "ExtractionTooLarge",
    "Extractor",
    "build_extractor",
]

#: ``combined`` (the default) runs trafilatura and resiliparse and keeps the better text per page.
EXTRACTORS = ("combined", "trafilatura", "resiliparse")
#: Profiles of the combined extractor: ``default`` runs both libraries, ``fast`` resiliparse first.
PROFILES = ("default", "fast")


def build_extractor(name: str, params: dict, profile: str | None = None,
                    language_gate: Mapping[str, Any] | None = None) -> Extractor:
    """The extractor named in ``extract.extractor``, built with ``extract.params`` as keyword arguments.

    ``profile`` (``extract.profile``) chooses how the combined extractor works;
    a single library has one way only, so only ``default`` goes with it.
    ``language_gate`` (the run plan's, from ``extract.language_gate``) goes to
    the combined extractor; a single library has nothing to read first.
    """
    if "language_gate" in params:
        raise ConfigError("extract.params.language_gate: set extract.language_gate instead (the run fills it in)")
    if profile is not None and profile not in PROFILES:
        raise ConfigError(f"extract.profile: {profile!r} is not one of {', '.join(PROFILES)}")
    if name == "combined":
        from thresher.stages.extract.combined import CombinedExtractor as cls

        if profile is not None:
            if "profile" in params and params["profile"] != profile:
                raise ConfigError("extract.params.profile: set extract.profile instead (they disagree)")
            params = {**params, "profile": profile}
        if language_gate is not None:
            params = {**params, "language_gate": dict(language_gate)}
    elif name == "trafilatura":
        from thresher.stages.extract.trafilatura_extractor import TrafilaturaExtractor as cls
    elif name == "resiliparse":
        from thresher.stages.extract.resiliparse_extractor import ResiliparseExtractor as cls
    else:
        raise ConfigError(f"extract.extractor: unknown extractor {name!r} (known: {', '.join(EXTRACTORS)})")
    if name != "combined" and profile not in (None, "default"):
        raise ConfigError(
            f"extract.profile: {profile!r} needs extract.extractor: combined (got {name!r}, a single library)"
        )
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"extract.params: {exc}") from exc
