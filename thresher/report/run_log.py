"""Structured run log: one JSON line per stage summary, one per errored record with its provenance.

Written to ``<run>/run.log.jsonl`` and sent through the ``thresher.run``
logger, so log shippers and ``jq`` read the same lines.
"""

from __future__ import annotations

import glob
import json
import logging
import os
from typing import Any, Iterator, Mapping

import pyarrow.parquet as pq

logger = logging.getLogger("thresher.run")


def run_log_lines(stats: Mapping[str, Any], phase_a_dir: str) -> Iterator[dict[str, Any]]:
    read = stats["read"]
    yield {
        "event": "stage",
        "stage": "read",
        "records": stats["records_read"],
        "forwarded": read["forwarded"],
        "skipped": read["skipped"],
        "errors": read["errors"],
    }
    for stage in stats["stages"]:
        line = {"event": "stage", "stage": stage["stage"], "in": stage["in"], "kept": stage["kept"],
                "dropped": stage["dropped"]}
        if "cpu_seconds" in stage:
            line["cpu_seconds"] = stage["cpu_seconds"]
        yield line
    yield {"event": "run", "kept_documents": stats["kept_documents"], "tokens": stats["tokens"],
           "identity_holds": stats["identity"]["holds"], "wall_seconds": stats.get("wall_seconds")}
    for path in sorted(glob.glob(os.path.join(phase_a_dir, "*", "rejects.parquet"))):
        for row in pq.read_table(path).to_pylist():
            if row["reason"].startswith("error/"):
                yield {"event": "record_error", "reason": row["reason"][len("error/"):], "url": row["url"],
                       "source": row["source"], "offset": row["offset"]}


def write_run_log(path: str, stats: Mapping[str, Any], phase_a_dir: str) -> int:
    """Write the log; returns the number of lines. Stage lines also go to the logger at INFO."""
    count = 0
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        for line in run_log_lines(stats, phase_a_dir):
            text = json.dumps(line, ensure_ascii=False, sort_keys=True)
            fh.write(text + "\n")
            if line["event"] != "record_error":
                logger.info(text)
            count += 1
    os.replace(tmp, path)
    return count
