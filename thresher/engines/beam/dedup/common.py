"""Pieces every dedup transform shares: output tags, stage names, counting and keying."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from thresher.engines.beam.dedup.timing import TimedDoFn
from thresher.record import Document

KEPT = "kept"
REMOVED = "removed"

URL_STAGE, URL_REASON = "dedup_url", "duplicate_url"
EXACT_STAGE, EXACT_REASON = "dedup_exact", "exact_duplicate"
MINHASH_STAGE, MINHASH_REASON = "dedup_minhash", "near_duplicate"


class _CountAndKey(TimedDoFn):
    """Counts ``<stage>/in`` and keys each document by ``key_fn(doc)``."""

    def __init__(self, stage: str, key_fn: Callable[[Document], Any]) -> None:
        super().__init__(stage)
        self._in = f"{stage}/in"
        self._key_fn = key_fn

    def work(self, doc: Document) -> Iterable[tuple[Any, Document]]:
        self.stats.inc(self._in)
        return ((self._key_fn(doc), doc),)



def _doc_id(doc: Document) -> str:
    return doc.id


def _first_or_none(values: Iterable[Any]) -> Any:
    for value in values:
        return value
    return None
