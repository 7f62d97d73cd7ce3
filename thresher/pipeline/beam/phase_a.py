"""Phase A on Beam: WARC files → pages → URL filter → extraction, language ID, quality filters."""

from __future__ import annotations

from typing import Iterable

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from thresher.io.inputs import InputOptions, iter_input
from thresher.io.pages import HtmlPage, TextPage
from thresher.io.rejects import ListRejects
from thresher.pipeline.beam.metrics import BeamStats
from thresher.pipeline.config import PipelineConfig
from thresher.pipeline.stages import PageProcessor, UrlStage
from thresher.io.manifest import write_json_atomic
from thresher.record import DroppedDocument
from thresher.report.progress import ProgressReporter

DROPPED = "dropped"
REJECTS = "rejects"


class _CountingStats:
    """Passes counts to Beam and tells the progress reporter about each record read."""

    def __init__(self, stats: BeamStats, progress: ProgressReporter) -> None:
        self.stats = stats
        self.progress = progress

    def inc(self, name: str, n: int = 1) -> None:
        self.stats.inc(name, n)
        if name == "read/records":
            self.progress.add(records=n)


class _ReadInputFileFn(beam.DoFn):
    """One input file → pages; rejected records go to the ``rejects`` output."""

    def __init__(self, options: InputOptions, progress: ProgressReporter) -> None:
        self.options = options
        self.progress = progress

    def setup(self) -> None:
        self.stats = _CountingStats(BeamStats(), self.progress)

    def process(self, path: str):
        rejects = ListRejects()
        position = 0
        for page in iter_input(path, self.stats, self.options, rejects):
            # Record offsets are positions in the file: bytes read so far.
            self.progress.add(bytes=max(page.offset - position, 0))
            position = max(position, page.offset)
            yield page
            yield from _drain(rejects)
        yield from _drain(rejects)
        self.progress.add(bytes=max(_file_size(path) - position, 0))
        self.progress.flush()

    def teardown(self) -> None:
        self.progress.flush()


def _drain(rejects: ListRejects):
    for item in rejects.items:
        yield beam.pvalue.TaggedOutput(REJECTS, item)
    rejects.items.clear()


def _file_size(path: str) -> int:
    try:
        return FileSystems.match([path])[0].metadata_list[0].size_in_bytes
    except Exception:  # noqa: BLE001 - progress is best effort; the read itself reports errors
        return 0


class _UrlFilterFn(beam.DoFn):
    def __init__(self, config: PipelineConfig) -> None:
        self.config = config

    def setup(self) -> None:
        self.stage = UrlStage(self.config)
        self.stats = BeamStats()

    def process(self, page: HtmlPage | TextPage):
        drop = self.stage.check(page, self.stats)
        if drop is None:
            yield page
        else:
            yield beam.pvalue.TaggedOutput(DROPPED, drop)


class _ProcessPageFn(beam.DoFn):
    """Extraction → language ID → filters; the fastText model loads once per worker."""

    def __init__(self, config: PipelineConfig, progress: ProgressReporter) -> None:
        self.config = config
        self.progress = progress

    def setup(self) -> None:
        self.processor = PageProcessor(self.config)
        self.processor.setup()
        self.stats = BeamStats()

    def teardown(self) -> None:
        self.progress.flush()
        self.processor.close()

    def process(self, page: HtmlPage | TextPage):
        self.progress.add(pages=1)
        result = self.processor.process(page, self.stats)
        if isinstance(result, DroppedDocument):
            yield beam.pvalue.TaggedOutput(DROPPED, result)
        else:
            yield result


class ReadInputPages(beam.PTransform):
    """Input paths → pages (HTML or already-extracted text), spread over workers after reading.

    Returns ``(pages, rejects)``; rejects are the records a reader skipped or
    failed on for a reason other than the archive's normal structure.

    Reading is ~1 % of the cost and extraction ~95 %, so pages are reshuffled
    right after the (sequential, per-file) read: one large WARC does not hold
    extraction to one worker.
    """

    def __init__(
        self, paths: Iterable[str], options: InputOptions, progress_dir: str | None = None
    ) -> None:
        super().__init__()
        self.paths = sorted(paths)
        self.options = options
        self.progress = ProgressReporter(progress_dir)

    def expand(self, pbegin):
        read = (
            pbegin
            | "InputPaths" >> beam.Create(self.paths)
            | "ReshufflePaths" >> beam.Reshuffle()
            | "ReadInput"
            >> beam.ParDo(_ReadInputFileFn(self.options, self.progress)).with_outputs(REJECTS, main="pages")
        )
        return read.pages, read[REJECTS]


class FilterAndExtract(beam.PTransform):
    """HTML pages → kept documents: URL filter, then the per-page stages.

    Returns ``(documents, dropped)``: the kept :class:`Document` objects and a
    :class:`DroppedDocument` for every page a stage removed (for audit samples).
    """

    def __init__(self, config: PipelineConfig, progress_dir: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.progress = ProgressReporter(progress_dir)

    def expand(self, pages):
        url_checked = pages | "UrlFilter" >> beam.ParDo(_UrlFilterFn(self.config)).with_outputs(
            DROPPED, main="pages"
        )
        processed = (
            url_checked.pages
            | "SpreadPages" >> beam.Reshuffle()
            | "ExtractLangIdFilter"
            >> beam.ParDo(_ProcessPageFn(self.config, self.progress)).with_outputs(DROPPED, main="documents")
        )
        dropped = (url_checked[DROPPED], processed[DROPPED]) | "AllDropped" >> beam.Flatten()
        return processed.documents, dropped


class AuditSample(beam.PTransform):
    """Up to ``per_reason`` dropped documents per reason, chosen by smallest id (ids are hashes).

    Deterministic whatever the bundle order; written as one JSON file.
    """

    def __init__(self, path: str, per_reason: int) -> None:
        super().__init__()
        self.path = path
        self.per_reason = per_reason

    def expand(self, dropped):
        path = self.path
        return (
            dropped
            | "ByReason" >> beam.Map(lambda d: (d.reason, d))
            | "SmallestIds" >> beam.combiners.Top.PerKey(self.per_reason, key=lambda d: d.id, reverse=True)
            | "AllReasons" >> beam.combiners.ToList()
            | "WriteAudit" >> beam.Map(lambda groups: write_audit(path, groups))
        )


def write_audit(path: str, groups: list[tuple[str, list[DroppedDocument]]]) -> str:
    audit = {
        reason: [d.to_dict() for d in sorted(docs, key=lambda d: d.id)]
        for reason, docs in sorted(groups)
    }
    write_json_atomic(path, audit)
    return path
