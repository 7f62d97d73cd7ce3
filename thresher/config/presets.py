"""Whole-pipeline presets: the RefinedWeb, FineWeb and FineWeb-2 recipes as config overlays.

A preset is a partial config; keys the user's YAML sets win over it. The
quality filters come from :data:`thresher.stages.filters.registry.PRESETS`; the URL
filter entry there becomes this pipeline's separate, earlier ``url_filter``
stage.
"""

from __future__ import annotations

import copy
from typing import Any

from thresher.errors import ConfigError
from thresher.stages.filters.registry import PRESETS as FILTER_PRESETS

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


def _fineweb2_overlay() -> dict[str, Any]:
    """FineWeb-2 keeps every language, each above its own language-ID score
    (GlotLID labels: FineWeb-2's published scores; lid.176 codes: calibrated,
    docs/FILTERS.md), and deduplicates with MinHash 14x8 over 5-grams within
    each language, keeping each kept document's duplicate-cluster size (it
    upsamples by it)."""
    from thresher.stages.filters.fineweb2 import load_table

    return {
        "langid": {"languages": None, "threshold": None, "thresholds": load_table().langid_thresholds()},
        "dedup": {"minhash": {"bands": 14, "rows": 8, "ngram": 5, "normalization": "default",
                              "per_language": True, "keep_cluster_size": True}},
    }


def preset_overlay(name: str) -> dict[str, Any]:
    if name not in _PIPELINE_OVERLAYS and name != "fineweb2":
        raise ConfigError(f"preset: {name!r} is not one of {', '.join(sorted([*_PIPELINE_OVERLAYS, 'fineweb2']))}")
    overlay = _fineweb2_overlay() if name == "fineweb2" else copy.deepcopy(_PIPELINE_OVERLAYS[name])
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
