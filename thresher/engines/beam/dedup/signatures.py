"""Batched MinHash signing: documents -> ``((band, band hash), id)`` per band."""

from __future__ import annotations

from typing import Any, Iterable

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue

from thresher.dedup.signing import document_band_keys
from thresher.dedup.minhash import permutations
from thresher.dedup.params import MinHashParams
from thresher.engines.beam.dedup.common import MINHASH_STAGE
from thresher.engines.beam.metrics import BeamStats
from thresher.record import Document
from thresher.stats import stage_timer


class DocumentBatchDoFn(beam.DoFn):
    """Buffers documents up to ``batch_size`` documents or ``max_batch_chars`` characters, then
    hands the batch to :meth:`outputs_of` and emits each document's outputs in its own window.

    For work that is cheap per batch and dear per document (numpy signing, index keys). Outputs
    are per-document pure functions, so bundle boundaries change only the batching, never the result.
    """

    def __init__(self, batch_size: int, max_batch_chars: int) -> None:
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars

    def outputs_of(self, docs: list[Document]) -> list[Iterable[Any]]:
        """One iterable of outputs per document, in order."""
        raise NotImplementedError

    def start_bundle(self) -> None:
        self._buffer: list[tuple[Document, Any, Any]] = []
        self._chars = 0

    def process(self, doc: Document, window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        self._buffer.append((doc, window, timestamp))
        self._chars += len(doc.text)
        if len(self._buffer) >= self._batch_size or self._chars >= self._max_batch_chars:
            yield from self._flush()

    def finish_bundle(self):
        yield from self._flush()

    def _flush(self) -> Iterable[WindowedValue]:
        if not self._buffer:
            return
        batch, self._buffer, self._chars = self._buffer, [], 0
        per_document = self.outputs_of([doc for doc, _, _ in batch])
        for (_, window, timestamp), outputs in zip(batch, per_document):
            for output in outputs:
                yield WindowedValue(output, timestamp, (window,))


class _BandKeysDoFn(DocumentBatchDoFn):
    """Buffers documents and signs them in batches: ``((band, band hash), id)`` per band.

    Batching lets :func:`minhash_signatures` hash and permute a whole batch
    with a few numpy operations. Documents without words emit nothing: they
    are never near-duplicate candidates. Signing a batch is timed as
    ``stage`` (:func:`thresher.stats.stage_timer`).
    """

    def __init__(
        self, params: MinHashParams, batch_size: int, max_batch_chars: int, stage: str = MINHASH_STAGE
    ) -> None:
        super().__init__(batch_size, max_batch_chars)
        self._params = params
        self._stage = stage

    def setup(self) -> None:
        p = self._params
        permutations(p.permutations, p.seed, p.scheme)  # warm the cache once per worker
        self._stats = BeamStats()

    def outputs_of(self, docs: list[Document]) -> list[Iterable[Any]]:
        with stage_timer(self._stats, self._stage):
            keys = document_band_keys([doc.text for doc in docs], self._params)
        return [[(key, doc.id) for key in doc_keys] for doc, doc_keys in zip(docs, keys)]
