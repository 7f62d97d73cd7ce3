"""Duplicate pairs for the report: a few removed documents beside the one each duplicated.

Per dedup stage, the removed documents with the smallest ids (ids are hashes: a deterministic,
unbiased pick) are shown with the document named in their ``duplicate_of``, both texts read from
the phase-A results (every document before dedup), and two similarities under the run's MinHash
parameters: the exact Jaccard similarity of the shingle sets MinHash signs, and the estimate the
signatures give (the share of signature positions that agree).

Which stage removed a document is recorded by Spark (in the file name); on Beam it is found the
way the stages decide, in their order: the same normalized URL (``dedup_url``), else the same
normalized text (``dedup_exact``), else near-duplicate (``dedup_minhash``). A removed document
whose original is not among this run's documents was removed by an earlier run's dedup index
(``dedup_index``); it has no text here to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

import numpy as np

from thresher.tools.dedup_eval.evaluate import params_from_config
from thresher.stages.dedup.minhash import minhash_signatures
from thresher.stages.dedup.normalize import DEFAULT, exact_text_key
from thresher.stages.dedup.params import MinHashParams
from thresher.stages.dedup.urls import url_key
from thresher.stages.dedup.verify import jaccard, shingle_set

PAIRS_PER_STAGE = 3
PAIR_TEXT_CHARS = 2000
URL, EXACT, MINHASH, INDEX = "dedup_url", "dedup_exact", "dedup_minhash", "dedup_index"
STAGE_ORDER = (INDEX, URL, EXACT, MINHASH)
#: The drop reason each dedup stage counts in stats.json (the index stage has three: its stage alone).
REASONS = {URL: "duplicate_url", EXACT: "exact_duplicate", MINHASH: "near_duplicate"}


def drop_reason(stage: str) -> str:
    """``dedup_exact`` → ``dedup_exact/exact_duplicate``, as audit.json and stats.json name drops."""
    return f"{stage}/{REASONS[stage]}" if stage in REASONS else stage


class Removed(Protocol):
    """A row of ``_work/duplicates`` (:class:`thresher.tools.report.run_files.RemovedDuplicate`)."""

    id: str
    url: str
    duplicate_of: str | None
    stage: str | None


#: ``scan(ids, columns, visit)``: calls ``visit(row)`` for each phase-A document whose id is in ``ids``.
Scan = Callable[[set, Iterable[str], Callable[[dict[str, Any]], None]], bool]


@dataclass(frozen=True)
class Side:
    id: str
    url: str
    #: The first :data:`PAIR_TEXT_CHARS` characters.
    text: str
    chars: int


@dataclass(frozen=True)
class DuplicatePair:
    stage: str
    removed: Side
    kept: Side
    #: Share of equal MinHash signature values; None when a text has no shingles.
    estimated: float | None
    #: Jaccard similarity of the two shingle sets; None when a text has no shingles.
    exact: float | None


@dataclass(frozen=True)
class DuplicatePairs:
    pairs: list[DuplicatePair]
    #: True when the run recorded each removal's stage; False when the report worked it out.
    stages_recorded: bool
    #: Removed documents per stage (as recorded or worked out).
    per_stage: dict[str, int]
    #: removed id → its stage, for every removed document with an original.
    stage_of: dict[str, str]
    params: MinHashParams
    #: True when the run's config named no MinHash parameters and the defaults were used.
    default_params: bool


def minhash_params_of(config: Mapping[str, Any]) -> tuple[MinHashParams, bool]:
    section = ((config.get("dedup") or {}).get("minhash")) if isinstance(config.get("dedup"), dict) else None
    if not isinstance(section, dict):
        return MinHashParams(), True
    try:
        return params_from_config(section), False
    except (TypeError, ValueError):
        return MinHashParams(), True


def similarity(text_a: str, text_b: str, params: MinHashParams) -> tuple[float | None, float | None]:
    """(estimated, exact): MinHash signature agreement and exact Jaccard of the shingle sets."""
    a, b = shingle_set(text_a, params), shingle_set(text_b, params)
    if not a or not b:
        return None, None
    signatures = minhash_signatures([sorted(a), sorted(b)], params.permutations, params.seed, params.scheme,
                                    params.hash)
    return float(np.mean(signatures[0] == signatures[1])), jaccard(a, b)


def _enabled(config: Mapping[str, Any], stage: str) -> bool:
    section = (config.get("dedup") or {}).get(stage) if isinstance(config.get("dedup"), dict) else None
    return not isinstance(section, dict) or bool(section.get("enabled", True))


def assign_stages(scan: Scan, removed: Sequence[Removed], config: Mapping[str, Any]) -> dict[str, str]:
    """removed id → the dedup stage that removed it (recorded, or worked out as the stages decide)."""
    stages = {row.id: row.stage for row in removed if row.stage}
    unknown = [row for row in removed if not row.stage and row.duplicate_of]
    if not unknown:
        return stages
    # Pass 1: the originals' URLs (and which originals are in this run at all).
    target_urls: dict[str, str] = {}
    scan({row.duplicate_of for row in unknown}, ["url"], lambda r: target_urls.__setitem__(r["id"], r["url"]))
    by_text = []
    for row in unknown:
        if row.duplicate_of not in target_urls:
            stages[row.id] = INDEX
        elif _enabled(config, "url") and url_key(row.url) == url_key(target_urls[row.duplicate_of]):
            stages[row.id] = URL
        else:
            by_text.append(row)
    if not by_text:
        return stages
    # Pass 2: exact-text keys of the rest and their originals (keys only: texts are not kept).
    keys: dict[str, str] = {}
    ids = {row.id for row in by_text} | {row.duplicate_of for row in by_text}
    scan(ids, ["text"], lambda r: keys.__setitem__(r["id"], exact_text_key(r["text"], DEFAULT)))
    exact_on = _enabled(config, "exact")
    for row in by_text:
        same = keys.get(row.id) is not None and keys.get(row.id) == keys.get(row.duplicate_of)
        stages[row.id] = EXACT if same and exact_on else MINHASH
    return stages


def duplicate_pairs(scan: Scan, removed: Sequence[Removed] | None, config: Mapping[str, Any]) -> DuplicatePairs | None:
    """Up to :data:`PAIRS_PER_STAGE` pairs per stage; None without removed duplicates or phase-A texts.

    ``scan`` reads the phase-A documents (:func:`thresher.tools.report.run_files.scan_phase_a_documents`);
    it returns False when there are none on disk.
    """
    if not removed or not scan(set(), [], lambda _: None):
        return None
    params, default_params = minhash_params_of(config)
    stages = assign_stages(scan, removed, config)
    per_stage: dict[str, int] = {}
    for stage in sorted(stages.values(), key=_stage_rank):
        per_stage[stage] = per_stage.get(stage, 0) + 1
    chosen: list[Removed] = []
    for stage in STAGE_ORDER:
        if stage == INDEX:
            continue  # the original is in an earlier run: nothing to show beside it
        rows = sorted((r for r in removed if stages.get(r.id) == stage and r.duplicate_of), key=lambda r: r.id)
        chosen.extend(rows[:PAIRS_PER_STAGE])
    texts: dict[str, dict[str, Any]] = {}
    scan({r.id for r in chosen} | {r.duplicate_of for r in chosen}, ["url", "text"],
         lambda r: texts.__setitem__(r["id"], r))
    pairs = []
    for row in chosen:
        gone, kept = texts.get(row.id), texts.get(row.duplicate_of)
        if gone is None or kept is None:
            continue
        estimated, exact = similarity(gone["text"], kept["text"], params)
        pairs.append(DuplicatePair(stages[row.id], _side(gone), _side(kept), estimated, exact))
    recorded = all(r.stage for r in removed)
    return DuplicatePairs(pairs, recorded, per_stage, stages, params, default_params)


def _stage_rank(stage: str) -> tuple[int, str]:
    return (STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER), stage)


def _side(row: dict[str, Any]) -> Side:
    text = row["text"] or ""
    return Side(id=row["id"], url=row.get("url") or "", text=text[:PAIR_TEXT_CHARS], chars=len(text))
