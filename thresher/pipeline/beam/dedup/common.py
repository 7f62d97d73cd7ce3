"""Pieces every dedup transform shares: output tags, stage names, counting and keying."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import apache_beam as beam

from thresher.pipeline.beam.metrics import BeamStats
from thresher.record import Document

KEPT = "kept"
REMOVED = "removed"

URL_STAGE, URL_REASON = "dedup_url", "duplicate_url"
EXACT_STAGE, EXACT_REASON = "dedup_exact", "exact_duplicate"
MINHASH_STAGE, MINHASH_REASON = "dedup_minhash", "near_duplicate"


class _CountAndKey(beam.DoFn):
    """Counts ``<stage>/in`` and keys each document by ``key_fn(doc)``."""

    def __init__(self, stage: str, key_fn: Callable[[Document], Any]) -> None:
        self._stage = stage
        self._key_fn = key_fn
        self._stats = BeamStats()

    def process(self, doc: Document) -> Iterable[tuple[Any, Document]]:
        self._stats.inc(f"{self._stage}/in")
        yield self._key_fn(doc), doc



def _doc_id(doc: Document) -> str:
    return doc.id


def _first_or_none(values: Iterable[Any]) -> Any:
    for value in values:
        return value
    return None
