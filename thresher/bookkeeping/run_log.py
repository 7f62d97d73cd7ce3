"""Structured run log: one JSON line per stage summary, one per errored record with its provenance.

Stage lines carry the stage's ``busy_seconds`` and ``cpu_seconds`` (summed over
workers, as in stats.json) when it timed itself: the funnel's stages, then
tokenize and shards. One ``phase`` line per phase gives its wall seconds.

Written to ``<run>/run.log.jsonl`` and sent through the ``thresher.run``
logger, so log shippers and ``jq`` read the same lines.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Iterable, Iterator, Mapping

from thresher.io import storage

logger = logging.getLogger("thresher.run")


def run_log_lines(stats: Mapping[str, Any], rejects_files: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    read = stats["read"]
    yield {
        "event": "stage",
        "stage": "read",
        "records": stats["records_read"],
        "forwarded": read["forwarded"],
        "skipped": read["skipped"],
        "errors": read["errors"],
    }
    timings = stats.get("timings") or {}
    funnel = set()
    for stage in stats["stages"]:
        line = {"event": "stage", "stage": stage["stage"], "in": stage["in"], "kept": stage["kept"],
                "dropped": stage["dropped"]}
        yield {**line, **_seconds(stage)}
        funnel.add(stage["stage"])
    counters = stats.get("counters", {})
    # Timed stages outside the document funnel (tokenize, shards): their counts and their time.
    for stage in timings.get("stages", []):
        name = stage["stage"]
        if name not in funnel:
            counts = {k[len(name) + 1:]: v for k, v in counters.items()
                      if k.startswith(f"{name}/") and not k.endswith(("/time_us", "/cpu_us"))}
            yield {"event": "stage", "stage": name, **counts, **_seconds(stage)}
    for phase, seconds in timings.get("phases", {}).items():
        yield {"event": "phase", "phase": phase, "wall_seconds": seconds}
    yield {"event": "run", "kept_documents": stats["kept_documents"], "tokens": stats["tokens"],
           "identity_holds": stats["identity"]["holds"], "wall_seconds": stats.get("wall_seconds")}
    for path in rejects_files:
        for row in _read_rows(path):
            if row["reason"].startswith("error/"):
                yield {"event": "record_error", "reason": row["reason"][len("error/"):], "url": row["url"],
                       "source": row["source"], "offset": row["offset"]}


def _seconds(stage: Mapping[str, Any]) -> dict[str, float]:
    return {k: stage[k] for k in ("busy_seconds", "cpu_seconds") if k in stage}


def _read_rows(path: str) -> list[dict[str, Any]]:
    return storage.read_parquet(path).to_pylist()


def write_run_log(path: str, stats: Mapping[str, Any], rejects_files: Iterable[str] = ()) -> int:
    """Write the log (``rejects_files``: the phase-A rejects, whose errors it lists); returns its line count.

    Stage lines also go to the logger at INFO.
    """
    count = 0
    with storage.atomic_write(path, "w") as fh:
        for line in run_log_lines(stats, rejects_files):
            text = json.dumps(line, ensure_ascii=False, sort_keys=True)
            fh.write(text + "\n")
            if line["event"] != "record_error":
                logger.info(text)
            count += 1
    return count
