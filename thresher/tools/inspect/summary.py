"""``thresher inspect PATH``: what a run holds, from its manifest alone (cheap on remote paths)."""

from __future__ import annotations

from typing import Any

from thresher.tools.loader import storage
from thresher.tools.loader.run import Run


def run_summary(run: Run) -> dict[str, Any]:
    manifest = run.manifest
    shards = run.shards
    documents, tokens = run.total_documents, run.total_tokens
    planned = {s.planned_shards for s in shards if s.planned_shards > 0}
    tokenizer = dict(run.tokenizer_info)
    tokenizer["present"] = storage.is_file(run.fs, run.tokenizer_path)
    languages = manifest.get("languages") or {}
    return {
        "path": run.location,
        "schema_version": manifest.get("schema_version"),
        "thresher_version": manifest.get("thresher_version"),
        "documents": documents,
        "tokens": tokens,
        "shards": len(shards),
        "planned_shards": planned.pop() if len(planned) == 1 else None,
        "bytes": sum(s.bytes for s in shards),
        "mean_tokens_per_document": tokens / documents if documents else 0.0,
        "text_column": run.keeps_text,
        # Input columns the shards carry (input.keep_fields): name -> Arrow type.
        "kept_fields": dict((run.manifest.get("columns") or {}).get("kept_fields") or {}),
        "tokenizer": tokenizer,
        "languages": {
            lang: {"documents": int(v.get("documents", 0)), "tokens": int(v.get("tokens", 0))}
            for lang, v in sorted(languages.items(), key=lambda kv: -int(kv[1].get("tokens", 0)))
        },
    }
