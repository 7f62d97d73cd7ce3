"""End to end: ``run_pipeline`` on DirectRunner with 1 and 2 workers (and Spark when present) vs the bare floor.

    .venv/bin/python bench/bench_e2e.py [--pages 2000] [--workers 1,2] [--tiny-pages 20] [--no-spark]
                                        [--extractor trafilatura] [--profile] [--breakdown]
                                        [--workdir /tmp/thresher-bench]
                                        [--out bench/results/e2e.json]

Every run is a fresh interpreter (``python bench/child_runs.py pipeline ...``)
on the generated crawl (``write_sample_crawl(pages=--pages)``; above 2,000
pages, 2,000-page crawls concatenated, see ``common.generated_crawl``) with
the default recipe. For each run:

* wall time and CPU time of the ``run_pipeline`` call, self + children
  (``getrusage(RUSAGE_CHILDREN)`` after every worker process is reaped, plus
  any still alive from ``/proc``), and of the whole process (interpreter
  start included), seen from outside;
* documents/s (HTML pages in per wall second and per CPU-second) and MB/s
  per core (input file bytes per CPU-second);
* CPU and peak RSS per process role (driver, Beam SDK workers, extraction
  workers, Spark JVM) from sampling ``/proc`` every 0.2 s;
* the stages' own time from stats.json (``cpu_seconds``: note it is
  ``perf_counter`` time spent in the stage, so it includes waiting for the
  extraction worker process).

The floor is ``bench_bare.py``'s run of the same work with bare library
calls in one process, same input. Target: pipeline CPU <= 1.3 x bare CPU.
The same work: the pipeline runs the floor's extractor (``--extractor``,
trafilatura unless told otherwise, as when the recorded figures were taken),
not the config's default ``combined`` extractor, which runs both libraries
and has no one-library floor.

Where the time goes: a run on a --tiny-pages crawl gives each configuration's
fixed cost (interpreter, Beam import, building and running the run's jobs:
phase A, dedup, shards; worker start-up); the rest is per page,
and ``marginal overhead = (CPU(N) - CPU(tiny)) / (bare(N) - bare(tiny))``.
``--breakdown`` splits the 1-worker fixed cost with three more tiny runs:
MinHash ``max_rounds: 2`` (instead of 20 unrolled rounds), MinHash dedup off,
and extraction inline (no extraction worker process). ``--profile`` adds a
cProfile run of the 1-worker pipeline summarised by package (profiling slows
it down; its times are not the headline).

Spark runs only if the engine registry (``thresher.engines.ENGINES``) has a
``spark`` engine whose module (``thresher.engines.spark.engine``) and
requirements (``pyspark``) import, with ``runner: {name: spark, options:
{master: "local[2]"}}``; otherwise it is recorded as skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pstats
from functools import partial
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_RATIO = 1.3


def spark_unavailable() -> str | None:
    """Why the Spark engine cannot run here, or None when it can (asks the engine registry)."""
    from thresher.engines import ENGINES

    entry = ENGINES.get("spark")
    if entry is None:
        return "the engine registry has no spark engine"
    for module in entry.requires:
        if importlib.util.find_spec(module) is None:
            return f"{module} is not importable"
    module = entry.factory.partition(":")[0]
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        return f"{module} does not exist"
    return None


def pipeline_config(path: Path | list[Path], out: Path, workers: int | None = None, runner: str = "direct",
                    options: dict | None = None, extractor: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A run's config: the default recipe, with ``extractor`` (None: the config's default) and dotted overrides."""
    paths = [str(p) for p in path] if isinstance(path, list) else [str(path)]
    config: dict[str, Any] = {"input": {"paths": paths}, "output": {"path": str(out)},
                              "runner": {"name": runner, "workers": workers, "options": options or {}}}
    if extractor is not None:
        config["extract"] = {"extractor": extractor}
    return common.set_dotted(config, overrides)


def run_variant(label: str, config: dict[str, Any], workdir: Path, profile: Path | None = None) -> dict[str, Any]:
    print(f"  running {label} ...", flush=True)
    spec: dict[str, Any] = {"config": config}
    if profile is not None:
        spec["profile"] = str(profile)
    report = common.run_child("pipeline", spec, workdir)
    report["variant"] = label
    if not report["ok"]:
        print(f"  {label} FAILED (exit {report['exit_code']}):\n{report['error'][-1500:]}")
    return report


def run_bare(path: Path, workdir: Path, extractor: str = "trafilatura") -> dict[str, Any]:
    print(f"  running bare floor on {path.name} ...", flush=True)
    report = common.run_child("bare", {"inputs": [str(path)], "out": str(workdir / "bare-out"),
                                       "extractor": extractor}, workdir)
    if not report["ok"]:
        raise SystemExit(f"bare run failed:\n{report['error']}")
    return report


def import_costs() -> dict[str, float]:
    """CPU of a bare interpreter, and of one that imports thresher's run driver / the Beam engine (best of 2)."""
    out = {}
    for label, code in (("python -c pass", "pass"),
                        ("import thresher.run.driver", "import thresher.run.driver"),
                        ("import apache_beam + beam engine", "import thresher.engines.beam.engine")):
        best = float("inf")
        for _ in range(2):
            import resource

            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([common.PYTHON, "-c", code], check=True, capture_output=True, env=dict(os.environ))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            best = min(best, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        out[label] = round(best, 3)
    return out


def profile_summary(path: Path, top: int = 25) -> list[dict[str, Any]]:
    """Own (tottime) seconds by package: where the driver's CPU goes in a 1-worker run."""
    st = pstats.Stats(str(path))
    by: Counter = Counter()
    for (fn, _line, name), (_cc, _nc, tt, _ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in fn:
            key = fn.split("site-packages/")[1].split("/")[0]
        elif "/thresher/" in fn:
            key = "thresher/" + fn.split("/thresher/")[1].split("/")[0]
        elif fn == "~":
            key = f"builtin {name}"
        else:
            key = "stdlib " + fn.rsplit("/", 1)[-1]
        by[key] += tt
    total = sum(by.values())
    return [{"where": k, "seconds": round(v, 2), "share": round(v / total, 3)} for k, v in by.most_common(top)]


def top_functions(path: Path, top: int = 20) -> list[dict[str, Any]]:
    """The functions with the most cumulative time under them (a profile's call-tree view, flattened)."""
    st = pstats.Stats(str(path))
    rows = []
    for (fn, line, name), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        short = fn.split("site-packages/")[-1] if "site-packages/" in fn else fn.split("/")[-1]
        if "/thresher/" in fn:
            short = "thresher/" + fn.split("/thresher/")[1]
        rows.append({"function": f"{short}:{line}({name})", "calls": nc, "own_s": round(tt, 2),
                     "cumulative_s": round(ct, 2)})
    rows.sort(key=lambda r: -r["cumulative_s"])
    return rows[:top]


def summarize(report: dict[str, Any], bare_cpu: float, input_mb: float) -> dict[str, Any]:
    pages = report.get("pages") or 0
    cpu = report["cpu_s"]
    return {
        "variant": report["variant"], "pages": pages, "kept": report.get("kept_documents"),
        "tokens": report.get("tokens"), "wall_s": report["wall_s"], "cpu_s": cpu,
        "process_cpu_s": report["process_cpu_s"], "process_wall_s": report["process_wall_s"],
        "sampled_cpu_s": report.get("sampled_cpu_s"),
        "pages_per_wall_s": round(pages / report["wall_s"], 2) if report["wall_s"] else None,
        "pages_per_cpu_s": round(pages / cpu, 2) if cpu else None,
        "mb_per_cpu_s": round(input_mb / cpu, 3) if cpu else None,
        "vs_bare": common.ratio(cpu, bare_cpu),
        "target_met": (cpu / bare_cpu) <= TARGET_RATIO if bare_cpu else None,
        "load_1m": report["load_1m_before"] + report["load_1m_after"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000, help="pages of the generated crawl (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", default="1,2", help="DirectRunner worker counts to run (default 1,2)")
    ap.add_argument("--tiny-pages", type=int, default=20, help="crawl size of the fixed-cost runs (0: skip them)")
    ap.add_argument("--no-spark", action="store_true", help="do not try the Spark engine")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--extractor", choices=("trafilatura", "resiliparse"), default="trafilatura",
                    help="extractor of the pipeline runs and the bare floor alike (default trafilatura)")
    ap.add_argument("--profile", action="store_true", help="also run the 1-worker pipeline under cProfile")
    ap.add_argument("--breakdown", action="store_true",
                    help="fixed cost by part: 1-worker tiny runs with 2 MinHash rounds, MinHash off, inline extraction")
    ap.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR)
    ap.add_argument("--out", type=Path, default=common.RESULTS / "e2e.json")
    args = ap.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    # Every pipeline run extracts with the floor's extractor (see the module docstring).
    config_of = partial(pipeline_config, extractor=args.extractor)

    crawl = common.generated_crawl(args.pages, args.seed, args.workdir)
    input_mb = common.file_mb([crawl])
    print(f"input: {crawl} ({input_mb:.1f} MB), load {common.load_average()}")
    bare = run_bare(crawl, args.workdir, args.extractor)
    bare_cpu = bare["bare_cpu_s"]

    runs = []
    for w in workers:
        runs.append(run_variant(f"direct, {w} worker{'s' if w > 1 else ''}",
                                config_of(crawl, args.workdir / f"e2e-out-w{w}", w), args.workdir))
    spark: dict[str, Any]
    reason = "disabled with --no-spark" if args.no_spark else spark_unavailable()
    if reason:
        print(f"skipped: spark engine not available ({reason})")
        spark = {"skipped": f"spark engine not available: {reason}"}
    else:
        report = run_variant(f"spark, master {args.spark_master}", config_of(
            crawl, args.workdir / "e2e-out-spark", runner="spark", options={"master": args.spark_master}),
            args.workdir)
        spark = {"report": report}
        if report["ok"]:
            runs.append(report)

    fixed: dict[str, Any] = {}
    if args.tiny_pages:
        tiny = common.generated_crawl(args.tiny_pages, args.seed, args.workdir)
        tiny_bare = run_bare(tiny, args.workdir, args.extractor)
        fixed["tiny_pages"] = args.tiny_pages
        fixed["bare"] = {"cpu_s": tiny_bare["bare_cpu_s"], "process_cpu_s": tiny_bare["process_cpu_s"]}
        tiny_runs = [(f"direct_{w}", f"direct, {w} worker{'s' if w > 1 else ''}, {args.tiny_pages} pages",
                      config_of(tiny, args.workdir / f"e2e-tiny-w{w}", w)) for w in workers]
        if "report" in spark and spark["report"]["ok"]:
            tiny_runs.append(("spark", f"spark, master {args.spark_master}, {args.tiny_pages} pages", config_of(
                tiny, args.workdir / "e2e-tiny-spark", runner="spark", options={"master": args.spark_master})))
        for key, label, config in tiny_runs:
            r = run_variant(label, config, args.workdir)
            if r["ok"]:
                fixed[key] = {"cpu_s": r["cpu_s"], "wall_s": r["wall_s"], "process_cpu_s": r["process_cpu_s"],
                              "sampled_cpu_s": r.get("sampled_cpu_s"), "roles": r["roles"]}
        if args.breakdown:
            for key, label, overrides in (
                ("direct_1_max_rounds_2", "MinHash max_rounds 2 (default 20)", {"dedup.minhash.max_rounds": 2}),
                ("direct_1_minhash_off", "MinHash dedup off", {"dedup.minhash.enabled": False}),
                ("direct_1_inline_extract", "extraction inline (timeout_s: null)",
                 {"extract.params": {"timeout_s": None}}),
            ):
                r = run_variant(f"direct, 1 worker, {args.tiny_pages} pages, {label}",
                                config_of(tiny, args.workdir / f"e2e-tiny-{key}", 1, **overrides), args.workdir)
                if r["ok"]:
                    fixed[key] = {"label": label, "cpu_s": r["cpu_s"], "wall_s": r["wall_s"],
                                  "process_cpu_s": r["process_cpu_s"]}
        fixed["imports"] = import_costs()

    profile: dict[str, Any] | None = None
    if args.profile:
        prof_path = args.workdir / "e2e-profile.pstats"
        r = run_variant("direct, 1 worker, cProfile", config_of(crawl, args.workdir / "e2e-out-prof", 1),
                        args.workdir, profile=prof_path)
        if r["ok"]:
            profile = {"by_package": profile_summary(prof_path), "top_cumulative": top_functions(prof_path, 40)}

    ok_runs = [r for r in runs if r["ok"]]
    rows = [summarize(r, bare_cpu, input_mb) for r in ok_runs]
    bare_row = {"variant": "bare library calls (bench_bare)", "pages": bare["pages"], "kept": bare["kept_documents"],
                "tokens": bare["tokens"], "wall_s": round(sum(s["wall_s"] for s in bare["steps"]), 3),
                "cpu_s": bare_cpu, "process_cpu_s": bare["process_cpu_s"], "process_wall_s": bare["process_wall_s"],
                "pages_per_wall_s": round(bare["pages"] / sum(s["wall_s"] for s in bare["steps"]), 2),
                "pages_per_cpu_s": round(bare["pages"] / bare_cpu, 2), "mb_per_cpu_s": round(input_mb / bare_cpu, 3),
                "vs_bare": 1.0, "load_1m": bare["process_load_1m_before"] + bare["process_load_1m_after"]}
    for r, rep in zip(rows, ok_runs):
        if rep["variant"].startswith("direct"):
            key = "direct_" + rep["variant"].split(", ")[1].split(" ")[0]
        else:
            key = "spark"
        tiny = fixed.get(key)
        if tiny:
            marginal = (r["cpu_s"] - tiny["cpu_s"]) / max(bare_cpu - fixed["bare"]["cpu_s"], 1e-9)
            r["fixed_cpu_s"] = tiny["cpu_s"]
            r["marginal_vs_bare"] = round(marginal, 3)
    view = [dict(r, load=r["load_1m"][0] if r["load_1m"] else None) for r in [bare_row] + rows]
    common.print_table(view, [
        ("variant", "run"), ("pages", "pages"), ("kept", "kept"), ("wall_s", "wall s"), ("cpu_s", "CPU s"),
        ("process_cpu_s", "process CPU s"), ("sampled_cpu_s", "sampled CPU s"), ("pages_per_wall_s", "pages/s"),
        ("pages_per_cpu_s", "pages/CPU-s"),
        ("mb_per_cpu_s", "MB/CPU-s"), ("vs_bare", "x bare"), ("target_met", f"<= {TARGET_RATIO}x"),
        ("fixed_cpu_s", f"fixed CPU s ({args.tiny_pages}p)"), ("marginal_vs_bare", "marginal x bare"),
        ("load", "load 1m"),
    ], title=f"end to end on {crawl.name} ({bare['pages']} HTML pages, {input_mb:.1f} MB)")

    for rep in ok_runs:
        roles = [dict(role=k, **v) for k, v in rep["roles"].items()]
        common.print_table(roles, [("role", "process role"), ("processes", "processes"), ("cpu_s", "CPU s (sampled)"),
                                   ("peak_rss_mb_max", "peak RSS MB (max)")], title=f"{rep['variant']}: by process")
        stage_rows = [s for s in rep.get("stages", []) if s.get("cpu_seconds") is not None]
        if stage_rows:
            common.print_table(stage_rows, [("stage", "stage"), ("in", "in"), ("kept", "kept"),
                                            ("cpu_seconds", "stats.json cpu_seconds (perf_counter)")])
    common.print_table([dict(s, load=s["load_1m"][0] if s["load_1m"] else None) for s in bare["steps"]],
                       [("step", "bare step"), ("items", "items"), ("cpu_s", "CPU s"), ("wall_s", "wall s"),
                        ("load", "load 1m")], title="bare floor by step")
    if fixed:
        breakdown = [dict(v, key=k) for k, v in fixed.items() if isinstance(v, dict) and "label" in v]
        if breakdown:
            common.print_table(breakdown, [("label", f"1 worker, {args.tiny_pages} pages"), ("cpu_s", "CPU s"),
                                           ("wall_s", "wall s")], title="fixed cost by part")
        print(f"\nfixed costs: imports {fixed.get('imports')}; "
              + "; ".join(f"{k}: {v['cpu_s']} CPU s" for k, v in fixed.items() if k.startswith(("direct_", "spark")))
              + f"; bare on {args.tiny_pages} pages: {fixed['bare']['cpu_s']} CPU s")
    if profile:
        common.print_table(profile["by_package"], [("where", "where (own time)"), ("seconds", "s"),
                                                   ("share", "share")],
                           title="cProfile of the 1-worker run, driver process, by package")
        common.print_table(profile["top_cumulative"][:25], [("function", "function"), ("calls", "calls"),
                                                            ("own_s", "own s"), ("cumulative_s", "cumulative s")],
                           title="cProfile: most cumulative time")
    common.write_results(args.out, "e2e", common.command_line("bench_e2e.py", argv), {
        "input": {"path": str(crawl), "pages_generated": args.pages, "seed": args.seed, "mb": round(input_mb, 3)},
        "extractor": args.extractor,
        "target": f"pipeline CPU <= {TARGET_RATIO} x bare CPU",
        "cpu_definition": "run_pipeline call: process_time + RUSAGE_CHILDREN delta (+ live children from /proc)",
        "bare": bare,
        "summary": [bare_row] + rows,
        "runs": runs,
        "spark": spark,
        "fixed_costs": fixed,
        "profile_by_package": profile,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
