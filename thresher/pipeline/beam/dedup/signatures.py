"""Batched MinHash signing: documents -> ``((band, band hash), id)`` per band."""

from __future__ import annotations

from typing import Any, Iterable

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue

from thresher.dedup.lsh import batch_band_keys
from thresher.dedup.minhash import minhash_signatures, permutations
from thresher.dedup.params import MinHashParams
from thresher.dedup.shingles import word_shingles
from thresher.pipeline.beam.dedup.common import MINHASH_STAGE
from thresher.pipeline.beam.metrics import BeamStats
from thresher.record import Document
from thresher.stats import stage_timer


class _BandKeysDoFn(beam.DoFn):
    """Buffers documents and signs them in batches: ``((band, band hash), id)`` per band.

    Batching lets :func:`minhash_signatures` hash and permute a whole batch
    with a few numpy operations. Outputs are per-document pure functions, so
    bundle boundaries change only the batching, never the result. Documents
    without words emit nothing: they are never near-duplicate candidates.
    Signing a batch is timed as ``stage`` (:func:`thresher.stats.stage_timer`).
    """

    def __init__(
        self, params: MinHashParams, batch_size: int, max_batch_chars: int, stage: str = MINHASH_STAGE
    ) -> None:
        self._params = params
        self._batch_size = batch_size
        self._max_batch_chars = max_batch_chars
        self._stage = stage

    def setup(self) -> None:
        p = self._params
        permutations(p.permutations, p.seed, p.scheme)  # warm the cache once per worker
        self._stats = BeamStats()

    def start_bundle(self) -> None:
        self._buffer: list[tuple[str, str, Any, Any]] = []
        self._chars = 0

    def process(self, doc: Document, window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        self._buffer.append((doc.id, doc.text, window, timestamp))
        self._chars += len(doc.text)
        if len(self._buffer) >= self._batch_size or self._chars >= self._max_batch_chars:
            yield from self._flush()

    def finish_bundle(self):
        yield from self._flush()

    def _flush(self) -> Iterable[WindowedValue]:
        if not self._buffer:
            return
        p = self._params
        with stage_timer(self._stats, self._stage):
            shingle_sets = [word_shingles(text, p.ngram, p.normalization) for _, text, _, _ in self._buffer]
            signatures = minhash_signatures(shingle_sets, p.permutations, p.seed, p.scheme, p.hash)
            keys = batch_band_keys(signatures, p.bands, p.rows)
        for (doc_id, _, window, timestamp), shingles, doc_keys in zip(self._buffer, shingle_sets, keys):
            if shingles:
                for key in doc_keys:
                    yield WindowedValue((key, doc_id), timestamp, (window,))
        self._buffer = []
        self._chars = 0

