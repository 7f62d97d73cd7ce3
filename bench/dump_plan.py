"""A plan for one Common Crawl dump on Dataflow and on Dataproc, from the measured per-page costs.

    .venv/bin/python bench/dump_plan.py [--files 90000] [--tb 80] [--pages-per-file 33000]
                                        [--vcpus 2000] [--json bench/results/dump-plan.json]

Reads bench/results/ (stages.json: per-stage CPU per real page; extract.json: the extractors on real
gold pages; e2e-20k*.json: the funnel's shares and the whole pipeline's CPU against the bare library
calls; storage.json: the GCS run's CPU against local disk) and prints, with the arithmetic, the
core-hours, the hours on a given number of vCPUs, and an order of cost at the prices in PRICES.
docs/SCALING.md's "One dump" section is this script's output.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

#: Assumed list prices, USD, us-central1, as known on 2026-12-05 (not checked against a live price list:
#: check https://cloud.google.com/dataflow/pricing and /compute/all-pricing before budgeting).
PRICES = {
    "date": "2026-12-05 (assumed list prices, us-central1; verify before budgeting)",
    "dataflow_vcpu_hour": 0.056,          # Dataflow batch worker vCPU-hour
    "dataflow_gb_memory_hour": 0.003557,  # Dataflow batch worker memory GB-hour
    "dataflow_shuffle_gb": 0.011,         # Dataflow Shuffle, per GB of data processed (batch)
    "n2_vcpu_hour": 0.0486,               # n2-standard-8 on demand, $0.3885 / 8 vCPUs
    "n2_spot_vcpu_hour": 0.012,           # n2 spot VMs, about 75 % off (varies by hour and region)
    "dataproc_vcpu_hour": 0.010,          # Dataproc's fee on top of Compute Engine
    "gcs_class_a_per_1000": 0.005,        # object writes and listings
    "gcs_class_b_per_1000": 0.0004,       # object reads
    "gcs_gb_month": 0.020,                # Standard storage
}
#: n2-standard-8: 8 vCPUs, 32 GB.
GB_PER_VCPU = 4.0
#: Kept-document shuffle per page: §9 of BENCHMARKS.md (1.45 MB for 800 pages, 38 MB of WARC: 0.038 bytes per
#: input byte). Per page it is the larger figure on Common Crawl's smaller pages, so the plan uses it.
SHUFFLE_BYTES_PER_PAGE = 1.45e6 / 800
SHUFFLE_BYTES_PER_INPUT_BYTE = 0.038
#: Cluster time not doing work (start-up, stragglers, the last pass's tail, autoscaling): hours are divided by it.
UTILISATION = 0.75


def _load(name: str) -> dict:
    return json.loads((RESULTS / name).read_text())


def per_page_costs(extractor: str) -> dict[str, float]:
    """CPU seconds per page reaching each stage, on real pages (stages.json's real rows; extract.json)."""
    rows = [r for r in _load("stages.json")["rows"] if str(r.get("input", "")).startswith("real")]

    def row(stage: str, variant: str) -> float:
        match = next(r for r in rows if r["stage"] == stage and r["variant"].startswith(variant))
        return match["cpu_s"] / match["items"]

    gold = _load("extract.json")["extractors"][extractor]
    extract = sum(1 / d["bounded_pages_per_s_per_core"] for d in gold.values()) / len(gold)
    bare = {s["step"]: s["cpu_s"] / s["items"] for s in _load("e2e-20k.json")["bare"]["steps"]}
    dedup = sum(v for k, v in bare.items() if "dedup" in k)
    return {
        "read": row("read", "iter_input"),
        "url_filter": bare["url filter (check_url)"],
        "extract": extract,
        "langid": row("langid", "LanguageFilter"),
        "filters": row("filters", "default suite"),
        "minhash_signatures": row("minhash", "_BandKeysDoFn"),
        "dedup_groupings": dedup,
        "tokenize": row("tokenize", "_TokenizeBatchFn"),
        "shards": row("shards", "_WriteShardFn"),
    }


def funnel_shares() -> dict[str, float]:
    """Share of input pages reaching each stage (the 20,000-page end-to-end run's funnel)."""
    run = _load("e2e-20k.json")["runs"][0]
    stages = {s["stage"]: s for s in run["stages"]}
    pages = run["pages"]
    after_filters = stages["dedup_url"]["in"] / pages
    return {
        "read": 1.0, "url_filter": 1.0,
        "extract": stages["extract"]["in"] / pages,
        "langid": stages["langid"]["in"] / pages,
        "filters": stages["langid"]["kept"] / pages,
        "minhash_signatures": after_filters, "dedup_groupings": after_filters,
        "tokenize": run["kept_documents"] / pages, "shards": run["kept_documents"] / pages,
    }


def overheads() -> dict[str, float]:
    """Whole pipeline against the bare calls (Beam, wrappers, files), and GCS against local disk."""
    ratios = []
    for name in ("e2e-20k.json", "e2e-20k-rerun.json"):
        data = _load(name)
        run = data["runs"][0]
        ratios.append(run["cpu_s"] / data["bare"]["cpu_s"])
    return {"pipeline_low": min(ratios), "pipeline_high": max(ratios),
            "gcs": _load("storage.json")["runs"]["gcs"]["cpu_ratio"]}


def plan(files: int, tb: float, pages_per_file: int, vcpus: int, extractor: str, prices: dict = PRICES) -> dict:
    pages = files * pages_per_file
    costs, shares, over = per_page_costs(extractor), funnel_shares(), overheads()
    stage_seconds = {k: costs[k] * shares[k] for k in costs}
    bare_per_page = sum(stage_seconds.values())
    out = {"inputs": {"files": files, "tb": tb, "pages": pages, "vcpus": vcpus, "extractor": extractor,
                      "utilisation": UTILISATION},
           "per_page_cpu_s": stage_seconds, "bare_per_page_cpu_s": bare_per_page, "overheads": over,
           "prices": prices, "cases": {}}
    shuffle_gb = max(pages * SHUFFLE_BYTES_PER_PAGE, tb * 1e12 * SHUFFLE_BYTES_PER_INPUT_BYTE) / 1e9
    # Objects: a piece (documents, rejects, marker) per 64 MiB unit, a result per file; ranged reads of 8 MiB.
    units = files * math.ceil(tb * 1e12 / files / (64 * 2**20))
    class_a, class_b = units * 3 + files, tb * 1e12 / (8 * 2**20)
    storage_ops = class_a / 1000 * prices["gcs_class_a_per_1000"] + class_b / 1000 * prices["gcs_class_b_per_1000"]
    out.update(shuffle_gb=shuffle_gb, objects_written=class_a, ranged_reads=class_b, storage_ops_usd=storage_ops)
    for level in ("low", "high"):
        core_hours = pages * bare_per_page * over[f"pipeline_{level}"] * over["gcs"] / 3600
        hours = core_hours / vcpus / UTILISATION
        billed = vcpus * hours  # vCPU-hours paid for, idle included
        dataflow = billed * (prices["dataflow_vcpu_hour"] + GB_PER_VCPU * prices["dataflow_gb_memory_hour"]) \
            + shuffle_gb * prices["dataflow_shuffle_gb"] + storage_ops
        dataproc = billed * (prices["n2_vcpu_hour"] + prices["dataproc_vcpu_hour"]) + storage_ops
        spot = billed * (prices["n2_spot_vcpu_hour"] + prices["dataproc_vcpu_hour"]) + storage_ops
        out["cases"][level] = {"core_hours": core_hours, "hours": hours, "billed_vcpu_hours": billed,
                               "workers_n2_standard_8": math.ceil(vcpus / 8), "dataflow_usd": dataflow,
                               "dataproc_on_demand_usd": dataproc, "dataproc_spot_usd": spot}
    return out


def report(result: dict) -> str:
    i, lines = result["inputs"], []
    lines.append(f"{i['files']:,} files, {i['tb']:g} TB, {i['pages'] / 1e9:.2f} billion pages, extractor {i['extractor']}")
    lines.append("per page (CPU s x share of pages reaching the stage):")
    for stage, seconds in result["per_page_cpu_s"].items():
        lines.append(f"  {stage:<20} {seconds * 1e3:8.3f} ms")
    over = result["overheads"]
    lines.append(f"  {'bare sum':<20} {result['bare_per_page_cpu_s'] * 1e3:8.3f} ms; x pipeline "
                 f"{over['pipeline_low']:.2f}-{over['pipeline_high']:.2f} x GCS {over['gcs']:.2f}")
    lines.append(f"shuffle {result['shuffle_gb']:,.0f} GB; objects written {result['objects_written']:,.0f}, "
                 f"ranged reads {result['ranged_reads']:,.0f}: ${result['storage_ops_usd']:,.0f} of requests")
    for level, case in result["cases"].items():
        lines.append(
            f"{level}: {case['core_hours']:,.0f} core-hours; on {i['vcpus']:,} vCPUs "
            f"({case['workers_n2_standard_8']} n2-standard-8) at {i['utilisation']:.0%} use: {case['hours']:.1f} h; "
            f"Dataflow ${case['dataflow_usd']:,.0f}, Dataproc on demand ${case['dataproc_on_demand_usd']:,.0f}, "
            f"Dataproc spot ${case['dataproc_spot_usd']:,.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=90_000)
    parser.add_argument("--tb", type=float, default=80.0, help="compressed input, 10^12 bytes")
    parser.add_argument("--pages-per-file", type=int, default=33_000,
                        help="HTML responses per WARC file (about 3 billion per dump)")
    parser.add_argument("--vcpus", type=int, default=2_000, help="worker vCPUs (250 n2-standard-8)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    results = {name: plan(args.files, args.tb, args.pages_per_file, args.vcpus, name)
               for name in ("combined", "resiliparse")}
    print("\n\n".join(report(r) for r in results.values()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
