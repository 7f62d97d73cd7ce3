"""Light records: what the dedup stages need of a document, made in one batched pass.

The groupings and the candidate graph carry these small records, never the text; the
documents meet every stage's decisions once, at the end (:mod:`thresher.run.dedup.apply`).
A record holds each key only when a stage (or the cross-run index) needs it.
"""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple

from thresher.stages.dedup.keep import resolve_rule
from thresher.stages.dedup.lsh import BandKey
from thresher.stages.dedup.minhash import permutations
from thresher.stages.dedup.normalize import exact_text_key
from thresher.stages.dedup.signing import document_band_keys
from thresher.stages.dedup.urls import url_key
from thresher.engines.base import Step, StepContext
from thresher.io.documents import row_to_document
from thresher.record import Document
from thresher.stages.dedup.stages import EXACT_STAGE, INDEX_STAGE, MINHASH_STAGE, URL_STAGE
from thresher.run.memory import parquet_batches
from thresher.run.plan import DedupPlan
from thresher.stats import stage_timer


class Light(NamedTuple):
    id: str
    #: Where the document is: its phase-A document file (an index into the job's file list) and offset.
    file: int
    offset: int
    #: The language ID's label (per-language MinHash buckets by it).
    language: str | None
    url_key: str | None
    url_sort: Any
    text_key: str | None
    exact_sort: Any
    minhash_sort: Any
    #: The band hashes, 16 bytes each, band ``i`` at ``[16 i, 16 i + 16)`` (packed: compact through a
    #: shuffle). Empty: no words, never a near-duplicate candidate.
    bands: bytes


class _Needs(NamedTuple):
    url_key: bool
    text_key: bool
    band_keys: bool


BAND_HASH_BYTES = 16


def band_keys(light: Light) -> list[BandKey]:
    """``(band, band hash)`` of every band of a light record."""
    packed = light.bands
    return [(i, packed[i * BAND_HASH_BYTES : (i + 1) * BAND_HASH_BYTES]) for i in range(len(packed) // BAND_HASH_BYTES)]


def location(record: "Light | tuple[int, int]") -> tuple[int, int]:
    """``(file, offset)`` of a light record, or of the position that stands for one."""
    return (record.file, record.offset) if isinstance(record, Light) else (record[0], record[1])


def needs(plan: DedupPlan) -> _Needs:
    """Which keys the run's stages read (the index writes all three)."""
    read = set(plan.index_matches) if plan.index_read else set()
    write = plan.index_write is not None
    return _Needs(
        url_key=plan.url_keep is not None or "url" in read or write,
        text_key=plan.exact_normalization is not None or "text" in read or write,
        band_keys=plan.minhash or "near" in read or write,
    )


class LightRecords(Step):
    """Phase-A document files ``(file index, path)`` -> :class:`Light` records of their documents.

    Each file is read where the step runs (no text travels), signed in batches; each key's work is
    timed as its stage's.
    """

    batch_size = 1

    def __init__(self, plan: DedupPlan) -> None:
        self.plan = plan
        self.needs = needs(plan)

    def setup(self) -> None:
        plan = self.plan
        self.url_rule = resolve_rule(plan.url_keep) if plan.url_keep is not None else None
        self.exact_rule = resolve_rule(plan.exact_keep)
        self.minhash_rule = resolve_rule(plan.minhash_keep)
        self.normalization = plan.exact_normalization or plan.index_normalization
        if self.needs.band_keys:
            p = plan.params
            permutations(p.permutations, p.seed, p.scheme)  # warm the cache once per worker

    def process(self, files: list[tuple[int, str]], ctx: StepContext) -> Iterator[Light]:
        for file, path in files:
            for docs in document_batches(path):
                yield from self._lights(file, docs, ctx)

    def _lights(self, file: int, docs: list[Document], ctx: StepContext) -> Iterator[Light]:
        n, plan, needs_, stats = len(docs), self.plan, self.needs, ctx.stats
        url_keys = url_sorts = text_keys = exact_sorts = minhash_sorts = [None] * n
        bands: list[bytes] = [b""] * n
        if needs_.url_key:
            with stage_timer(stats, URL_STAGE if plan.url_keep is not None else INDEX_STAGE):
                url_keys = [url_key(d.url) for d in docs]
                if self.url_rule is not None:
                    url_sorts = [self.url_rule(d) for d in docs]
        if needs_.text_key:
            with stage_timer(stats, EXACT_STAGE if plan.exact_normalization is not None else INDEX_STAGE):
                text_keys = [exact_text_key(d.text, self.normalization) for d in docs]
                if plan.exact_normalization is not None:
                    exact_sorts = [self.exact_rule(d) for d in docs]
        if needs_.band_keys:
            with stage_timer(stats, MINHASH_STAGE if plan.minhash else INDEX_STAGE):
                if plan.minhash:
                    minhash_sorts = [self.minhash_rule(d) for d in docs]
                bands = [b"".join(h for _, h in keys) for keys in document_band_keys([d.text for d in docs], plan.params)]
        for i, doc in enumerate(docs):
            yield Light(doc.id, file, doc.offset, doc.language, url_keys[i], url_sorts[i], text_keys[i],
                        exact_sorts[i], minhash_sorts[i], bands[i])


#: Rows read from a document file at a time, and the most documents (or characters) signed at once.
#: Far below a phase-A document file's size at any scale: the batches of engines.base
#: (512 documents, 8 M characters) were larger than a small run's files (~180 documents at 1x of
#: the memory benchmark) and filled by a larger run's (~720), so the peak of signing grew with the
#: corpus up to that cap (issue 19: a small run's dedup runs in the driver). Signing is per document:
#: no output depends on these.
READ_ROWS = 64
SIGN_BATCH = 64
SIGN_BATCH_CHARS = 1_000_000


def document_batches(path: str) -> Iterator[list[Document]]:
    """The documents of one phase-A document file, in batches of at most ``SIGN_BATCH`` documents
    or about ``SIGN_BATCH_CHARS`` characters (numpy signs a batch at a time)."""
    batch: list[Document] = []
    chars = 0
    for table_batch in parquet_batches(path, READ_ROWS):
        for row in table_batch.to_pylist():
            doc = row_to_document(row)
            batch.append(doc)
            chars += len(doc.text)
            if len(batch) >= SIGN_BATCH or chars >= SIGN_BATCH_CHARS:
                yield batch
                batch, chars = [], 0
    if batch:
        yield batch
