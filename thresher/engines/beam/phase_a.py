"""Phase A on Beam: input files → pages → URL filter → extraction, language ID, filters →
one complete result per input file (see :mod:`thresher.run.results`).

Counting is per input file, so that a file's result carries its own counters
and a relaunch that skips finished files still reports the whole run. Each
DoFn keeps a counter per source file and emits them at the end of its bundle;
they are summed per file and written with that file's documents. Beam's own
``Metrics`` counters are incremented too, for runners' live monitoring.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.windowed_value import WindowedValue

from thresher.io.documents import document_to_row
from thresher.io.inputs import InputOptions, iter_input
from thresher.io.pages import HtmlPage, TextPage
from thresher.io.rejects import ListRejects
from thresher.engines.beam.metrics import BeamStats
from thresher.run.results import write_file_result
from thresher.config import PipelineConfig
from thresher.run.pages import PageProcessor, UrlStage
from thresher.record import DroppedDocument
from thresher.bookkeeping.progress import ProgressReporter
from thresher.stats import merge, record_observation

DROPPED = "dropped"
REJECTS = "rejects"
COUNTS = "counts"


class _PerFileStats:
    """A stats sink per source file, plus Beam metrics; flushed as ``(source, Counter)`` elements."""

    def __init__(self, progress: ProgressReporter | None = None) -> None:
        self.beam = BeamStats()
        self.progress = progress
        self.by_source: dict[str, Counter] = {}

    def sink(self, source: str) -> "_SourceSink":
        return _SourceSink(self, self.by_source.setdefault(source, Counter()))

    def drain(self):
        for source, counts in self.by_source.items():
            if counts:
                yield beam.pvalue.TaggedOutput(COUNTS, (source, dict(counts)))
        self.by_source = {}

    def drain_windowed(self):
        # finish_bundle must emit windowed values.
        for tagged in self.drain():
            yield beam.pvalue.TaggedOutput(
                tagged.tag, WindowedValue(tagged.value, GlobalWindow().max_timestamp(), (GlobalWindow(),))
            )


class _SourceSink:
    def __init__(self, owner: _PerFileStats, counts: Counter) -> None:
        self.owner = owner
        self.counts = counts

    def inc(self, name: str, n: int = 1) -> None:
        self.counts[name] += n
        self.owner.beam.inc(name, n)
        if name == "read/records" and self.owner.progress is not None:
            self.owner.progress.add(records=n)

    def observe(self, name: str, value: int) -> None:
        record_observation(self.counts, name, value)
        self.owner.beam.observe(name, value)


class _ReadInputFileFn(beam.DoFn):
    """One input file → pages; rejected records and the file's counts go to side outputs."""

    def __init__(self, options: InputOptions, progress: ProgressReporter) -> None:
        self.options = options
        self.progress = progress

    def setup(self) -> None:
        self.stats = _PerFileStats(self.progress)

    def process(self, path: str):
        rejects = ListRejects()
        sink = self.stats.sink(path)
        position = 0
        for page in iter_input(path, sink, self.options, rejects):
            # Record offsets are positions in the file: bytes read so far.
            self.progress.add(bytes=max(page.offset - position, 0))
            position = max(position, page.offset)
            yield page
            yield from _drain(rejects)
        yield from _drain(rejects)
        self.progress.add(bytes=max(_file_size(path) - position, 0))
        self.progress.flush()
        yield from self.stats.drain()

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
        self.stats = _PerFileStats()

    def process(self, page: HtmlPage | TextPage):
        drop = self.stage.check(page, self.stats.sink(page.source))
        if drop is None:
            yield page
        else:
            yield beam.pvalue.TaggedOutput(DROPPED, drop)

    def finish_bundle(self):
        yield from self.stats.drain_windowed()


class _ProcessPageFn(beam.DoFn):
    """Extraction → language ID → filters; models load once per worker."""

    def __init__(self, config: PipelineConfig, progress: ProgressReporter) -> None:
        self.config = config
        self.progress = progress

    def setup(self) -> None:
        self.processor = PageProcessor(self.config)
        self.processor.setup()
        self.stats = _PerFileStats()

    def teardown(self) -> None:
        self.progress.flush()
        self.processor.close()

    def process(self, page: HtmlPage | TextPage):
        self.progress.add(pages=1)
        result = self.processor.process(page, self.stats.sink(page.source))
        if isinstance(result, DroppedDocument):
            yield beam.pvalue.TaggedOutput(DROPPED, result)
        else:
            yield result

    def finish_bundle(self):
        yield from self.stats.drain_windowed()


def _merge_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    return merge(counts)


class _WriteFileResultFn(beam.DoFn):
    def __init__(self, directory: str, fingerprint: str) -> None:
        self.directory = directory
        self.fingerprint = fingerprint

    def process(self, element: tuple[str, dict[str, list]]):
        source, parts = element
        counters = _merge_counts(parts["counts"])
        audit = [d for group in parts["audit"] for d in group]
        rejects = [
            {"url": r.url, "source": r.source, "offset": r.offset, "reason": r.reason} for r in parts["rejects"]
        ]
        yield write_file_result(
            self.directory, source, self.fingerprint, parts["documents"], counters, audit, rejects
        )


class PhaseAPerFile(beam.PTransform):
    """Input paths → one written result per input file; outputs the result directories.

    Pages are reshuffled right after the (sequential, per-file) read, because
    reading is ~1 % of the cost and extraction ~95 %: one large file does not
    hold extraction to one worker. Results are regrouped by file only to write.
    """

    def __init__(
        self,
        paths: Iterable[str],
        config: PipelineConfig,
        options: InputOptions,
        directory: str,
        fingerprint: str,
        progress_dir: str | None = None,
    ) -> None:
        super().__init__()
        self.paths = sorted(paths)
        self.config = config
        self.options = options
        self.directory = directory
        self.fingerprint = fingerprint
        self.progress = ProgressReporter(progress_dir)

    def expand(self, pbegin):
        per_reason = self.config.output.audit_samples_per_reason
        read = (
            pbegin
            | "InputPaths" >> beam.Create(self.paths)
            | "ReshufflePaths" >> beam.Reshuffle()
            | "ReadInput"
            >> beam.ParDo(_ReadInputFileFn(self.options, self.progress)).with_outputs(
                REJECTS, COUNTS, main="pages"
            )
        )
        url_checked = read.pages | "UrlFilter" >> beam.ParDo(_UrlFilterFn(self.config)).with_outputs(
            DROPPED, COUNTS, main="pages"
        )
        processed = (
            url_checked.pages
            | "SpreadPages" >> beam.Reshuffle()
            | "ExtractLangIdFilter"
            >> beam.ParDo(_ProcessPageFn(self.config, self.progress)).with_outputs(
                DROPPED, COUNTS, main="documents"
            )
        )
        counts = (read[COUNTS], url_checked[COUNTS], processed[COUNTS]) | "AllCounts" >> beam.Flatten()
        dropped = (url_checked[DROPPED], processed[DROPPED]) | "AllDropped" >> beam.Flatten()
        audit = (
            dropped
            | "BySourceAndReason" >> beam.Map(lambda d: ((d.source, d.reason), d))
            # Smallest ids per (file, reason): their union holds the global smallest per reason.
            | "AuditCandidates" >> beam.combiners.Top.PerKey(max(per_reason, 1), key=lambda d: d.id, reverse=True)
            | "AuditBySource" >> beam.Map(lambda kv: (kv[0][0], kv[1] if per_reason else []))
        )
        return (
            {
                "documents": processed.documents
                | "DocumentsBySource" >> beam.Map(lambda d: (d.source, document_to_row(d))),
                "counts": counts,
                "audit": audit,
                "rejects": read[REJECTS] | "RejectsBySource" >> beam.Map(lambda r: (r.source, r)),
            }
            | "GroupByFile" >> beam.CoGroupByKey()
            | "WriteFileResults" >> beam.ParDo(_WriteFileResultFn(self.directory, self.fingerprint))
        )


def write_audit(path: str, groups: list[tuple[str, list[DroppedDocument]]]) -> str:
    """Write ``audit.json`` from ``(reason, dropped documents)`` groups, sorted by reason and id."""
    from thresher.io.manifest import write_json_atomic

    audit = {
        reason: [d.to_dict() for d in sorted(docs, key=lambda d: d.id)] for reason, docs in sorted(groups)
    }
    write_json_atomic(path, audit)
    return path
