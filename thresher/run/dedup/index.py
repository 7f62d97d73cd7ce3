"""Cross-run dedup over the Flow: drop what earlier runs' indexes hold (format: :mod:`thresher.stages.dedup.index`).

As joins, never a broadcast, since an index can outgrow any worker (the rule:
:mod:`thresher.stages.dedup.index_join`): light records' keys meet index rows on the key, and
the few hits meet the light records on id. Writing this run's index happens where the
documents are written (:mod:`thresher.run.dedup.apply`), from the same light records.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Iterable, Iterator, Sequence

from thresher.stages.dedup import index as dedup_index
from thresher.stages.dedup.index_join import NEAR_TAG, TABLE_OF, TEXT_TAG, URL_TAG, best_hit, hit_outcome, index_row_key, iter_index_rows, key_hits
from thresher.stages.dedup.stages import INDEX_STAGE
from thresher.engines.base import Flow, MapStep, Step, StepContext, Tagged
from thresher.run.dedup.light import Light, band_keys
from thresher.run.dedup.stages import REMOVED, by_id
from thresher.run.plan import DedupPlan


def index_files(plan: DedupPlan) -> list[tuple[str, str]]:
    """``(match kind, data file)`` of every index the run reads, each checked against the run's settings.

    Runs on the driver while the job is built: an index made with other settings is refused
    before any work.
    """
    matches = dedup_index.check_matches(plan.index_matches)
    metas = [dedup_index.open_index(path, plan.params, plan.index_normalization) for path in plan.index_read]
    return [(match, path) for match in matches for meta in metas for path in sorted(meta.table_files(TABLE_OF[match]))]


def _index_file_keys(item: tuple[str, str]) -> Iterator[tuple[tuple, str]]:
    match, path = item
    for row in iter_index_rows(path):
        yield index_row_key(match, row)


def _light_match_keys(light: Light, matches: Sequence[str]) -> Iterator[tuple[tuple, str]]:
    if "url" in matches:
        yield (URL_TAG, light.url_key), light.id
    if "text" in matches:
        yield (TEXT_TAG, light.text_key), light.id
    if "near" in matches:
        for band, band_hash in band_keys(light):
            yield (NEAR_TAG, band, band_hash), light.id


def _hits(joined: tuple[tuple, dict[str, Iterable[str]]]) -> Iterator[tuple[str, tuple]]:
    key, groups = joined
    return key_hits(key, groups["doc"], groups["index"])


class DropIndexed(Step):
    """``(id, {light, hit})`` -> light records of documents no index holds; a decision for the others."""

    outputs = (REMOVED,)
    stage = INDEX_STAGE

    def __init__(self, rank: int) -> None:
        self.rank = rank

    def process(self, batch: list[tuple[str, dict[str, Iterable[Any]]]], ctx: StepContext) -> Iterator[Any]:
        for doc_id, groups in batch:
            hit = best_hit(groups["hit"])
            for light in groups["light"]:
                if hit is None:
                    yield light
                else:
                    reason, indexed_id = hit_outcome(hit)
                    yield Tagged(REMOVED, (light.id, (self.rank, reason, indexed_id or "")))


def drop_indexed(flow: Flow, light: Any, plan: DedupPlan, rank: int) -> tuple[Any, Any]:
    """``(light records of documents no index holds, decisions for the rest)``."""
    files = index_files(plan)
    index_keys = flow.apply("IndexKeys", flow.create("IndexFiles", files), MapStep(_index_file_keys, INDEX_STAGE))
    doc_keys = flow.apply(
        "LightIndexKeys", light, MapStep(partial(_light_match_keys, matches=tuple(plan.index_matches)), INDEX_STAGE)
    )
    hits = flow.apply("IndexHits", flow.cogroup("JoinIndex", {"doc": doc_keys, "index": index_keys}), MapStep(_hits, INDEX_STAGE))
    light_by_id = flow.apply("IndexLightById", light, MapStep(by_id, INDEX_STAGE))
    result = flow.apply("DropIndexed", flow.cogroup("JoinHits", {"light": light_by_id, "hit": hits}), DropIndexed(rank))
    return result.main, result[REMOVED]
