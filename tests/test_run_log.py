"""run.log.jsonl: a line per stage with its busy and CPU seconds, a line per phase with its wall time."""

from __future__ import annotations

import json

from test_funnel import TIMED

from thresher.bookkeeping.funnel import build_stats
from thresher.bookkeeping.run_log import write_run_log


def test_stage_lines_carry_busy_and_cpu_seconds_and_phases_their_wall_time(tmp_path):
    phases = {"documents": 12.5, "tokenizer": 1.0, "shards": 3.25}
    stats = build_stats(TIMED, ["gopher_quality"], phases=phases, wall_seconds=17.0)
    path = tmp_path / "run.log.jsonl"
    count = write_run_log(str(path), stats, [])
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == count
    stages = {line["stage"]: line for line in lines if line["event"] == "stage"}
    funnel = [s["stage"] for s in stats["stages"]]
    # The funnel's stages, then the timed stages outside it, each once.
    assert list(stages) == ["read", *funnel, "tokenize", "shards"]
    for row in stats["timings"]["stages"]:
        line = stages[row["stage"]]
        assert {k: line[k] for k in ("busy_seconds", "cpu_seconds") if k in line} == {
            k: row[k] for k in ("busy_seconds", "cpu_seconds") if k in row
        }
    assert "busy_seconds" not in stages["url_filter"]  # not timed, not invented
    assert stages["tokenize"]["in"] == 7 and stages["shards"]["tokens"] == 700
    assert not any(k.endswith("_us") for line in lines for k in line)
    assert [(l["phase"], l["wall_seconds"]) for l in lines if l["event"] == "phase"] == list(phases.items())
    (run,) = [l for l in lines if l["event"] == "run"]
    assert run["wall_seconds"] == 17.0
