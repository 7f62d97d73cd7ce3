"""Where input records that did not become pages go: counters by reason, and a rejects sink.

Every record a reader meets leaves exactly one trace in the stats sink:
``read/forwarded``, ``read/skipped/<reason>`` or ``read/error/<reason>``, and
``read/records`` counts them all, so ``records == forwarded + skipped + errors``
holds per file. ``read/warning/<what>`` counts repairs on records that were
still forwarded (a malformed date), and ``read/non_html/<type>`` breaks
``read/skipped/non_html`` down by content type (pdf, image, script...); both
are outside that identity.

Skips by record type (``warcinfo``, ``request``, ``metadata``...) are the
archive's normal structure and only counted. Every other skip and every error
is also written to the :class:`RejectSink` with its provenance, so that no bad
record vanishes: it can be found again by file and offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from thresher.stats import StatsSink


class RejectSink(Protocol):
    """Engine-neutral destination of rejected input records (a list, a file, a Beam output)."""

    def reject(self, url: str, source: str, offset: int, reason: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Reject:
    url: str
    source: str
    offset: int
    #: The counter name without its ``read/`` prefix, e.g. ``error/truncated_record``.
    reason: str


class ListRejects:
    """Keeps rejects in memory: tests and small tools."""

    def __init__(self) -> None:
        self.items: list[Reject] = []

    def reject(self, url: str, source: str, offset: int, reason: str) -> None:
        self.items.append(Reject(url, source, offset, reason))

    def reasons(self) -> list[str]:
        return [item.reason for item in self.items]


class NullRejects:
    def reject(self, url: str, source: str, offset: int, reason: str) -> None:
        pass


def describe_cause(exc: BaseException, limit: int = 300) -> str:
    """An exception as one short line: its type and message."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ReadAccount:
    """Counts and rejects the records of one input file, keeping the read identity by construction."""

    def __init__(self, stats: StatsSink, rejects: RejectSink, source: str) -> None:
        self.stats = stats
        self.rejects = rejects
        self.source = source
        #: Records counted so far for this file (any outcome).
        self.records = 0

    def forwarded(self) -> None:
        self.records += 1
        self.stats.inc("read/records")
        self.stats.inc("read/forwarded")

    def skipped_structural(self, record_type: str) -> None:
        """A record that never carries a page (warcinfo, request...): counted, not rejected."""
        self.records += 1
        self.stats.inc("read/records")
        self.stats.inc(f"read/skipped/{record_type}")

    def skipped(self, reason: str, url: str = "", offset: int = -1) -> None:
        self._reject(f"skipped/{reason}", url, offset)

    def error(self, reason: str, url: str = "", offset: int = -1, cause: BaseException | None = None) -> None:
        """``cause``: the exception behind a whole-file error, kept (as one line) by sinks that keep causes."""
        self._reject(f"error/{reason}", url, offset)
        keep_cause = getattr(self.rejects, "cause", None)
        if cause is not None and keep_cause is not None:
            keep_cause(f"error/{reason}", describe_cause(cause))

    def outcome(self, kind_and_reason: str, url: str = "", offset: int = -1) -> None:
        """Record ``"skipped/<reason>"`` or ``"error/<reason>"`` as produced by a classifier."""
        self._reject(kind_and_reason, url, offset)

    def warning(self, what: str) -> None:
        self.stats.inc(f"read/warning/{what}")

    def _reject(self, kind_and_reason: str, url: str, offset: int) -> None:
        self.records += 1
        self.stats.inc("read/records")
        kind, reason, detail = (kind_and_reason.split("/", 2) + [""])[:3]
        self.stats.inc(f"read/{kind}/{reason}")
        if detail:
            # ``skipped/non_html/pdf``: the identity counts ``read/skipped/non_html``; the
            # breakdown by type goes beside it, outside the identity, as ``read/non_html/pdf``.
            self.stats.inc(f"read/{reason}/{detail}")
        self.rejects.reject(url, self.source, offset, kind_and_reason)
