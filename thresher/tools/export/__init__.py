"""Export a run's shards to other training stacks' on-disk formats (Megatron-LM, flat nanoGPT-style).

The names below load on first use, so registering ``thresher export`` imports neither numpy nor pyarrow.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FlatExport": "thresher.tools.export.flat",
    "FlatTokens": "thresher.tools.export.flat",
    "export_flat": "thresher.tools.export.flat",
    "MegatronDataset": "thresher.tools.export.megatron",
    "MegatronExport": "thresher.tools.export.megatron",
    "export_megatron": "thresher.tools.export.megatron",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'thresher.tools.export' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
