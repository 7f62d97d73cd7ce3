"""``manifest.json``: what a training job needs to consume the shards, written last."""

from __future__ import annotations

import json
import os
from typing import Any, Iterable

from thresher import __version__
from thresher.io.shards import SCHEMA_VERSION, ShardInfo


def build_manifest(
    shards: Iterable[ShardInfo],
    *,
    tokenizer: dict[str, Any],
    keep_text: bool,
    languages: dict[str, dict[str, int]],
    config: dict[str, Any],
    shuffle_seed: int | None = None,
) -> dict[str, Any]:
    ordered = sorted(shards, key=lambda s: s.name)
    return {
        "schema_version": SCHEMA_VERSION,
        "thresher_version": __version__,
        "tokenizer": tokenizer,
        "columns": {"text": keep_text, "token_ids": "list<uint32>"},
        # How documents are placed: thresher.io.shards.shard_index / row_order_key with this seed.
        "ordering": {"shuffle_seed": shuffle_seed},
        "totals": {
            "documents": sum(s.rows for s in ordered),
            "tokens": sum(s.tokens for s in ordered),
            "bytes": sum(s.bytes for s in ordered),
            "shards": len(ordered),
        },
        "languages": dict(sorted(languages.items())),
        "shards": [s.to_dict() for s in ordered],
        "config": config,
    }


def write_json_atomic(path: str, data: Any) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)
