"""Whole-pipeline presets: the RefinedWeb and FineWeb recipes as config overlays.

A preset is a partial config; keys the user's YAML sets win over it. The
quality filters come from :data:`thresher.filters.registry.PRESETS`; the URL
filter entry there becomes this pipeline's separate, earlier ``url_filter``
stage.
"""

from __future__ import annotations

import copy
from typing import Any

from thresher.errors import ConfigError
from thresher.filters.registry import PRESETS as FILTER_PRESETS

# What differs from the defaults besides the filter list. Both papers kept
# English only (fastText score >= 0.65).
_PIPELINE_OVERLAYS: dict[str, dict[str, Any]] = {
    "refinedweb": {
        "langid": {"languages": ["en"], "threshold": 0.65},
        # 9,000 hashes: 450 bands x 20 rows over RefinedWeb's normalized 5-grams.
        "dedup": {"minhash": {"bands": 450, "rows": 20, "normalization": "refinedweb"}},
    },
    "fineweb": {
        "langid": {"languages": ["en"], "threshold": 0.65},
        "dedup": {"minhash": {"bands": 14, "rows": 8, "normalization": "default"}},
    },
}


def preset_overlay(name: str) -> dict[str, Any]:
    if name not in _PIPELINE_OVERLAYS:
        raise ConfigError(f"preset: {name!r} is not one of {', '.join(sorted(_PIPELINE_OVERLAYS))}")
    overlay = copy.deepcopy(_PIPELINE_OVERLAYS[name])
    filters = []
    for filter_name, params in FILTER_PRESETS[name]:
        if filter_name == "url":
            overlay["url_filter"] = {"params": dict(params)}
        else:
            filters.append({filter_name: dict(params)})
    overlay["filters"] = filters
    return overlay


def deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``, recursively for mappings; lists and scalars are replaced."""
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
