"""stats.json of a real run (the session's sample run): time per stage and per phase, written and consistent."""

from __future__ import annotations

import json


def test_stats_json_times_every_phase_and_every_timed_stage(sample_run):
    result, out = sample_run
    stats = json.loads((out / "stats.json").read_text())
    assert stats == result.stats
    timings = stats["timings"]
    phases = timings["phases"]
    assert list(phases) == ["documents", "tokenizer", "shards"]  # what run.py runs, in order
    assert all(seconds > 0 for seconds in phases.values())
    assert sum(phases.values()) <= stats["wall_seconds"] + 0.01
    rows = {row["stage"]: row for row in timings["stages"]}
    # Phase A times itself on every page: busy and CPU seconds for each of its stages.
    for stage in ("extract", "langid", "filters/gopher_repetition", "filters/gopher_quality"):
        assert rows[stage]["busy_seconds"] > 0 and rows[stage]["cpu_seconds"] > 0, stage
    counters = stats["counters"]
    for name, row in rows.items():
        assert set(row) - {"stage"} <= {"busy_seconds", "cpu_seconds"} and len(row) > 1
        if "cpu_seconds" in row:
            assert row["cpu_seconds"] == round(counters[f"{name}/cpu_us"] / 1e6, 3)
    # The funnel's timed stages carry the same figures.
    for stage in stats["stages"]:
        if stage["stage"] in rows:
            assert {k: stage[k] for k in ("busy_seconds", "cpu_seconds") if k in stage} == {
                k: v for k, v in rows[stage["stage"]].items() if k != "stage"
            }
    assert stats["token_estimates"]["estimated"] is True and stats["token_estimates"]["method"]
