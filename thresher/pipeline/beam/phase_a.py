"""Phase A on Beam: WARC files → pages → URL filter → extraction, language ID, quality filters."""

from __future__ import annotations

from typing import Iterable, Iterator

import apache_beam as beam

from thresher.io.warc import HtmlPage, WarcReadOptions, iter_html_pages
from thresher.pipeline.beam.metrics import BeamStats
from thresher.pipeline.config import PipelineConfig
from thresher.pipeline.stages import PageProcessor, UrlStage
from thresher.record import Document


class _ReadWarcFileFn(beam.DoFn):
    def __init__(self, options: WarcReadOptions) -> None:
        self.options = options

    def setup(self) -> None:
        self.stats = BeamStats()

    def process(self, path: str) -> Iterator[HtmlPage]:
        yield from iter_html_pages(path, self.stats, self.options)


class _UrlFilterFn(beam.DoFn):
    def __init__(self, config: PipelineConfig) -> None:
        self.config = config

    def setup(self) -> None:
        self.stage = UrlStage(self.config)
        self.stats = BeamStats()

    def process(self, page: HtmlPage) -> Iterator[HtmlPage]:
        if self.stage.keep(page, self.stats):
            yield page


class _ProcessPageFn(beam.DoFn):
    """Extraction → language ID → filters; the fastText model loads once per worker."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config

    def setup(self) -> None:
        self.processor = PageProcessor(self.config)
        self.processor.setup()
        self.stats = BeamStats()

    def process(self, page: HtmlPage) -> Iterator[Document]:
        doc = self.processor.process(page, self.stats)
        if doc is not None:
            yield doc


class ReadWarcPages(beam.PTransform):
    """Input paths → HTML pages, spread over workers after reading.

    Reading is ~1 % of the cost and extraction ~95 %, so pages are reshuffled
    right after the (sequential, per-file) read: one large WARC does not hold
    extraction to one worker.
    """

    def __init__(self, paths: Iterable[str], options: WarcReadOptions) -> None:
        super().__init__()
        self.paths = sorted(paths)
        self.options = options

    def expand(self, pbegin):
        return (
            pbegin
            | "InputPaths" >> beam.Create(self.paths)
            | "ReshufflePaths" >> beam.Reshuffle()
            | "ReadWarc" >> beam.ParDo(_ReadWarcFileFn(self.options))
        )


class FilterAndExtract(beam.PTransform):
    """HTML pages → kept documents: URL filter, then the per-page stages."""

    def __init__(self, config: PipelineConfig) -> None:
        super().__init__()
        self.config = config

    def expand(self, pages):
        return (
            pages
            | "UrlFilter" >> beam.ParDo(_UrlFilterFn(self.config))
            | "SpreadPages" >> beam.Reshuffle()
            | "ExtractLangIdFilter" >> beam.ParDo(_ProcessPageFn(self.config))
        )
