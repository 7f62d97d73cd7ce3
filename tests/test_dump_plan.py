"""bench/dump_plan.py: docs/SCALING.md's dump plan, computed from bench/results/ by arithmetic that holds."""

from __future__ import annotations

import importlib.util
import json
import math

from truth_cli import REPO


def _module():
    spec = importlib.util.spec_from_file_location("dump_plan", REPO / "bench" / "dump_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_plan_runs_on_the_committed_results_and_its_arithmetic_holds(tmp_path, capsys):
    dump_plan = _module()
    out = tmp_path / "plan.json"
    assert dump_plan.main(["--json", str(out)]) == 0
    printed = capsys.readouterr().out
    results = json.loads(out.read_text())
    assert set(results) == {"combined", "resiliparse"}
    for name, plan in results.items():
        pages = plan["inputs"]["pages"]
        assert pages == 90_000 * 33_000
        assert math.isclose(plan["bare_per_page_cpu_s"], sum(plan["per_page_cpu_s"].values()))
        over = plan["overheads"]
        assert 1 <= over["pipeline_low"] <= over["pipeline_high"] and over["gcs"] > 0
        for level, case in plan["cases"].items():
            core_hours = pages * plan["bare_per_page_cpu_s"] * over[f"pipeline_{level}"] * over["gcs"] / 3600
            assert math.isclose(case["core_hours"], core_hours)
            assert math.isclose(case["hours"], core_hours / 2000 / dump_plan.UTILISATION)
            assert case["dataproc_spot_usd"] < case["dataproc_on_demand_usd"]
            assert f"{case['core_hours']:,.0f} core-hours" in printed
    # Extraction dominates the default profile; the resiliparse extractor is the cheaper plan.
    combined, fast = results["combined"], results["resiliparse"]
    assert combined["per_page_cpu_s"]["extract"] == max(combined["per_page_cpu_s"].values())
    assert fast["cases"]["low"]["core_hours"] < combined["cases"]["low"]["core_hours"]


def test_twice_the_workers_halve_the_hours_not_the_compute(capsys):
    dump_plan = _module()
    one = dump_plan.plan(90_000, 80, 33_000, 1_000, "combined")["cases"]["low"]
    two = dump_plan.plan(90_000, 80, 33_000, 2_000, "combined")["cases"]["low"]
    assert math.isclose(one["hours"], 2 * two["hours"]) and math.isclose(one["core_hours"], two["core_hours"])
    assert math.isclose(one["billed_vcpu_hours"], two["billed_vcpu_hours"])
