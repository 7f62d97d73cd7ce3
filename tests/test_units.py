"""Work units: input files cut into byte ranges, enough for every worker, and a run's results never depend on the cut."""

from __future__ import annotations

import json

from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline
from thresher.run.units import MIN_UNIT_BYTES, plan_units
from thresher.stats import is_measurement

MB = 1024 * 1024


def _ranges(units, source):
    return [(u.start, u.end) for u in units if u.source == source]


def test_ranges_cover_each_file_once_and_in_order():
    sizes = {"a": 200 * MB, "b": 10 * MB, "c": 0}
    units = plan_units(list(sizes), sizes, unit_bytes=64 * MB, parallelism=2)
    assert _ranges(units, "a") == [(0, 50 * MB), (50 * MB, 100 * MB), (100 * MB, 150 * MB), (150 * MB, None)]
    assert _ranges(units, "b") == [(0, None)] and _ranges(units, "c") == [(0, None)]  # an empty file: one unit
    assert all(u.count == len(_ranges(units, u.source)) and u.name.startswith("piece-") for u in units)


def test_small_inputs_are_cut_finer_so_every_worker_has_work():
    sizes = {"sample": 3 * MB}
    units = plan_units(["sample"], sizes, unit_bytes=64 * MB, parallelism=4)
    assert len(units) == 8  # twice the parallelism
    tiny = plan_units(["t"], {"t": MIN_UNIT_BYTES}, unit_bytes=64 * MB, parallelism=4)
    assert len(tiny) == 1  # never below the smallest range worth a task
    # The plan is a function of its arguments.
    assert units == plan_units(["sample"], sizes, unit_bytes=64 * MB, parallelism=4)


def test_shards_do_not_depend_on_the_cut(tmp_path):
    """The bundled sample read in two units and in many: the same shards, counters and audit."""
    outputs = {}
    for name, unit_bytes in (("whole", 1 << 40), ("cut", 100_000)):
        out = tmp_path / name
        config = config_from_dict({"output": {"path": str(out)}, "runner": {"workers": 1, "unit_bytes": unit_bytes},
                                   "dedup": {"minhash": {"enabled": False}}})
        result = run_pipeline(config)
        pieces = json.loads(next((out / "_work" / "phase_a").glob("*/result.json")).read_text())["pieces"]
        counters = {k: v for k, v in result.stats["counters"].items() if not is_measurement(k)}
        shards = {p.name: p.read_bytes() for p in out.glob("shard-*.parquet")}
        outputs[name] = (len(pieces), counters, shards, (out / "audit.json").read_text())
    assert outputs["whole"][0] <= 2 < 5 < outputs["cut"][0]
    assert outputs["cut"][1:] == outputs["whole"][1:]
