"""``manifest.json``: what a training job needs to consume the shards, written last."""

from __future__ import annotations

from typing import Any, Iterable

from thresher import __version__
from thresher.io import storage
from thresher.io.shards import CLUSTER_SIZE, SCHEMA_VERSION, ShardInfo


def build_manifest(
    shards: Iterable[ShardInfo],
    *,
    tokenizer: dict[str, Any],
    keep_text: bool,
    languages: dict[str, dict[str, int]],
    config: dict[str, Any],
    shuffle_seed: int | None = None,
    cluster_size: bool = False,
    kept_fields: Iterable[Any] = (),
) -> dict[str, Any]:
    ordered = sorted(shards, key=lambda s: s.name)
    columns: dict[str, Any] = {"text": keep_text, "token_ids": "list<uint32>", CLUSTER_SIZE: cluster_size}
    kept = {f.name: str(f.type) for f in kept_fields}
    if kept:
        # Input columns carried as they are (input.keep_fields): name -> Arrow type, after the shards' own.
        columns["kept_fields"] = kept
    output = config.get("output") or {}
    payloads = [s.payload_bytes for s in ordered]
    return {
        "schema_version": SCHEMA_VERSION,
        "thresher_version": __version__,
        "tokenizer": tokenizer,
        "columns": columns,
        # How documents are placed: thresher.io.shards.shard_index / row_order_key with this seed.
        "ordering": {"shuffle_seed": shuffle_seed},
        "totals": {
            "documents": sum(s.rows for s in ordered),
            "tokens": sum(s.tokens for s in ordered),
            "bytes": sum(s.bytes for s in ordered),
            "shards": len(ordered),
        },
        # What decided the shard count (thresher.io.shards.shard_count): the targets, and the
        # uncompressed payload (row_payload_bytes summed; not the files' size).
        "sizing": {
            "target_tokens": output.get("shard_target_tokens"),
            "target_bytes": output.get("shard_target_bytes"),
            "payload_bytes": None if None in payloads else sum(payloads),
        },
        "languages": dict(sorted(languages.items())),
        "shards": [s.to_dict() for s in ordered],
        "config": config,
    }


def merge_languages(per_shard: Iterable[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """Per-language documents and tokens summed over shards (each shard's ``ShardWriter.languages``)."""
    total: dict[str, dict[str, int]] = {}
    for languages in per_shard:
        for lang, counts in languages.items():
            into = total.setdefault(lang, {})
            for what, n in counts.items():
                into[what] = into.get(what, 0) + n
    return total


def write_manifest(path: str, manifest: dict[str, Any]) -> None:
    """``manifest.json``, whole or absent (the run's last file: its presence means the run finished)."""
    storage.write_json(path, manifest)
