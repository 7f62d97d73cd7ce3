"""Phase A as a job: work units (ranges of input files) -> pieces -> one committed result per file.

Each worker reads its own unit and carries it through the URL filter, extraction, language
ID and the quality filters, writing the unit's kept documents and rejected records as it
goes (:mod:`thresher.run.results`). Only the pieces' small descriptions move between
workers: they are grouped by file, and a file whose every piece is written is committed.
No page, and no file's documents, ever travels through a shuffle.

Counting is per unit, as data written with the piece, so that a relaunch that skips
finished files still reports the whole run, and a recomputed unit replaces its counts
instead of adding to them.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from thresher.bookkeeping.progress import ProgressReporter
from thresher.engines.base import Flow, MapStep, Step, StepContext
from thresher.io import storage
from thresher.io.documents import REJECT_SCHEMA, document_schema, document_to_row
from thresher.io.dropped import dropped_schema, phase_a_row
from thresher.io.fields import coerce_kept
from thresher.io.inputs import InputOptions, iter_input
from thresher.record import DroppedDocument
from thresher.run.layout import RunLayout, file_key
from thresher.run.memory import bound_allocators
from thresher.run.pages import PageProcessor, UrlStage
from thresher.run.plan import PagePlan, RunPlan
from thresher.run.results import (
    AuditCandidates,
    Piece,
    WorkUnit,
    commit_file,
    finished_pieces,
    piece_file,
    write_piece,
)
from thresher.stats import DictStats

#: A piece's documents (and dropped documents) are written in batches of at most this many characters
#: and bytes. Without it a batch was 1,000 rows, more than a unit of a few MB has, so each unit's whole
#: output sat in memory before its one write: a 38 MB unit held 6.7 M characters (as row dicts, then
#: an Arrow table), a 9.5 MB one 1.7 M, and the worker's peak followed the unit size, which grows with
#: the input up to ``runner.unit_bytes`` (BENCHMARKS.md §9). 1 MiB is below what a 1x unit writes.
PIECE_BATCH_BYTES = 1024 * 1024


class _RejectRows:
    """A reject sink writing rows into the piece's rejects file."""

    def __init__(self, writer: storage.ParquetFileWriter) -> None:
        self.writer = writer
        #: Why a whole file failed (the exception, as one line), by reject reason.
        self.causes: dict[str, str] = {}

    def reject(self, url: str, source: str, offset: int, reason: str) -> None:
        self.writer.add({"url": url, "source": source, "offset": offset, "reason": reason})

    def cause(self, reason: str, cause: str) -> None:
        self.causes.setdefault(reason, cause)


class ProcessUnits(Step):
    """Work units -> their pieces: read, URL filter, extract, language ID, filters; written as they go."""

    batch_size = 1

    def __init__(self, plan: RunPlan, progress_dir: str | None) -> None:
        self.pages: PagePlan = plan.pages
        self.inputs: InputOptions = plan.inputs
        self.layout: RunLayout = plan.layout
        self.fingerprint = plan.fingerprint
        self.progress_dir = progress_dir
        self.kept_fields = tuple(plan.output.kept_fields)

    def setup(self) -> None:
        # A worker runs unit after unit: without this, glibc and Arrow's pool keep what each unit's
        # batches freed, and the peak creeps up with the units a worker gets (measured on four 38 MB
        # units: 166 -> 180 MB against two 9.5 MB ones; with it 160 -> 168 MB). No output byte changes.
        bound_allocators()
        self.url_stage = UrlStage(self.pages)
        self.processor = PageProcessor(self.pages)
        self.processor.setup()
        self.progress = ProgressReporter(self.progress_dir)

    def teardown(self) -> None:
        self.progress.flush()
        self.processor.close()

    def process(self, batch: list[WorkUnit], ctx: StepContext) -> Iterator[Piece]:
        for unit in batch:
            piece = finished_pieces(self.layout, unit, self.fingerprint)
            if piece is not None:
                self.progress.unit_done(unit.source, (unit.end or unit.start) - unit.start)
            yield piece if piece is not None else self._process(unit)

    def _process(self, unit: WorkUnit) -> Piece:
        stats = DictStats()
        audit = AuditCandidates(self.pages.audit_per_reason)
        documents_path = piece_file(self.layout, unit, "documents")
        rejects_path = piece_file(self.layout, unit, "rejects")
        dropped_dir = self.pages.dropped_dir
        dropped_path = dropped_file(dropped_dir, unit) if dropped_dir else None
        with storage.ParquetFileWriter(documents_path, document_schema(self.kept_fields), always=True,
                                       batch_bytes=PIECE_BATCH_BYTES) as documents, \
                storage.ParquetFileWriter(rejects_path, REJECT_SCHEMA, always=True,
                                          batch_bytes=PIECE_BATCH_BYTES) as rejects, \
                _optional_writer(dropped_path, dropped_schema(self.kept_fields)) as dropped:
            reject_rows = _RejectRows(rejects)
            for result in self._results(unit, stats, reject_rows):
                if isinstance(result, DroppedDocument):
                    audit.add(result)
                    if dropped is not None:
                        dropped.add(self._kept_fitting(phase_a_row(result, self.kept_fields), stats))
                else:
                    documents.add(self._kept_fitting(document_to_row(result), stats))
        piece = Piece(
            unit=unit,
            fingerprint=self.fingerprint,
            documents_file=documents_path.rsplit("/", 1)[-1],
            rejects_file=rejects_path.rsplit("/", 1)[-1],
            documents=documents.rows,
            counters=dict(sorted(stats.counts.items())),
            audit=audit.selected(),
            causes=reject_rows.causes,
            dropped_file=dropped_path.rsplit("/", 1)[-1] if dropped is not None and dropped.rows else None,
            dropped=dropped.rows if dropped is not None else 0,
        )
        write_piece(self.layout, piece)
        # The unit's bytes after its last page (its last record, records that are no page).
        self.progress.unit_done(unit.source, max((unit.end or 0) - self._position, 0))
        return piece

    def _kept_fitting(self, row: dict[str, Any], stats: DictStats) -> dict[str, Any]:
        """The row with each kept input value fitting its column's Arrow type (a misfit: null, counted)."""
        if self.kept_fields:
            misfits = coerce_kept(row, self.kept_fields)
            if misfits:
                stats.inc("read/warning/field_type_mismatch", misfits)
        return row

    def _results(self, unit: WorkUnit, stats: DictStats, rejects: _RejectRows) -> Iterator[Any]:
        self._position = unit.start
        for page in iter_input(unit.source, stats, self.inputs, rejects, byte_range=(unit.start, unit.end)):
            # Record offsets are positions in the file: the bytes before this page are processed
            # once the page is (progress counts work done, never what was merely read).
            before = max(page.offset - self._position, 0)
            self._position = max(self._position, page.offset)
            result = self.url_stage.check(page, stats)
            if result is None:
                result = self.processor.process(page, stats)
            self.progress.page_done(not isinstance(result, DroppedDocument), before)
            yield result


def dropped_file(dropped_dir: str, unit: WorkUnit) -> str:
    """A work unit's dropped documents: in the run's ``dropped/`` dataset, under a name of its own."""
    return storage.join(dropped_dir, f"phase_a-{file_key(unit.source)}-{unit.name}.parquet")


@contextmanager
def _optional_writer(path: str | None, schema: Any) -> Iterator[storage.ParquetFileWriter | None]:
    if path is None:
        yield None
        return
    with storage.ParquetFileWriter(path, schema, batch_bytes=PIECE_BATCH_BYTES) as writer:
        yield writer


def _by_source(piece: Piece) -> Iterable[tuple[str, Piece]]:
    yield piece.unit.source, piece


class CommitFiles(Step):
    """``(source, pieces)`` -> ``result.json`` of each file whose every piece is there."""

    def __init__(self, plan: RunPlan) -> None:
        self.layout = plan.layout
        self.fingerprint = plan.fingerprint
        self.per_reason = plan.pages.audit_per_reason

    def process(self, batch: list[tuple[str, Iterable[Piece]]], ctx: StepContext) -> Iterator[str]:
        for source, pieces in batch:
            pieces = list(pieces)
            count = pieces[0].unit.count
            if len({p.unit.index for p in pieces}) == count:
                commit_file(self.layout, source, self.fingerprint, pieces, self.per_reason)
                yield source


def phase_a(flow: Flow, units: list[WorkUnit], plan: RunPlan, progress_dir: str | None) -> None:
    """The job of one pass: process ``units``, commit every file whose pieces are all done."""
    pieces = flow.apply("ProcessUnits", flow.create("Units", units), ProcessUnits(plan, progress_dir))
    by_file = flow.group("PiecesByFile", flow.apply("KeyByFile", pieces, MapStep(_by_source)))
    flow.apply("CommitFiles", by_file, CommitFiles(plan))
