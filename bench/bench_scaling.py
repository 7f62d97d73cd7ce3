"""Scaling: end-to-end time and peak RSS (driver and every worker) at 1x, 2x and 4x the input.

    .venv/bin/python bench/bench_scaling.py [--base-pages 1000] [--factors 1,2,4] [--workers 2]
                                            [--layout one-file|files] [--runner direct|spark]
                                            [--workdir /tmp/thresher-bench] [--out bench/results/scaling.json]

With ``--layout one-file`` (the default) each size is one generated crawl (``write_sample_crawl(pages=base x factor)``;
above 2,000 pages, 2,000-page crawls with consecutive seeds concatenated into
one WARC, see ``common.generated_crawl``) run through ``run_pipeline`` with the default recipe on DirectRunner with
--workers workers (default: every core), each in a fresh interpreter. For each run:
wall time, CPU time (self + children), documents/s, and peak RSS per process
from ``VmHWM`` in ``/proc`` sampled every 0.2 s over the whole process tree
(driver, Beam SDK workers, extraction workers), plus ``ru_maxrss`` of the
driver and the largest child from ``getrusage``.

Targets: the 4x input within 4.4x the 1x time (CPU time is the headline on a
shared machine; wall time is reported too); peak RSS per worker flat within
10 % from 1x to 4x. A least-squares fit ``CPU = fixed + per_page x pages``
separates the fixed cost from the per-page cost and projects larger inputs.

``--layout files`` grows the input the way a crawl grows: the Nx input is N
files of --base-pages pages (seeds seed .. seed+N-1), so anything held per
input file stays the same size. ``--runner spark`` runs the Spark engine
(``master: local[--workers]``) instead of the DirectRunner.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from bench_e2e import pipeline_config  # noqa: E402

TIME_TARGET = 4.4  # 4x input within 4.4x the time
RSS_TARGET = 1.10  # peak RSS per worker flat within 10 %


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares ``y = a + b x``."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-pages", type=int, default=1000, help="pages of the 1x crawl (default 1000)")
    ap.add_argument("--factors", default="1,2,4")
    ap.add_argument("--workers", type=int, default=None, help="DirectRunner workers (default: every core)")
    ap.add_argument("--layout", choices=("one-file", "files"), default="one-file",
                    help="one-file: the Nx input is one crawl of N x base pages; files: N files of base pages "
                         "(seeds seed..seed+N-1), as a crawl grows in fixed-size WARC files")
    ap.add_argument("--runner", choices=("direct", "spark"), default="direct",
                    help="direct (DirectRunner) or spark (master local[--workers]; needs the Spark engine)")
    ap.add_argument("--partitions-per-factor", type=int, default=None,
                    help="spark: runner.options.partitions = this x the factor (partitions grow with the input, "
                         "as on a cluster; default: Spark's 2 x cores at every size)")
    ap.add_argument("--shard-target-tokens", type=int, default=None,
                    help="output.shard_target_tokens (default: the config default, 100 M)")
    ap.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                    help="spark: a spark.* conf entry for the run (repeatable)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--project", type=int, default=20000, help="project the fitted CPU time to this many pages")
    ap.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR)
    ap.add_argument("--out", type=Path, default=common.RESULTS / "scaling.json")
    args = ap.parse_args(argv)
    factors = [int(f) for f in args.factors.split(",") if f.strip()]
    import os

    workers = args.workers or os.cpu_count() or 1

    runs: list[dict[str, Any]] = []
    for f in factors:
        pages = args.base_pages * f
        if args.layout == "files":
            crawl = [common.generated_crawl(args.base_pages, args.seed + i, args.workdir) for i in range(f)]
        else:
            crawl = [common.generated_crawl(pages, args.seed, args.workdir)]
        print(f"  {f}x: {pages} pages in {len(crawl)} file(s) ({common.file_mb(crawl):.1f} MB), "
              f"{workers} worker(s) ...", flush=True)
        out = args.workdir / f"scaling-{args.runner}-{args.layout}-{f}x"
        if args.runner == "spark":
            options: dict[str, Any] = {"master": f"local[{workers}]"}
            if args.partitions_per_factor:
                options["partitions"] = args.partitions_per_factor * f
            for entry in args.spark_conf:
                key, _, value = entry.partition("=")
                options[key] = value
            config = pipeline_config(crawl, out, workers, runner="spark", options=options)
        else:
            config = pipeline_config(crawl, out, workers)
        if args.shard_target_tokens:
            config["output"]["shard_target_tokens"] = args.shard_target_tokens
        rep = common.run_child("pipeline", {"config": config}, args.workdir)
        if not rep["ok"]:
            print(rep["error"][-1500:])
            return 1
        roles = rep["roles"]
        worker_roles = [r for r in ("beam sdk worker", "spark python worker", "spark jvm", "extraction worker")
                        if r in roles]
        # The per-worker figure: Beam SDK workers, or Spark's Python workers.
        main_worker = roles.get("beam sdk worker") or roles.get("spark python worker") or {}
        runs.append({
            "factor": f, "pages_generated": pages, "files": len(crawl),
            "input_mb": round(common.file_mb(crawl), 3),
            "pages": rep["pages"], "kept": rep["kept_documents"], "tokens": rep["tokens"],
            "wall_s": rep["wall_s"], "cpu_s": rep["cpu_s"], "process_cpu_s": rep["process_cpu_s"],
            "pages_per_wall_s": round(rep["pages"] / rep["wall_s"], 2),
            "pages_per_cpu_s": round(rep["pages"] / rep["cpu_s"], 2),
            "driver_peak_rss_mb": roles.get("driver", {}).get("peak_rss_mb_max"),
            "sdk_worker_peak_rss_mb": main_worker.get("peak_rss_mb_max"),
            "sdk_workers": main_worker.get("processes", 0),
            "spark_jvm_peak_rss_mb": roles.get("spark jvm", {}).get("peak_rss_mb_max"),
            "extraction_worker_peak_rss_mb": roles.get("extraction worker", {}).get("peak_rss_mb_max"),
            "peak_tree_rss_mb": rep["peak_tree_rss_mb"],
            "ru_maxrss_driver_mb": rep["ru_maxrss_self_mb"], "ru_maxrss_children_mb": rep["ru_maxrss_children_mb"],
            "worker_roles": worker_roles, "roles": roles,
            "load_1m": rep["load_1m_before"] + rep["load_1m_after"],
        })

    base = runs[0]
    for r in runs:
        r["time_ratio_cpu"] = common.ratio(r["cpu_s"], base["cpu_s"])
        r["time_ratio_wall"] = common.ratio(r["wall_s"], base["wall_s"])
        for key in ("driver_peak_rss_mb", "sdk_worker_peak_rss_mb", "extraction_worker_peak_rss_mb",
                    "spark_jvm_peak_rss_mb"):
            r[key.replace("_mb", "_ratio")] = common.ratio(r[key], base[key])
    a, b = fit([r["pages"] for r in runs], [r["cpu_s"] for r in runs])
    aw, bw = fit([r["pages"] for r in runs], [r["wall_s"] for r in runs])
    largest = runs[-1]
    size_ratio = largest["factor"] / base["factor"]
    allowed = TIME_TARGET * size_ratio / 4
    per_worker = "sdk_worker_peak_rss_ratio" if largest.get("sdk_worker_peak_rss_mb") else "driver_peak_rss_ratio"
    verdict = {
        "time_cpu": {"ratio": largest["time_ratio_cpu"], "allowed": allowed,
                     "met": largest["time_ratio_cpu"] <= allowed},
        "time_wall": {"ratio": largest["time_ratio_wall"], "allowed": allowed,
                      "met": largest["time_ratio_wall"] <= allowed},
        "rss_per_worker": {"measure": per_worker.replace("_ratio", "_mb"), "ratio": largest[per_worker],
                           "allowed": RSS_TARGET, "met": (largest[per_worker] or 0) <= RSS_TARGET},
        "spark_jvm_rss": {"ratio": largest.get("spark_jvm_peak_rss_ratio"), "allowed": RSS_TARGET,
                          "met": (largest.get("spark_jvm_peak_rss_ratio") or 0) <= RSS_TARGET},
        "extraction_worker_rss": {"ratio": largest.get("extraction_worker_peak_rss_ratio"), "allowed": RSS_TARGET,
                                  "met": (largest.get("extraction_worker_peak_rss_ratio") or 0) <= RSS_TARGET},
        "driver_rss": {"ratio": largest["driver_peak_rss_ratio"], "allowed": RSS_TARGET,
                       "met": (largest["driver_peak_rss_ratio"] or 0) <= RSS_TARGET},
    }
    fitted = {"cpu_fixed_s": round(a, 2), "cpu_per_page_ms": round(b * 1000, 3),
              "wall_fixed_s": round(aw, 2), "wall_per_page_ms": round(bw * 1000, 3),
              f"projected_cpu_s_{args.project}_pages": round(a + b * args.project, 1)}

    view = [dict(r, load=r["load_1m"][0] if r["load_1m"] else None) for r in runs]
    common.print_table(view, [
        ("factor", "x"), ("pages", "pages"), ("kept", "kept"), ("wall_s", "wall s"), ("time_ratio_wall", "wall ratio"),
        ("cpu_s", "CPU s"), ("time_ratio_cpu", "CPU ratio"), ("pages_per_cpu_s", "pages/CPU-s"),
        ("driver_peak_rss_mb", "driver peak MB"), ("sdk_workers", "SDK workers"),
        ("sdk_worker_peak_rss_mb", "SDK worker peak MB"), ("extraction_worker_peak_rss_mb", "extract worker peak MB"),
        ("peak_tree_rss_mb", "tree peak MB"), ("load", "load 1m"),
    ], title=f"scaling on {'Spark local' if args.runner == 'spark' else 'DirectRunner'}, {workers} worker(s), "
             + ("one file per size" if args.layout == "one-file" else f"N files of {args.base_pages} pages")
             + ("; SDK worker = Spark Python worker" if args.runner == "spark" else ""))
    if args.runner == "spark":
        print("Spark JVM peak MB: " + ", ".join(str(r["spark_jvm_peak_rss_mb"]) for r in runs))
    print(f"\nfit: CPU = {a:.1f} s + {b * 1000:.2f} ms/page; wall = {aw:.1f} s + {bw * 1000:.2f} ms/page; "
          f"projected CPU at {args.project:,} pages: {a + b * args.project:.0f} s")
    for name, v in verdict.items():
        if v["ratio"] is None:
            continue
        print(f"{name}: {v['ratio']} (allowed {v['allowed']:.2f}): {'met' if v['met'] else 'NOT met'}")
    common.write_results(args.out, "scaling", common.command_line("bench_scaling.py", argv), {
        "runner": args.runner,
        "layout": args.layout,
        "partitions_per_factor": args.partitions_per_factor,
        "shard_target_tokens": args.shard_target_tokens,
        "spark_conf": args.spark_conf,
        "workers": workers,
        "targets": {"time": f"{factors[-1]}x input within {allowed:.2f}x the time",
                    "rss": "peak RSS per worker within 10 % from smallest to largest input"},
        "verdict": verdict, "fit": fitted, "runs": runs,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
