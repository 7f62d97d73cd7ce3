"""RefinedWeb's URL filter: a domain blocklist plus a URL word score.

Penedo et al. 2023 (RefinedWeb), section G.1. In order:

1. ``curated_source`` -- with ``exclude_curated=True``, URLs of curated sources
   (Wikipedia, arXiv, GitHub...; ``curated_sources_file``) are dropped, so the
   web crawl does not duplicate data added from their own dumps.
2. The allow-list (``allowlist_file``): a host that is, or is a subdomain of,
   a listed domain is kept without further checks.
3. ``blocklisted_domain`` -- the host or any of its parent domains
   (``a.b.example.com``, ``b.example.com``, ``example.com``, ``com``) is listed
   in ``blocklist_file``.
4. ``banned_url_word`` -- a *strict* word occurs anywhere in the URL once it is
   lower-cased and stripped of everything but letters and digits (so
   ``best-casino`` and ``p.o.r.n`` both hit), or a *hard* word occurs as a
   whole word (the URL split on non-alphanumerics).
5. ``soft_url_words`` -- at least ``soft_word_threshold`` different *soft*
   words occur as whole words.

The URL is percent-decoded before the word checks. Lists are files (one entry a
line, ``#`` comments, see :func:`thresher.stages.filters._lists.read_list`); the
defaults in ``thresher/resources/url_filter/`` are small examples meant to be
replaced. A ``None`` path switches that list off. An empty URL is kept.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from thresher.errors import ConfigError
from thresher.stages.filters._lists import read_list, resource_path
from thresher.stages.filters.base import DocumentFilter
from thresher.record import Document

DEFAULT_BLOCKLIST = resource_path("url_filter", "blocklist_domains.txt")
DEFAULT_ALLOWLIST = resource_path("url_filter", "allowlist_domains.txt")
DEFAULT_STRICT_WORDS = resource_path("url_filter", "strict_words.txt")
DEFAULT_HARD_WORDS = resource_path("url_filter", "hard_words.txt")
DEFAULT_SOFT_WORDS = resource_path("url_filter", "soft_words.txt")
DEFAULT_CURATED_SOURCES = resource_path("url_filter", "curated_sources.txt")

_AUTHORITY = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.\-]*:)?//([^/?#\\]*)")
_NO_SCHEME = re.compile(r"^\s*([^/?#\\\s]*)")
_NON_ALNUM = re.compile(r"[\W_]+")
_MAX_HOST = 253


def url_host(url: str) -> str:
    """The lower-cased host of ``url`` (no user info, port or trailing dot).

    Works on schemeless URLs (``example.com/page``) and never raises; returns
    ``""`` when there is no host.
    """
    m = _AUTHORITY.match(url)
    if m is None:
        if "://" in url[:32] or url.startswith("/"):
            return ""
        m = _NO_SCHEME.match(url)
        if m is None:  # pragma: no cover - the pattern always matches
            return ""
    netloc = m.group(1).rpartition("@")[2]
    if netloc.startswith("["):  # IPv6 literal
        host = netloc[1:].partition("]")[0]
    else:
        host = netloc.partition(":")[0]
    host = host.strip().rstrip(".").lower()
    if len(host) > _MAX_HOST:
        host = host[-_MAX_HOST:]
    return host


def _host_forms(host: str) -> tuple[str, ...]:
    """The host, plus its punycode form when it has non-ASCII labels."""
    if host.isascii():
        return (host,)
    try:
        return (host, host.encode("idna").decode("ascii"))
    except (UnicodeError, ValueError):
        return (host,)


def domain_suffixes(host: str):
    """``a.b.c`` -> ``a.b.c``, ``b.c``, ``c``."""
    yield host
    i = host.find(".")
    while i != -1:
        yield host[i + 1 :]
        i = host.find(".", i + 1)


def _matches_domain(host: str, domains: frozenset[str]) -> bool:
    if not host or not domains:
        return False
    for form in _host_forms(host):
        for suffix in domain_suffixes(form):
            if suffix in domains:
                return True
    return False


def _read_domains(path: str | None, what: str) -> frozenset[str]:
    if path is None:
        return frozenset()
    out = set()
    for entry in read_list(path, what=what):
        if "://" in entry or "/" in entry:
            entry = url_host(entry)
        entry = entry.lstrip("*").strip(".")
        if entry:
            out.add(entry)
    return frozenset(out)


class URLFilter(DocumentFilter):
    name = "url"

    def __init__(
        self,
        blocklist_file: str | None = DEFAULT_BLOCKLIST,
        allowlist_file: str | None = DEFAULT_ALLOWLIST,
        strict_words_file: str | None = DEFAULT_STRICT_WORDS,
        hard_words_file: str | None = DEFAULT_HARD_WORDS,
        soft_words_file: str | None = DEFAULT_SOFT_WORDS,
        soft_word_threshold: int | None = 2,
        exclude_curated: bool = False,
        curated_sources_file: str | None = DEFAULT_CURATED_SOURCES,
        record_signals: bool = False,
    ) -> None:
        if soft_word_threshold is not None and soft_word_threshold < 1:
            raise ConfigError(f"filter 'url': soft_word_threshold must be at least 1 (or None), got {soft_word_threshold}")
        self.blocklist = _read_domains(blocklist_file, "URL blocklist")
        self.allowlist = _read_domains(allowlist_file, "URL allow-list")
        self.curated = _read_domains(curated_sources_file, "curated sources") if exclude_curated else frozenset()
        strict = read_list(strict_words_file, what="strict URL words") if strict_words_file else []
        strict = sorted({_NON_ALNUM.sub("", w) for w in strict} - {""}, key=len, reverse=True)
        self.strict_words = tuple(strict)
        self._strict_re = re.compile("|".join(map(re.escape, strict))) if strict else None
        self.hard_words = frozenset(read_list(hard_words_file, what="hard URL words")) if hard_words_file else frozenset()
        self.soft_words = frozenset(read_list(soft_words_file, what="soft URL words")) if soft_words_file else frozenset()
        self.soft_word_threshold = soft_word_threshold
        self.exclude_curated = exclude_curated
        self.record_signals = record_signals

    def check_url(self, url: str) -> str | None:
        """``None`` to keep ``url``, else the drop reason."""
        if not url:
            return None
        host = url_host(url)
        if self.curated and _matches_domain(host, self.curated):
            return "curated_source"
        if self.allowlist and _matches_domain(host, self.allowlist):
            return None
        if self.blocklist and _matches_domain(host, self.blocklist):
            return "blocklisted_domain"
        lowered = unquote(url, errors="replace").lower()
        if self._strict_re is not None and self._strict_re.search(_NON_ALNUM.sub("", lowered)):
            return "banned_url_word"
        if self.hard_words or self.soft_words:
            words = set(_NON_ALNUM.split(lowered))
            if not self.hard_words.isdisjoint(words):
                return "banned_url_word"
            if self.soft_word_threshold is not None and self.soft_words:
                n_soft = len(self.soft_words.intersection(words))
                if n_soft >= self.soft_word_threshold:
                    return "soft_url_words"
        return None

    def filter(self, doc: Document) -> str | None:
        return self.check_url(doc.url)
