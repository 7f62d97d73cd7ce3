"""URL and exact-text dedup: group documents by a key, keep one per group."""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterable

import apache_beam as beam
from apache_beam.pvalue import TaggedOutput

from thresher.dedup.keep import EARLIEST, LATEST, KeepRule, mark_duplicate, resolve_rule
from thresher.dedup.normalize import DEFAULT, exact_text_key
from thresher.dedup.urls import url_key
from thresher.engines.beam.dedup.common import (
    EXACT_REASON,
    EXACT_STAGE,
    KEPT,
    REMOVED,
    URL_REASON,
    URL_STAGE,
    _CountAndKey,
)
from thresher.engines.beam.dedup.timing import TimedDoFn, require_global_window
from thresher.record import Document
from thresher.stats import dropped


class _KeepOnePerGroup(TimedDoFn):
    """Keeps the best document of each ``(key, documents)`` group by the keep rule.

    Two passes over the group (Beam's grouped values are re-iterable) so a
    huge group, say a million copies of an error page, is never a list.
    """

    def __init__(self, stage: str, reason: str, keep: KeepRule) -> None:
        super().__init__(stage)
        self._stage = stage
        self._reason = reason
        self._keep = keep

    def setup(self) -> None:
        super().setup()
        self._rule = resolve_rule(self._keep)

    def work(self, element: tuple[Any, Iterable[Document]]):
        _, docs = element
        best = min((self._rule(d), d.id) for d in docs)
        kept_id = best[1]
        kept_emitted = False
        for doc in docs:
            if not kept_emitted and doc.id == kept_id and self._rule(doc) == best[0]:
                kept_emitted = True
                self.stats.inc(f"{self._stage}/kept")
                yield doc
            else:
                self.stats.inc(dropped(self._stage, self._reason))
                yield TaggedOutput(REMOVED, mark_duplicate(doc, kept_id))


class _GroupDedup(beam.PTransform):
    def __init__(self, stage: str, reason: str, key_fn: Callable[[Document], Any], keep: KeepRule) -> None:
        super().__init__()
        resolve_rule(keep)  # fail at construction on an unknown rule name
        self._stage, self._reason, self._key_fn, self._keep = stage, reason, key_fn, keep

    def expand(self, docs):
        require_global_window(docs, type(self).__name__)
        return (
            docs
            | "CountAndKey" >> beam.ParDo(_CountAndKey(self._stage, self._key_fn))
            | "GroupByKey" >> beam.GroupByKey()
            | "KeepOne"
            >> beam.ParDo(_KeepOnePerGroup(self._stage, self._reason, self._keep)).with_outputs(REMOVED, main=KEPT)
        )


def _doc_url_key(doc: Document) -> str:
    return url_key(doc.url)


def _doc_text_key(doc: Document, normalization: str) -> str:
    return exact_text_key(doc.text, normalization)


class UrlDedup(_GroupDedup):
    """One document per normalized URL (:func:`thresher.dedup.urls.url_key`).

    ``keep``: ``"latest"`` (default: the freshest crawl), ``"earliest"`` or a
    callable ``Document -> sort key`` (smallest kept); ties go to the smallest id.
    """

    def __init__(self, keep: KeepRule = LATEST) -> None:
        super().__init__(URL_STAGE, URL_REASON, _doc_url_key, keep)


class ExactDedup(_GroupDedup):
    """One document per normalized text (:func:`thresher.dedup.normalize.exact_text_key`).

    Keeps the earliest crawl by default (ties: smallest id).
    """

    def __init__(self, normalization: str = DEFAULT, keep: KeepRule = EARLIEST) -> None:
        exact_text_key("", normalization)  # fail at construction on an unknown name
        super().__init__(EXACT_STAGE, EXACT_REASON, partial(_doc_text_key, normalization=normalization), keep)

