"""Look inside a run's shards: summary, schema, documents, statistics, and a full validation.

``thresher.inspect.cli.add_inspect_parser`` registers the ``thresher inspect`` command. The names
below load on first use, so registering the command imports neither pyarrow nor tokenizers.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Problem": "thresher.inspect.validate",
    "ValidationReport": "thresher.inspect.validate",
    "validate_run": "thresher.inspect.validate",
    "corpus_stats": "thresher.inspect.stats",
    "describe_schema": "thresher.inspect.schema",
    "schema_differences": "thresher.inspect.schema",
    "find_document": "thresher.inspect.documents",
    "head_documents": "thresher.inspect.documents",
    "run_summary": "thresher.inspect.summary",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'thresher.inspect' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
