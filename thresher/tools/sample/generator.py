"""Writes the deterministic sample crawl: a WARC file and its ground truth.

The same ``(pages, seed)`` always give byte-identical files: every random choice
comes from ``random.Random`` seeded with strings derived from ``seed`` (string
seeds are hashed with SHA-512, independent of PYTHONHASHSEED), dates are derived
from the seed, and record ids from a hash of seed, position and URL.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from thresher.tools.sample import assets, compose
from thresher.tools.sample.compose import Article
from thresher.tools.sample.corpus import LanguageCorpus, load_corpora
from thresher.tools.sample.pages import Comment, PageView, error_page, link_list_html, paragraphs_html, render_page
from thresher.tools.sample.sites import (
    SPAM_WORDS, Site, asset_url, blocklisted_site, make_sites, page_url, spam_site,
)
from thresher.tools.sample.truth import (
    EXACT_DUPLICATE, GOOD, LOW_QUALITY, LOW_QUALITY_KINDS, NEAR_DUPLICATE, SPAM_URL,
    OtherRecord, PlantedPage, SampleTruth, truth_path_for,
)
from thresher.tools.sample.warc_writer import WarcWriter, record_id

# Share of pages per language (the rest of the mix is whatever rounding leaves to English).
LANGUAGE_WEIGHTS = {"en": 0.28, "de": 0.12, "fr": 0.12, "es": 0.12, "ru": 0.12, "ja": 0.12, "zh": 0.12}
# Legacy charsets, declared only inside the page, and the languages written in them.
LEGACY_CHARSETS = {
    "windows-1252": ("en", "de", "fr", "es"),
    "shift_jis": ("ja",),
    "windows-1251": ("ru",),
    "gbk": ("zh",),
}
# How each charset is spelled in <meta> (labels are case-insensitive; these are the usual ones).
CHARSET_LABELS = {"utf-8": "utf-8", "windows-1252": "windows-1252", "shift_jis": "Shift_JIS",
                  "windows-1251": "windows-1251", "gbk": "GBK"}
# Non-page responses: (kind, share of pages, minimum). Kind is a Content-Type or a status.
OTHER_RESPONSES = (
    ("image/png", 0.025, 3),
    ("application/pdf", 0.006, 1),
    ("text/css", 0.015, 2),
    ("application/javascript", 0.015, 2),
    ("404", 0.02, 2),
    ("301", 0.02, 2),
    ("500", 0.007, 1),
)
STATUS_REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 500: "Internal Server Error"}
USER_AGENT = "ThresherSampleBot/1.0 (+https://thresher.invalid/bot)"
PAGES_PER_SITE = 12


def _share(pages: int, fraction: float, minimum: int) -> int:
    """``fraction`` of ``pages``, but at least ``minimum`` once the crawl is big enough for it."""
    return max(round(pages * fraction), minimum if pages >= 50 else 0)


def plan_counts(pages: int) -> dict[str, int]:
    """How many pages of each category/kind a crawl of ``pages`` pages plants."""
    counts = {
        "exact_duplicate": _share(pages, 0.04, 3),
        "near_duplicate": _share(pages, 0.04, 3),
        "spam_word": _share(pages, 0.025, 2),
        "blocklisted_domain": _share(pages, 0.025, 2),
    }
    for kind in LOW_QUALITY_KINDS:
        counts[kind] = _share(pages, 0.025, 2)
    counts["good"] = pages - sum(counts.values())
    if counts["good"] < (pages + 1) // 2:  # tiny crawls: all good
        counts = {name: 0 for name in counts} | {"good": pages}
    return counts


def legacy_counts(pages: int) -> dict[str, int]:
    """How many good pages are written in each legacy charset."""
    return {
        "windows-1252": _share(pages, 0.02, 3),
        "shift_jis": _share(pages, 0.012, 3),
        "windows-1251": _share(pages, 0.008, 2),
        "gbk": _share(pages, 0.008, 2),
    }


@dataclass(eq=False)
class _Page:
    """A planned HTML page before it is rendered."""

    truth: PlantedPage
    corpus: LanguageCorpus
    site: Site
    title: str
    main_html: str
    main_text: str
    date: tuple[int, int, int]
    article: Article | None = None
    original: "_Page | None" = None


@dataclass(eq=False)
class _Fetch:
    """One HTTP exchange to write: request, response and maybe a metadata record."""

    url: str
    status: int
    content_type: str
    body: bytes
    server: str
    language: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    page: _Page | None = None
    other_kind: str | None = None
    with_metadata: bool = False


class _Planner:
    """Decides every page of the crawl; all randomness flows from ``seed``."""

    def __init__(self, pages: int, seed: int) -> None:
        self.pages = pages
        self.seed = seed
        self.rng = random.Random(f"thresher-sample:{seed}:plan")
        self.text_rng = random.Random(f"thresher-sample:{seed}:text")
        self.corpora = load_corpora()
        self.taken_domains: set[str] = set()
        self.sites = self._make_sites()
        self.serial = 1000
        self.planned: list[_Page] = []
        self.blocklisted_domains: list[str] = []

    def _make_sites(self) -> dict[str, list[Site]]:
        sites = {}
        for code, corpus in self.corpora.items():
            expected = self.pages * LANGUAGE_WEIGHTS[code]
            sites[code] = make_sites(corpus, max(3, round(expected / PAGES_PER_SITE)), self.rng,
                                     self.taken_domains)
        return sites

    def _language(self) -> str:
        codes = list(LANGUAGE_WEIGHTS)
        return self.rng.choices(codes, weights=[LANGUAGE_WEIGHTS[c] for c in codes])[0]

    def _date(self) -> tuple[int, int, int]:
        return (self.rng.randint(2019, 2023), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def _next_serial(self) -> int:
        self.serial += self.rng.randint(1, 9)
        return self.serial

    def _add(self, corpus: LanguageCorpus, site: Site, category: str, title: str, main_html: str,
             main_text: str, charset: str = "utf-8", kind: str | None = None, topic: str | None = None,
             article: Article | None = None, original: _Page | None = None) -> _Page:
        date = self._date()
        section = corpus.topics[topic].label if topic else corpus.boilerplate.nav[1]
        url = page_url(site, section, title, self._next_serial(), date)
        if charset == "utf-8":
            declared = self.rng.choices(("header+meta", "meta", "header"), weights=(2, 1, 1))[0]
        else:
            declared = "meta"  # legacy charsets are only ever declared inside the page
        words = len(main_text.split()) if corpus.spaced else len("".join(main_text.split()))
        truth = PlantedPage(
            url=url, record_id="", language=corpus.code, charset=charset, charset_declared_in=declared,
            category=category, kind=kind, topic=topic, title=title,
            text_sha1=hashlib.sha1(main_text.encode("utf-8")).hexdigest(), words=words, domain=site.domain,
        )
        page = _Page(truth, corpus, site, title, main_html, main_text, date, article, original)
        self.planned.append(page)
        return page

    def _add_article(self, corpus: LanguageCorpus, site: Site, category: str, article: Article,
                     charset: str = "utf-8", **extra) -> _Page:
        return self._add(corpus, site, category, article.title, paragraphs_html(article.paragraphs),
                         article.main_text, charset=charset, topic=article.topic, article=article, **extra)

    def _legacy_article(self, corpus: LanguageCorpus, charset: str) -> Article:
        """An article whose bytes in ``charset`` exist and differ from latin-1 and utf-8."""
        for _ in range(200):
            article = compose.compose_article(corpus, self.text_rng)
            try:
                encoded = article.main_text.encode(charset)
            except UnicodeEncodeError:
                continue
            # windows-1252 must use its own 0x80-0x9F block (curly quotes, €, …) to differ from latin-1.
            if charset != "windows-1252" or any(0x80 <= b <= 0x9F for b in encoded):
                return article
        raise RuntimeError(f"no {charset} article found for {corpus.code}")

    def plan(self) -> None:
        counts = plan_counts(self.pages)
        legacy = legacy_counts(self.pages)
        good_left = counts["good"]
        for charset, number in legacy.items():
            for _ in range(min(number, good_left)):
                corpus = self.corpora[self.rng.choice(LEGACY_CHARSETS[charset])]
                site = self.rng.choice(self.sites[corpus.code])
                self._add_article(corpus, site, GOOD, self._legacy_article(corpus, charset), charset=charset)
                good_left -= 1
        for _ in range(good_left):
            corpus = self.corpora[self._language()]
            article = compose.compose_article(corpus, self.text_rng)
            self._add_article(corpus, self.rng.choice(self.sites[corpus.code]), GOOD, article)
        self._plan_duplicates(counts)
        self._plan_spam(counts)
        self._plan_low_quality(counts)

    def _other_site(self, site: Site) -> Site:
        options = [s for s in self.sites[site.language] if s != site]
        return self.rng.choice(options or [site])

    def _plan_duplicates(self, counts: dict[str, int]) -> None:
        originals = [p for p in self.planned if p.truth.charset == "utf-8"]
        exact = self.rng.sample(originals, min(counts["exact_duplicate"], len(originals)))
        for original in exact:
            # Same main text, byte for byte, on another site (a scraper or a syndication partner).
            copy = self._add_article(original.corpus, self._other_site(original.site), EXACT_DUPLICATE,
                                     original.article, original=original)
            copy.truth.duplicate_of = original.truth.url
        spaced = [p for p in originals if p.corpus.spaced and p not in exact]
        for original in self.rng.sample(spaced, min(counts["near_duplicate"], len(spaced))):
            article, similarity = compose.near_duplicate(original.article, original.corpus, self.text_rng)
            copy = self._add_article(original.corpus, self._other_site(original.site), NEAR_DUPLICATE,
                                     article, original=original)
            copy.truth.duplicate_of = original.truth.url
            copy.truth.similarity = round(similarity, 4)

    def _plan_spam(self, counts: dict[str, int]) -> None:
        for _ in range(counts["spam_word"]):
            corpus = self.corpora[self._language()]
            site, word = spam_site(corpus, self.rng, self.taken_domains)
            page = self._add_article(corpus, site, SPAM_URL, compose.compose_article(corpus, self.text_rng),
                                     kind="spam_word")
            page.truth.spam_word = word
        blocked: list[Site] = []
        for index in range(counts["blocklisted_domain"]):
            corpus = self.corpora[self._language()]
            # Two pages per blocklisted domain, as a blocklist names domains, not pages.
            if index % 2 == 0 or not blocked:
                blocked.append(blocklisted_site(corpus, self.rng, self.taken_domains))
            site = blocked[-1]
            corpus = self.corpora[site.language]
            self._add_article(corpus, site, SPAM_URL, compose.compose_article(corpus, self.text_rng),
                              kind="blocklisted_domain")
        self.blocklisted_domains = sorted(site.domain for site in blocked)

    def _plan_low_quality(self, counts: dict[str, int]) -> None:
        for kind in LOW_QUALITY_KINDS:
            for _ in range(counts[kind]):
                corpus = self.corpora[self._language()]
                site = self.rng.choice(self.sites[corpus.code])
                lq = corpus.low_quality
                joiner = " " if corpus.spaced else ""
                if kind == "link_list":
                    labels = compose.link_texts(corpus, self.text_rng, self.rng.randint(25, 50))
                    links = [(label, f"https://{self.rng.choice(self.sites[corpus.code]).host}/go/{i}")
                             for i, label in enumerate(labels)]
                    self._add(corpus, site, LOW_QUALITY, lq.link_list_heading,
                              link_list_html(lq.link_list_heading, links),
                              "\n".join([lq.link_list_heading, *labels]), kind=kind)
                    continue
                make = {"word_salad": compose.word_salad, "repeated_lines": compose.repeated_lines,
                        "too_short": compose.too_short}[kind]
                lines = make(corpus, self.text_rng)
                title = joiner.join(self.text_rng.sample(lq.salad_words, 3))
                title = title[:1].upper() + title[1:]
                self._add(corpus, site, LOW_QUALITY, title, paragraphs_html(lines),
                          "\n".join([title, *lines]), kind=kind)


class _Renderer:
    """Turns planned pages and extra resources into HTTP exchanges."""

    def __init__(self, planner: _Planner) -> None:
        self.p = planner
        self.rng = random.Random(f"thresher-sample:{planner.seed}:render")

    def _format_date(self, corpus: LanguageCorpus, date: tuple[int, int, int]) -> str:
        bp = corpus.boilerplate
        year, month, day = date
        return bp.date_pattern.format(day=day, month=bp.date_months[month - 1], year=year)

    def page_fetch(self, page: _Page, by_site: dict[str, list[_Page]]) -> _Fetch:
        corpus, site, truth = page.corpus, page.site, page.truth
        bp = corpus.boilerplate
        neighbours = [p for p in by_site[site.host] if p is not page]
        related = tuple((p.title, p.truth.url) for p in self.rng.sample(neighbours, min(4, len(neighbours))))
        comments = tuple(
            Comment(self.rng.choice(corpus.common_slots["person"]),
                    self._format_date(corpus, (page.date[0], page.date[1], min(28, page.date[2] + i))),
                    self.rng.choice(bp.comments))
            for i in range(self.rng.choice((0, 2, 3, 4, 5)))
        )
        topic_labels = tuple(t.label for t in corpus.topics.values())
        meta = None
        if "meta" in truth.charset_declared_in:
            meta = self.rng.choice(("meta-charset", "meta-charset", "http-equiv"))
        view = PageView(
            site=site, corpus=corpus, title=page.title, main_html=page.main_html,
            date=self._format_date(corpus, page.date), author=self.rng.choice(corpus.common_slots["person"]),
            section=corpus.topics[truth.topic].label if truth.topic else bp.nav[1], year=2024,
            image_url=asset_url(site, "image/png", self.rng.randint(1, 99), page.date)
            if self.rng.random() < 0.3 else None,
            related=related, comments=comments, ads=tuple(self.rng.sample(bp.ads, 2)),
            cookie_notice=self.rng.choice(bp.cookie_notices) if self.rng.random() < 0.7 else "",
            charset_meta=meta, charset=CHARSET_LABELS[truth.charset],
            extra_nav=tuple(self.rng.sample(topic_labels, 2)),
        )
        # Legacy pages must encode strictly: a character their charset lacks is a corpus bug.
        body = render_page(view).encode(truth.charset)
        if "header" in truth.charset_declared_in:
            content_type = self.rng.choice(("text/html; charset=UTF-8", "text/html; charset=utf-8"))
        else:
            content_type = "text/html"
        return _Fetch(truth.url, 200, content_type, body, site.server, corpus.code, page=page)

    def other_fetches(self) -> list[_Fetch]:
        fetches = []
        normal_sites = [s for sites in self.p.sites.values() for s in sites]
        good_urls = [p.truth.url for p in self.p.planned if p.truth.category == GOOD]
        for kind, fraction, minimum in OTHER_RESPONSES:
            for index in range(_share(self.p.pages, fraction, minimum)):
                site = self.rng.choice(normal_sites)
                corpus = self.p.corpora[site.language]
                bp = corpus.boilerplate
                date = self.p._date()
                serial = self.p._next_serial()
                headers: list[tuple[str, str]] = []
                if kind == "image/png":
                    body, status, ctype = assets.png_image(self.rng), 200, kind
                elif kind == "application/pdf":
                    body, status, ctype = assets.pdf_document(f"Brochure {date[0]} no. {serial}"), 200, kind
                elif kind == "text/css":
                    body, status, ctype = assets.stylesheet(self.rng), 200, "text/css"
                elif kind == "application/javascript":
                    body, status, ctype = assets.script(self.rng), 200, kind
                elif kind == "404":
                    body = error_page(corpus, bp.not_found_title, bp.not_found_text).encode("utf-8")
                    status, ctype = 404, "text/html; charset=utf-8"
                elif kind == "500":
                    body = error_page(corpus, bp.server_error_title, bp.server_error_text).encode("utf-8")
                    status, ctype = 500, "text/html; charset=utf-8"
                else:  # 301: the old http:// address of a page, moved to https://
                    target = self.rng.choice(good_urls) if good_urls else f"https://{site.host}/"
                    body = error_page(corpus, STATUS_REASONS[301], bp.moved_text).encode("utf-8")
                    status, ctype = 301, "text/html; charset=utf-8"
                    headers.append(("Location", target))
                    fetches.append(_Fetch("http://" + target.split("://", 1)[1], status, ctype, body,
                                          site.server, corpus.code, headers, other_kind=kind))
                    continue
                if status == 200:
                    url = asset_url(site, kind, serial, date)
                else:
                    url = f"https://{site.host}/old/page-{serial}.html"
                fetches.append(_Fetch(url, status, ctype, body, site.server, corpus.code, headers,
                                      other_kind=kind))
        return fetches


def _order(fetches: list[_Fetch], rng: random.Random) -> list[_Fetch]:
    """Shuffle the fetches, then put every duplicate somewhere after its original.

    Originals come first so that a dedup keeping the first-seen document keeps
    exactly the pages the truth calls good.
    """
    copies = [f for f in fetches if f.page is not None and f.page.original is not None]
    ordered = [f for f in fetches if f.page is None or f.page.original is None]
    rng.shuffle(ordered)
    position = {id(f.page): float(i) for i, f in enumerate(ordered) if f.page is not None}
    keyed = [(float(i), f) for i, f in enumerate(ordered)]
    for copy in copies:
        after = position[id(copy.page.original)]
        keyed.append((rng.uniform(after + 0.01, len(ordered)), copy))
    keyed.sort(key=lambda pair: pair[0])
    return [f for _, f in keyed]


def _http_response(fetch: _Fetch, when: datetime) -> bytes:
    reason = STATUS_REASONS[fetch.status]
    lines = [
        f"HTTP/1.1 {fetch.status} {reason}",
        f"Date: {format_datetime(when, usegmt=True)}",
        f"Server: {fetch.server}",
        f"Content-Type: {fetch.content_type}",
        f"Content-Length: {len(fetch.body)}",
    ]
    if fetch.status == 200:
        lines.append(f"Last-Modified: {format_datetime(when - timedelta(days=3, hours=5), usegmt=True)}")
        lines.append("Cache-Control: max-age=600")
    lines += [f"{k}: {v}" for k, v in fetch.headers]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + fetch.body


def _http_request(fetch: _Fetch) -> bytes:
    scheme_less = fetch.url.split("://", 1)[1]
    host, _, path = scheme_less.partition("/")
    return (
        f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        f"Accept-Language: {fetch.language},en;q=0.7\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    ).encode("utf-8")


def _ip_address(url: str) -> str:
    # Documentation ranges (RFC 5737): plausible, and never anybody's real host.
    digest = hashlib.sha1(url.split("/")[2].encode("utf-8")).digest()
    net = ("192.0.2", "198.51.100", "203.0.113")[digest[0] % 3]
    return f"{net}.{1 + digest[1] % 254}"


def _warc_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_sample_crawl(path: str | os.PathLike[str], pages: int = 300, seed: int = 0) -> SampleTruth:
    """Write a deterministic sample crawl of ``pages`` HTML pages to ``path`` (a .warc.gz).

    Beside it goes ``<path without .warc.gz>.truth.json``, the returned
    :class:`SampleTruth`: what each page is (good, duplicate, spam URL, low
    quality), its language and charset, and counts of the other records.
    """
    if pages < 1:
        raise ValueError("pages must be at least 1")
    planner = _Planner(pages, seed)
    planner.plan()
    renderer = _Renderer(planner)
    by_site: dict[str, list[_Page]] = {}
    for page in planner.planned:
        by_site.setdefault(page.site.host, []).append(page)
    fetches = [renderer.page_fetch(page, by_site) for page in planner.planned]
    fetches += renderer.other_fetches()
    order_rng = random.Random(f"thresher-sample:{seed}:order")
    fetches = _order(fetches, order_rng)
    for index in order_rng.sample(range(len(fetches)), min(len(fetches), _share(pages, 0.02, 3))):
        fetches[index].with_metadata = True

    clock = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(
        seconds=random.Random(f"thresher-sample:{seed}:clock").randrange(330 * 86400))
    truth = SampleTruth(seed=seed, pages=pages, warc_file=os.path.basename(os.fspath(path)),
                        spam_words=list(SPAM_WORDS), blocklisted_domains=planner.blocklisted_domains)
    tmp_path = os.fspath(path) + ".tmp"
    with open(tmp_path, "wb") as stream:
        writer = WarcWriter(stream)
        key = f"thresher-sample/{seed}/{pages}"
        info_id = record_id(f"{key}/warcinfo")
        info = (
            "software: thresher-sample/1.0\r\nformat: WARC File Format 1.0\r\n"
            "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/\r\n"
            f"isPartOf: thresher-sample-{seed}\r\n"
            f"description: Synthetic sample crawl ({pages} pages, seed {seed}) with planted "
            "duplicates, spam URLs and low-quality pages\r\nrobots: classic\r\n"
            f"http-header-user-agent: {USER_AGENT}\r\n"
        ).encode("utf-8")
        writer.write("warcinfo", info_id, _warc_date(clock), info, "application/warc-fields")
        truth.other_records.append(OtherRecord("warcinfo", "", info_id))
        for serial, fetch in enumerate(fetches):
            clock += timedelta(seconds=order_rng.randint(1, 4))
            when = _warc_date(clock)
            request_id = record_id(f"{key}/{serial}/request/{fetch.url}")
            response_id = record_id(f"{key}/{serial}/response/{fetch.url}")
            common = [("WARC-Target-URI", fetch.url), ("WARC-Warcinfo-ID", info_id)]
            writer.write("request", request_id, when, _http_request(fetch), "application/http; msgtype=request",
                         common + [("WARC-Concurrent-To", response_id)])
            writer.write("response", response_id, when, _http_response(fetch, clock),
                         "application/http; msgtype=response",
                         common + [("WARC-IP-Address", _ip_address(fetch.url)),
                                   ("WARC-Identified-Payload-Type", fetch.content_type.split(";")[0])],
                         payload=fetch.body)
            if fetch.page is not None:
                fetch.page.truth.record_id = response_id
                truth.planted_pages.append(fetch.page.truth)
            else:
                truth.other_records.append(
                    OtherRecord("response", fetch.url, response_id, fetch.status, fetch.content_type))
                if fetch.status == 200:
                    kind = fetch.content_type
                    truth.non_html_responses[kind] = truth.non_html_responses.get(kind, 0) + 1
                else:
                    code = str(fetch.status)
                    truth.non_200_responses[code] = truth.non_200_responses.get(code, 0) + 1
            if fetch.with_metadata:
                metadata_id = record_id(f"{key}/{serial}/metadata/{fetch.url}")
                block = (f"via: https://{fetch.url.split('/')[2]}/\r\nhopsFromSeed: L\r\n"
                         f"fetchTimeMs: {order_rng.randint(40, 900)}\r\n").encode("utf-8")
                writer.write("metadata", metadata_id, when, block, "application/warc-fields",
                             common + [("WARC-Concurrent-To", response_id)])
                truth.other_records.append(OtherRecord("metadata", fetch.url, metadata_id))
    os.replace(tmp_path, path)

    truth.record_counts = dict(sorted(writer.counts.items()))
    truth.non_html_responses = dict(sorted(truth.non_html_responses.items()))
    truth.non_200_responses = dict(sorted(truth.non_200_responses.items()))
    for page in truth.planted_pages:
        for counter, key in ((truth.category_counts, page.category), (truth.kind_counts, page.kind),
                             (truth.language_counts, page.language), (truth.charset_counts, page.charset)):
            if key is not None:
                counter[key] = counter.get(key, 0) + 1
    for counter in ("category_counts", "kind_counts", "language_counts", "charset_counts"):
        setattr(truth, counter, dict(sorted(getattr(truth, counter).items())))
    with open(truth_path_for(path), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(truth.to_json())
    return truth
