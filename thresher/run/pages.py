"""Phase A's stages composed, engine-neutral: a page in, a document (or a counted drop) out.

Beam and Spark wrap :class:`PageProcessor` in a thin layer; it never knows
which engine runs it. Every page that enters leaves exactly one trace:
``<stage>/kept`` at the end, or one ``<stage>/dropped/<reason>``.
"""

from __future__ import annotations

from thresher.stages.extract import build_extractor
from thresher.stages.extract.base import Extraction, ExtractionBoundHit
from thresher.stages.filters.base import DocumentFilter
from thresher.stages.filters.registry import apply_filters, build_filter
from thresher.io.charset import decode_html
from thresher.io.pages import HtmlPage, TextPage
from thresher.stages.langid.fasttext_lid import LanguagePrediction
from thresher.stages.langid.language_filter import LanguageFilter
from thresher.run.plan import PagePlan
from thresher.record import Document, DroppedDocument
from thresher.stats import StatsSink, dropped, stage_timer


def build_quality_filters(pages: PagePlan) -> list[DocumentFilter]:
    filters = []
    for name, params in pages.filters:
        filters.append(build_filter(name, dict(params)))
        # Signals feed the audit sample of dropped documents; kept documents
        # lose them unless output.keep_signals is set.
        filters[-1].record_signals = True
    return filters


class UrlStage:
    """The URL filter over pages, before any parsing (it is the cheapest cut)."""

    name = "url_filter"

    def __init__(self, pages: PagePlan) -> None:
        self.url_filter = build_filter("url", dict(pages.url_filter)) if pages.url_filter is not None else None

    def check(self, page: HtmlPage | TextPage, stats: StatsSink) -> DroppedDocument | None:
        """None to keep the page, else the record of its drop."""
        if self.url_filter is None:
            return None
        stats.inc(f"{self.name}/in")
        reason = self.url_filter.check_url(page.url)
        if reason is not None:
            stats.inc(dropped(self.name, reason))
            return _dropped_page(page, f"{self.name}/{reason}")
        stats.inc(f"{self.name}/kept")
        return None


class PageProcessor:
    """Extraction → language ID → quality filters, over one page at a time.

    ``setup()`` loads the models; engines call it once per worker.
    """

    def __init__(self, pages: PagePlan) -> None:
        self.keep_signals = pages.keep_signals
        self.extractor = build_extractor(pages.extractor, dict(pages.extract_params), pages.extract_profile,
                                         language_gate=pages.language_gate)
        self.language_filter = LanguageFilter(**pages.langid) if pages.langid is not None else None
        self.filters = build_quality_filters(pages)

    def setup(self) -> None:
        if self.language_filter is not None:
            self.language_filter.load()

    def close(self) -> None:
        """Stop the extractor's worker process (engines call it at teardown)."""
        close = getattr(self.extractor, "close", None)
        if close is not None:
            close()

    def process(self, page: HtmlPage | TextPage, stats: StatsSink) -> Document | DroppedDocument:
        doc, prediction = self._extract(page, stats)
        if isinstance(doc, DroppedDocument):
            return doc
        if self.language_filter is not None:
            stats.inc("langid/in")
            stats.inc("langid/chars_in", len(doc.text))
            with stage_timer(stats, "langid"):
                # The language gate's prediction is for this very text, by this stage's model.
                reason = self.language_filter.filter(doc, prediction)
            if reason is not None:
                stats.inc(dropped("langid", reason))
                return _dropped_document(doc, f"langid/{reason}")
            stats.inc("langid/kept")
            stats.inc("langid/chars_kept", len(doc.text))
            stats.observe("langid/text_chars", len(doc.text))
            if doc.language_score is not None:
                stats.observe("langid/score_permille", round(doc.language_score * 1000))
        reason = apply_filters(self.filters, doc, stats)
        if reason is not None:
            return _dropped_document(doc, f"filters/{reason}")
        if not self.keep_signals:
            doc.signals = {}
        return doc

    def _extract_text(self, page: HtmlPage | TextPage, stats: StatsSink) -> tuple[Extraction | None, str | None]:
        """The page's extraction and ``None``, or ``None`` and the drop reason."""
        if isinstance(page, TextPage):
            # WET records and pre-extracted corpora: the text is the main text already.
            result = Extraction(page.text, PRE_EXTRACTED)
        else:
            html, _charset = decode_html(page.body, page.http_charset)

            def child_cpu(seconds: float) -> None:
                stats.inc("extract/cpu_us", int(seconds * 1e6))

            try:
                result = self.extractor.extract_labelled(html, page.url, child_cpu=child_cpu)
            except ExtractionBoundHit as exc:  # too large, too slow, or the extractor died
                return None, exc.reason
            except Exception:  # noqa: BLE001 - a broken page must never stop the run
                return None, "extractor_error"
        if not result.text or not result.text.strip():
            return None, "no_main_text"
        return result, None

    def _extract(
        self, page: HtmlPage | TextPage, stats: StatsSink
    ) -> tuple[Document | DroppedDocument, LanguagePrediction | None]:
        """The page's document (or its drop) and the language gate's prediction for its text, if it made one."""
        stats.inc("extract/in")
        with stage_timer(stats, "extract"):
            # The timer takes this thread's CPU (decoding, pickling the page for the
            # extraction worker); the worker's own CPU comes back with each page.
            result, reason = self._extract_text(page, stats)
        if reason is not None:
            stats.inc(dropped("extract", reason))
            return _dropped_page(page, f"extract/{reason}"), None
        text = result.text
        stats.inc("extract/kept")
        # Which library's text each kept page carries (the combined extractor chooses per page).
        stats.inc(f"extract/by/{result.extractor}")
        if result.gated_language is not None:
            # trafilatura skipped: the language stage drops this page for its language.
            stats.inc(f"extract/language_gated/{result.gated_language}")
        stats.inc("extract/chars_kept", len(text))
        stats.observe("extract/text_chars", len(text))
        doc = Document(
            id=page.document_id,
            url=page.url,
            text=text,
            crawl_date=page.crawl_date,
            source=page.source,
            offset=page.offset,
            record_id=page.record_id,
            signals={f"extract.by.{result.extractor}": 1.0, **result.signals},
            fields=dict(page.fields) if isinstance(page, TextPage) and page.fields else {},
        )
        return doc, result.gate_prediction


#: The extractor name of pages that arrive as text (WET records, pre-extracted corpora).
PRE_EXTRACTED = "pre_extracted"
_SNIPPET_CHARS = 400


def _dropped_page(page: HtmlPage | TextPage, reason: str) -> DroppedDocument:
    return DroppedDocument(
        reason=reason,
        url=page.url,
        id=page.document_id,
        source=page.source,
        offset=page.offset,
        dropped=page,
    )


def _dropped_document(doc: Document, reason: str) -> DroppedDocument:
    return DroppedDocument(
        reason=reason,
        url=doc.url,
        id=doc.id,
        source=doc.source,
        offset=doc.offset,
        snippet=doc.text[:_SNIPPET_CHARS],
        signals=dict(doc.signals),
        dropped=doc,
    )
