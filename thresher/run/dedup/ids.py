"""The ``dedup_id`` stage: documents that share an id the input gave, the first keeps it.

Runs first, and only when some input may carry its own ids (``input.id_field`` over JSONL or
Parquet rows): every later stage, and the join of decisions with documents, needs one document per
id. Of the documents sharing an id, the first in input order (file, then row) is kept; each other
is removed with reason ``duplicate_id`` and ``duplicate_of`` its own id, and counted as
``dedup_id/dropped/duplicate_id``.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from thresher.engines.base import Flow, MapStep, Step, StepContext, Tagged
from thresher.run.dedup.light import Light, location
from thresher.run.dedup.stages import REMOVED

ID_STAGE, ID_REASON = "dedup_id", "duplicate_id"


def by_id(light: Light) -> Iterator[tuple[str, Light]]:
    yield light.id, light


class KeepFirstOfId(Step):
    """``(id, light records)`` -> the first by location (main), a removal decision for each other one."""

    outputs = (REMOVED,)
    stage = ID_STAGE

    def __init__(self, rank: int) -> None:
        self.rank = rank

    def process(self, batch: list[tuple[str, Iterable[Light]]], ctx: StepContext) -> Iterator[Any]:
        for doc_id, records in batch:
            first = min(location(r) for r in records)
            emitted = False
            for record in records:
                if not emitted and location(record) == first:
                    emitted = True
                    yield record
                else:
                    yield Tagged(REMOVED, (doc_id, (self.rank, ID_REASON, doc_id)))


def keep_first_of_each_id(flow: Flow, light: Any, rank: int) -> tuple[Any, Any]:
    """``(light records with unique ids, removal decisions)``."""
    grouped = flow.group("GroupById", flow.apply("ById", light, MapStep(by_id, ID_STAGE)))
    result = flow.apply("KeepFirstOfId", grouped, KeepFirstOfId(rank))
    return result.main, result[REMOVED]


def pair_with_records(decisions: list[Any], count: int, id_rank: int | None) -> list[Any]:
    """The decision of each of ``count`` records sharing an id, in their file order.

    With the ``dedup_id`` stage (rank ``id_rank``) the first record is the one it kept: it takes the
    one decision of a later stage, if any; the others take ``dedup_id``'s. Otherwise (the same record
    read twice) records pair off with the decisions in order, smallest first.
    """
    decisions = sorted(decisions)
    if id_rank is None or count < 2:
        return decisions
    own = [d for d in decisions if d[0] != id_rank]
    return [own[0] if own else None] + [d for d in decisions if d[0] == id_rank]
