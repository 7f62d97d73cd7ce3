"""Phase-A results on disk: one piece per work unit, one committed result per input file.

An input file is read as one or more *work units* (byte ranges). Each unit writes a
*piece* into the file's result directory ``_work/phase_a/<key>/`` (see
:meth:`~thresher.run.layout.RunLayout.file_result`)::

    piece-00000-of-00003.documents.parquet   kept documents (DOCUMENT_SCHEMA)
    piece-00000-of-00003.rejects.parquet     input records that never became pages
    piece-00000-of-00003.json                the piece's marker, written last

and once every piece of a file exists, ``result.json`` commits the file: the file's
counters and audit candidates merged, and the piece files. A reader (the driver, tools)
trusts ``result.json`` only; pieces without it are the work of an unfinished run, reused
by a relaunch when their unit and fingerprint match, and written again otherwise.
"""

from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from thresher.io import storage
from thresher.record import DroppedDocument
from thresher.run.layout import FILE_RESULT, RunLayout
from thresher.stats import merge


@dataclass(frozen=True)
class WorkUnit:
    """One range of one input file: records whose offset is in ``[start, end)`` (``end`` None: to the end)."""

    source: str
    index: int
    count: int
    start: int = 0
    end: int | None = None

    @property
    def name(self) -> str:
        return f"piece-{self.index:05d}-of-{self.count:05d}"


@dataclass
class Piece:
    """What one work unit produced: its files (names within the result directory), counters, audit candidates."""

    unit: WorkUnit
    fingerprint: str
    documents_file: str
    rejects_file: str
    documents: int
    counters: dict[str, int]
    audit: list[dict[str, Any]] = field(default_factory=list)
    #: Why the whole file failed, by reject reason (the exception as one line): for the user, never counted.
    causes: dict[str, str] = field(default_factory=dict)
    #: With ``output.keep_dropped``: the piece's file in the run's ``dropped/`` dataset (None: no drop) and its rows.
    dropped_file: str | None = None
    dropped: int = 0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "unit": asdict(self.unit)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Piece":
        return cls(**{**data, "unit": WorkUnit(**data["unit"])})


def audit_order(doc: Mapping[str, Any] | DroppedDocument) -> tuple:
    """The one order audit samples are chosen by: smallest id, then where the record was."""
    if isinstance(doc, DroppedDocument):
        return doc.id, doc.source, doc.offset
    return doc["id"], doc["source"], doc["offset"]


def select_audit(candidates: Iterable[Mapping[str, Any]], per_reason: int) -> list[dict[str, Any]]:
    """Per drop reason, the ``per_reason`` first by :func:`audit_order`; sorted by reason, then that order.

    The selection of a union of such selections equals the selection of the whole: pieces,
    files and the run each keep their own, and the run's is what one global pass would keep.
    """
    by_reason: dict[str, list[Mapping[str, Any]]] = {}
    for item in candidates:
        by_reason.setdefault(item["reason"], []).append(item)
    chosen = []
    for reason in sorted(by_reason):
        chosen.extend(dict(d) for d in heapq.nsmallest(per_reason, by_reason[reason], key=audit_order))
    return chosen


class AuditCandidates:
    """Dropped documents a piece keeps for the audit: per reason the smallest, in bounded memory."""

    def __init__(self, per_reason: int) -> None:
        self.per_reason = per_reason
        self.by_reason: dict[str, list[DroppedDocument]] = {}

    def add(self, doc: DroppedDocument) -> None:
        if not self.per_reason:
            return
        kept = self.by_reason.setdefault(doc.reason, [])
        kept.append(doc)
        if len(kept) >= 4 * self.per_reason:  # trimmed now and then
            kept[:] = heapq.nsmallest(self.per_reason, kept, key=audit_order)

    def selected(self) -> list[dict[str, Any]]:
        return select_audit((d.to_dict() for docs in self.by_reason.values() for d in docs), self.per_reason)


def piece_marker(layout: RunLayout, unit: WorkUnit) -> str:
    return storage.join(layout.file_result(unit.source), f"{unit.name}.json")


def piece_file(layout: RunLayout, unit: WorkUnit, kind: str) -> str:
    return storage.join(layout.file_result(unit.source), f"{unit.name}.{kind}.parquet")


def write_piece(layout: RunLayout, piece: Piece) -> None:
    """The piece's marker, after its data files."""
    storage.write_json(piece_marker(layout, piece.unit), piece.to_json(), indent=None)


#: result.json's list of the file's dropped documents in the run's ``dropped/`` dataset (``output.keep_dropped``);
#: not ``dropped_files``, which names files of the result's own directory (the report reads those).
KEPT_DROPPED = "kept_dropped_files"


def commit_file(layout: RunLayout, source: str, fingerprint: str, pieces: Sequence[Piece], per_reason: int) -> None:
    """Write ``result.json`` for an input file whose every piece is done."""
    pieces = sorted(pieces, key=lambda p: p.unit.index)
    storage.write_json(
        storage.join(layout.file_result(source), FILE_RESULT),
        {
            "source": source,
            "fingerprint": fingerprint,
            "pieces": [p.unit.name for p in pieces],
            "documents_files": [p.documents_file for p in pieces],
            "rejects_files": [p.rejects_file for p in pieces],
            "documents": sum(p.documents for p in pieces),
            # merge, not a sum: distribution minima and maxima combine as min and max.
            "counters": merge(p.counters for p in pieces),
            "audit": select_audit((d for p in pieces for d in p.audit), per_reason),
            "causes": {reason: cause for p in reversed(pieces) for reason, cause in p.causes.items()},
            **_dropped_entry(pieces),
        },
        indent=None,
    )


def _dropped_entry(pieces: Sequence[Piece]) -> dict[str, Any]:
    """:data:`KEPT_DROPPED`: ``[name, rows]`` in the run's ``dropped/`` dataset (only when pieces wrote some)."""
    files = [[p.dropped_file, p.dropped] for p in pieces if p.dropped_file]
    return {KEPT_DROPPED: files} if files else {}


@dataclass(frozen=True)
class FileResult:
    """A committed phase-A result of one input file."""

    source: str
    directory: str
    data: Mapping[str, Any]

    @property
    def counters(self) -> dict[str, int]:
        return dict(self.data["counters"])

    @property
    def audit(self) -> list[dict[str, Any]]:
        return list(self.data["audit"])

    @property
    def documents(self) -> int:
        return int(self.data["documents"])

    def files(self, kind: str) -> list[str]:
        return [storage.join(self.directory, name) for name in self.data[f"{kind}_files"]]


def read_result(directory: str) -> FileResult | None:
    try:
        data = storage.read_json(storage.join(directory, FILE_RESULT))
    except (OSError, ValueError):
        return None
    return FileResult(data["source"], directory, data)


def completed_results(layout: RunLayout, fingerprint: str) -> dict[str, FileResult]:
    """``{source: result}`` of the run's input files already committed with this fingerprint."""
    done = {}
    for source in layout.input_files:
        result = read_result(layout.file_result(source))
        if result is not None and result.data.get("fingerprint") == fingerprint and result.source == source:
            done[source] = result
    return done


def finished_pieces(layout: RunLayout, unit: WorkUnit, fingerprint: str) -> Piece | None:
    """The piece of ``unit`` left by an earlier attempt, if it was made by the same unit and settings."""
    marker = piece_marker(layout, unit)
    try:
        piece = Piece.from_json(storage.read_json(marker))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return piece if piece.unit == unit and piece.fingerprint == fingerprint else None


def merged_counters(results: Iterable[FileResult]) -> dict[str, int]:
    return merge(result.counters for result in results)


def merged_audit(results: Iterable[FileResult], per_reason: int) -> dict[str, list[dict[str, Any]]]:
    """audit.json: per reason the run's ``per_reason`` first documents by :func:`audit_order`."""
    out: dict[str, list[dict[str, Any]]] = {}
    for item in select_audit((d for r in results for d in r.audit), per_reason):
        out.setdefault(item["reason"], []).append(item)
    return out
