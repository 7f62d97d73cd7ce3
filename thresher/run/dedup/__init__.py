"""Dedup as a job over the Flow primitives: cross-run index, URL, exact and MinHash, then the outputs.

One plan for every engine. Each phase-A document file is read into light records where it lies
(:mod:`.light`); each stage groups light records and emits removal decisions
``(id, (rank, reason, kept id))`` (:mod:`.stages`, :mod:`.index`, :mod:`.components`); the
decisions meet the light records' positions on id and go to the files their documents are in,
and each file is read once more and written out, kept and removed apart (:mod:`.apply`). No
document text travels through a shuffle (with verification, only the texts of candidate pairs do).

Determinism: every key is built from content (never Python's ``hash``), every choice is a
minimum over ``(rule key, id)``, signatures are per-document pure functions: results do not
depend on batching, worker count, bundle or partition boundaries, or the engine.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from thresher.stages.dedup import index as dedup_index
from thresher.stages.dedup.components import candidate_edge_bound
from thresher.stages.dedup.stages import (
    EXACT_REASON,
    EXACT_STAGE,
    INDEX_STAGE,
    MINHASH_STAGE,
    URL_REASON,
    URL_STAGE,
)
from thresher.engines.base import Flow, MapStep, ToList
from thresher.run.dedup.apply import (
    INDEX_ROWS,
    ApplyToFile,
    CommitOutputs,
    RouteDecisions,
    WriteRecords,
    output_sinks,
    position,
)
from thresher.run.dedup.components import connected_components
from thresher.run.dedup.ids import ID_STAGE, keep_first_of_each_id
from thresher.run.dedup.index import drop_indexed
from thresher.run.dedup.light import LightRecords
from thresher.run.dedup.stages import (
    CLUSTER,
    REMOVED,
    ComponentDecisions,
    KeepOne,
    VerifyEdges,
    ReadTexts,
    attach_first_text,
    band_records,
    bucket_star_edges,
    by_text_key,
    by_url_key,
    edge_ends,
    file_by_number,
    member_of_component,
    sort_key_record,
    wanted_in_file,
)
from thresher.run.plan import DedupPlan


def stage_names(plan: DedupPlan) -> list[str]:
    """The dedup stages that run, in order; a stage's rank is its place here."""
    on = (
        (ID_STAGE, plan.unique_ids),
        (INDEX_STAGE, bool(plan.index_read)),
        (URL_STAGE, plan.url_keep is not None),
        (EXACT_STAGE, plan.exact_normalization is not None),
        (MINHASH_STAGE, plan.minhash),
    )
    return [stage for stage, enabled in on if enabled]


def _texts_of_candidates(flow: Flow, edges: Any, where: Any, files: Any, stage: str) -> Any:
    """``(id, text)`` of the documents on candidate edges, each read from its own file (not every text)."""
    ends = flow.apply("EdgeEnds", edges, MapStep(edge_ends, stage))
    wanted = flow.apply("WantedTexts", flow.cogroup("JoinEnds", {"end": ends, "where": where}),
                        MapStep(wanted_in_file, stage))
    return flow.apply("ReadTexts", flow.cogroup("WantedByFile", {"path": files, "want": wanted}), ReadTexts(stage))


def _minhash_decisions(flow: Flow, light: Any, where: Any, files: Any, plan: DedupPlan, rank: int,
                       documents: int | None) -> Any:
    stage, params = MINHASH_STAGE, plan.params
    keys = MapStep(partial(band_records, per_language=plan.per_language), stage)
    buckets = flow.group("GroupBuckets", flow.apply("BandKeys", light, keys))
    edges = flow.apply("StarEdges", buckets, MapStep(bucket_star_edges, stage))
    if plan.verify_threshold is not None:
        # Each edge meets one text by its first id, then the other by its second.
        edges = flow.cache(edges)
        texts = flow.cache(_texts_of_candidates(flow, edges, where, files, stage))
        halves = flow.apply(
            "AttachFirstText", flow.cogroup("JoinFirstText", {"edge": edges, "text": texts}),
            MapStep(attach_first_text, stage),
        )
        edges = flow.apply(
            "VerifyEdges", flow.cogroup("JoinSecondText", {"half": halves, "text": texts}),
            VerifyEdges(params, plan.verify_threshold, stage),
        )
    bound = None if documents is None else candidate_edge_bound(documents, params.bands)
    labels = connected_components(flow, edges, max_rounds=params.max_rounds, edge_bound=bound, stage=stage)
    sort_keys = flow.apply("KeepKeys", light, MapStep(sort_key_record, stage))
    members = flow.apply(
        "ByComponent", flow.cogroup("JoinLabels", {"label": labels, "sort_key": sort_keys}),
        MapStep(member_of_component, stage),
    )
    result = flow.apply("KeepPerComponent", flow.group("GroupComponents", members),
                        ComponentDecisions(stage, rank, sizes=plan.keep_cluster_size))
    return result.main, result[CLUSTER]


def dedup(flow: Flow, plan: DedupPlan, document_files: list[str], documents: int | None,
          documents_dir: str, duplicates_dir: str, clear_stale: bool = True) -> None:
    """The dedup job: phase-A documents in; kept and removed documents (and the index) written and committed.

    ``documents`` bounds the number of input documents when known (it sizes the candidate
    graph: a small one is labelled on one worker). ``clear_stale=False`` (a dry run, which only
    describes the job) leaves an earlier index marker and dropped marker alone.
    """
    if clear_stale and plan.index_write:
        # Before any work: a stale index.json at the target must not pass for this run's.
        dedup_index.make_dirs(plan.index_write)
        dedup_index.remove_meta(plan.index_write)
    if clear_stale:
        remove_dropped_marker(plan)
    numbered = list(enumerate(document_files))
    files = flow.apply("FileByNumber", flow.create("DocumentFiles", numbered), MapStep(file_by_number))
    stages = stage_names(plan)
    if not stages and not plan.index_write:
        removals = []
        index_rows = []
    else:
        light = flow.cache(flow.apply("LightRecords", flow.create("FilesToSign", numbered), LightRecords(plan)))
        where = flow.cache(flow.apply("Where", light, MapStep(partial(position, keep_keys=bool(plan.index_write)))))
        all_light, decisions = light, []
        for rank, stage in enumerate(stages):
            if stage == ID_STAGE:
                light, removed = keep_first_of_each_id(flow, light, rank)
            elif stage == INDEX_STAGE:
                light, removed = drop_indexed(flow, light, plan, rank)
            elif stage in (URL_STAGE, EXACT_STAGE):
                url = stage == URL_STAGE
                name, key_fn = ("Url", by_url_key) if url else ("Exact", by_text_key)
                grouped = flow.group(f"Group{name}", flow.apply(f"By{name}", light, MapStep(key_fn, stage)))
                keep = KeepOne(stage, rank, URL_REASON if url else EXACT_REASON, "url_sort" if url else "exact_sort",
                               spent=("url_key", "url_sort") if url else ("text_key", "exact_sort"))
                result = flow.apply(f"KeepOnePer{name}", grouped, keep)
                light, removed = result.main, result[REMOVED]
            else:
                removed, clusters = _minhash_decisions(flow, light, where, files, plan, rank, documents)
            decisions.append(removed)
        del all_light
        joined = {"where": where, "decision": flow.flatten("AllDecisions", decisions)}
        if plan.keep_cluster_size:
            joined["cluster"] = clusters
        routed = flow.apply(
            "RouteDecisions", flow.cogroup("JoinDecisions", joined), RouteDecisions(stages, bool(plan.index_write)),
        )
        removals, index_rows = [routed.main], [routed[INDEX_ROWS]]
    by_file = flow.cogroup("RemovalsByFile", {"path": files, "removed": flow.flatten("Removals", removals)})
    sinks = output_sinks(plan, documents_dir, duplicates_dir)
    # Each file's documents are written where they are read: no collection holds the corpus.
    applied = flow.apply("ApplyToFiles", by_file, ApplyToFile(sinks, plan.keep_cluster_size, plan.keep_dropped,
                                                              plan.kept_fields))
    written = flow.flatten("AllWritten", [applied, *(flow.apply("Write", rows, WriteRecords(sinks)) for rows in index_rows)])
    flow.apply(
        "Commit", flow.create("Once", ["commit"]), CommitOutputs(plan, documents_dir, duplicates_dir, document_files),
        sides={"written": flow.singleton("WrittenFiles", written, ToList())},
    )


def remove_dropped_marker(plan: DedupPlan) -> None:
    """Before any work: an earlier run's ``dropped/_manifest.json`` must not pass for this run's, and
    its dedup files go (this job writes its own; phase A's stay: a relaunch reuses them)."""
    if plan.dropped_dir is None:
        return
    from thresher.io import storage
    from thresher.run.layout import DATASET_MANIFEST

    fs, directory = storage.filesystem(plan.dropped_dir)
    if not fs.exists(directory):
        return
    marker = storage.filesystem(storage.join(plan.dropped_dir, DATASET_MANIFEST))[1]
    if fs.exists(marker):
        fs.rm(marker)
    for stale in fs.glob(directory.rstrip("/") + "/dedup-*.parquet"):
        fs.rm(stale)
