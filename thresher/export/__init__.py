"""Export a run's shards to other training stacks' on-disk formats (Megatron-LM, flat nanoGPT-style).

The names below load on first use, so registering ``thresher export`` imports neither numpy nor pyarrow.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FlatExport": "thresher.export.flat",
    "FlatTokens": "thresher.export.flat",
    "export_flat": "thresher.export.flat",
    "MegatronDataset": "thresher.export.megatron",
    "MegatronExport": "thresher.export.megatron",
    "export_megatron": "thresher.export.megatron",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'thresher.export' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
