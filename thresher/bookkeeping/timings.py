"""Time per stage and per phase, for ``stats.json``: what each figure measures, and in what order.

Stages time themselves with :func:`thresher.stats.stage_timer` into two counters:

* ``<stage>/time_us``: busy time, the wall-clock time the stage's code ran
  (waiting included: for extraction, waiting for its worker process), summed
  over every worker, thread and task. With N workers busy at once it can be
  up to N times the run's wall time.
* ``<stage>/cpu_us``: CPU time of that same work, summed over workers: the
  calling thread's CPU (the process's, for stages whose libraries compute on
  their own threads, like tokenization), plus, for extraction, the CPU its
  worker process reported per page (and, for a page killed at the timeout,
  what the reaped process had used).

``busy_seconds`` and ``cpu_seconds`` are those counters in seconds. Phases
are the steps :func:`thresher.run.driver.run_pipeline` runs one after the
other (``documents``: phase A and dedup; ``tokenizer``; ``shards``), timed
by the driver's wall clock.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

#: Every stage that may time itself, in pipeline order; ``filters/*`` stands for the configured filters.
TIMED_ORDER = (
    "url_filter", "extract", "langid", "filters/*",
    "dedup_id", "dedup_index", "dedup_url", "dedup_exact", "dedup_minhash",
    "tokenize", "shards",
)
BUSY, CPU = "time_us", "cpu_us"

#: What each timing field of stats.json means, written into it so the file explains itself.
MEANING = {
    "busy_seconds": "wall-clock seconds the stage's code ran, waits included, summed over all workers",
    "cpu_seconds": "CPU seconds of the stage's work, summed over all workers; extraction includes its "
                   "worker processes",
    "phases": "wall-clock seconds of each step of the run, as the driver timed it",
}


def ordered_stages(names: Iterable[str], filter_order: list[str]) -> list[str]:
    """``names`` in pipeline order; stages the order does not know come last, sorted."""
    order: list[str] = []
    for stage in TIMED_ORDER:
        order.extend(f"filters/{f}" for f in filter_order) if stage == "filters/*" else order.append(stage)
    present = set(names)
    known = [n for n in order if n in present]
    return known + sorted(present - set(known))


def timed_stage_names(counters: Mapping[str, int]) -> set[str]:
    """Every stage with a ``time_us`` or ``cpu_us`` counter."""
    names = set()
    for name in counters:
        stage, _, what = name.rpartition("/")
        if stage and what in (BUSY, CPU):
            names.add(stage)
    return names


def stage_seconds(counters: Mapping[str, int], stage: str) -> dict[str, float]:
    """``busy_seconds`` and ``cpu_seconds`` of ``stage``, each only when it was measured."""
    out = {}
    for key, suffix in (("busy_seconds", BUSY), ("cpu_seconds", CPU)):
        if f"{stage}/{suffix}" in counters:
            out[key] = round(counters[f"{stage}/{suffix}"] / 1e6, 3)
    return out


def build_timings(
    counters: Mapping[str, int],
    filter_order: list[str],
    phases: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The ``timings`` section of stats.json: every timed stage, and the phases' wall seconds."""
    stages = [
        {"stage": name, **stage_seconds(counters, name)}
        for name in ordered_stages(timed_stage_names(counters), filter_order)
    ]
    return {
        "stages": stages,
        "phases": {name: round(seconds, 3) for name, seconds in (phases or {}).items()},
        "meaning": MEANING,
    }
