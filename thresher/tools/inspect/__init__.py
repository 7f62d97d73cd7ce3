"""Look inside a run's shards: summary, schema, documents, statistics, and a full validation.

``thresher.tools.inspect.cli.add_inspect_parser`` registers the ``thresher inspect`` command. The names
below load on first use, so registering the command imports neither pyarrow nor tokenizers.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Problem": "thresher.tools.inspect.validate",
    "ValidationReport": "thresher.tools.inspect.validate",
    "validate_run": "thresher.tools.inspect.validate",
    "corpus_stats": "thresher.tools.inspect.stats",
    "describe_schema": "thresher.tools.inspect.schema",
    "schema_differences": "thresher.tools.inspect.schema",
    "find_document": "thresher.tools.inspect.documents",
    "head_documents": "thresher.tools.inspect.documents",
    "run_summary": "thresher.tools.inspect.summary",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'thresher.tools.inspect' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
