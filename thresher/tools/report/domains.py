"""Documents per domain: kept (with tokens), dropped (with reasons), and records rejected before the stages.

A domain here is the URL's host name, lower-cased, without a port or a leading ``www.``: close
to what a person means by "the site", without a public-suffix list (which would have to be
downloaded or vendored).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import urlsplit

NO_HOST = "(no host)"


def domain_of(url: str) -> str:
    """``https://www.Example.org:8080/a`` → ``example.org``; :data:`NO_HOST` when the URL has none."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # e.g. an unbalanced "[" in the netloc
        host = None
    if not host:
        return NO_HOST
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") and len(host) > 4 else host


@dataclass(frozen=True)
class DomainRow:
    domain: str
    kept: int
    kept_tokens: int
    dropped: int
    #: reason → documents, most frequent first.
    reasons: tuple[tuple[str, int], ...]

    @property
    def drop_share(self) -> float:
        """Dropped documents as a share of this domain's kept and dropped ones."""
        seen = self.kept + self.dropped
        return self.dropped / seen if seen else 0.0


@dataclass
class DomainCounts:
    kept: Counter = field(default_factory=Counter)
    kept_tokens: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    dropped_reasons: dict[str, Counter] = field(default_factory=dict)
    rejected: Counter = field(default_factory=Counter)
    rejected_reasons: dict[str, Counter] = field(default_factory=dict)

    def add_kept(self, urls: Iterable[str], tokens: Iterable[int]) -> None:
        for url, count in zip(urls, tokens):
            domain = domain_of(url)
            self.kept[domain] += 1
            self.kept_tokens[domain] += count

    def add_dropped(self, url: str, reason: str) -> None:
        domain = domain_of(url)
        self.dropped[domain] += 1
        self.dropped_reasons.setdefault(domain, Counter())[reason] += 1

    def add_rejected(self, url: str, reason: str) -> None:
        domain = domain_of(url)
        self.rejected[domain] += 1
        self.rejected_reasons.setdefault(domain, Counter())[reason] += 1

    def _row(self, domain: str, dropped: Counter, reasons: dict[str, Counter]) -> DomainRow:
        ordered = sorted((reasons.get(domain) or Counter()).items(), key=lambda kv: (-kv[1], kv[0]))
        return DomainRow(domain, self.kept[domain], self.kept_tokens[domain], dropped[domain], tuple(ordered))

    def top_kept(self, n: int) -> list[DomainRow]:
        """The ``n`` domains with the most kept documents (ties by name)."""
        return [self._row(d, self.dropped, self.dropped_reasons) for d in _top(self.kept, n)]

    def top_dropped(self, n: int) -> list[DomainRow]:
        return [self._row(d, self.dropped, self.dropped_reasons) for d in _top(self.dropped, n)]

    def top_rejected(self, n: int) -> list[DomainRow]:
        return [self._row(d, self.rejected, self.rejected_reasons) for d in _top(self.rejected, n)]


def _top(counts: Counter, n: int) -> list[str]:
    return [domain for domain, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
