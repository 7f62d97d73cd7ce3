"""Connected components on Spark at 1x, 2x and 4x: rounds, time, and peak memory per Python worker.

    .venv/bin/python bench/bench_components_spark.py [--unit-nodes 200000] [--scales 1,2,4] [--cores 2]
                                                     [--nodes-per-partition 50000] [--out ...]

The per-worker memory target of the dedup brief ("peak memory per worker does
not grow with the corpus") is about a distributed engine, where a worker
holds one partition's share of a step at a time. The DirectRunner cannot show
it (it keeps every PCollection in its runner process, see
``bench_components.py``); Spark's executors can. This runs
:func:`thresher.run.dedup.components.connected_components` (the star
contraction the dedup job runs) through ``SparkEngine`` on ``local[--cores]``,
with real Python worker processes, in two partitionings:

* ``scaled``: partitions grow with the input (``ceil(nodes / --nodes-per-partition)``,
  at least 2 x cores), as ``runner.options.partitions`` is meant to be set;
* ``fixed``: 2 x cores partitions whatever the size: each partition grows with the input.

The graph: a 1x unit of ``--unit-nodes`` nodes in chain-like near-duplicate
clusters of power-law size (2 to 400; each member linked to a random earlier
member, the shape MinHash candidate graphs have, see ``bench_components.py``),
and 2x / 4x of 2 / 4 units: more of the same web. Edges are generated, not
signed, so the graph can be large enough for partition memory to show. Every
run's labels are checked against scipy's connected components (the job
folds them into a count of nodes and of components, ``engine_jobs.summarize_labels``).

Peak RSS is VmHWM per process, sampled every 0.2 s from /proc over the whole
tree (the driver, the Spark JVM, each pyspark Python worker). CPU time is the
tree's. Writes bench/results/components-spark.json.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import (  # noqa: E402
    DEFAULT_WORKDIR,
    TreeMonitor,
    command_line,
    cpu_now,
    fmt,
    load_average,
    print_table,
    ratio,
    write_results,
)

RSS_TARGET = 1.10


def cluster_edges(unit: int, nodes: int, seed: int) -> list[tuple[str, str]]:
    """Edges of ``nodes`` nodes in chain-like clusters of power-law size 2..400 (Pareto, alpha 1.2)."""
    rng = random.Random(seed)
    edges: list[tuple[str, str]] = []
    made = 0
    while made < nodes:
        size = min(400, max(2, int(rng.paretovariate(1.2) * 2)), nodes - made)
        if size < 2:
            break
        names = [f"u{unit:02d}n{made + i:09d}" for i in range(size)]
        for i in range(1, size):
            edges.append((names[rng.randrange(max(0, i - 3), i)], names[i]))
        made += size
    return edges


def reference_labels(edges: list[tuple[str, str]]) -> tuple[int, int]:
    """(components, nodes) by scipy over the same edges."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index: dict[str, int] = {}
    a = np.fromiter((index.setdefault(u, len(index)) for u, _ in edges), dtype=np.int64, count=len(edges))
    b = np.fromiter((index.setdefault(v, len(index)) for _, v in edges), dtype=np.int64, count=len(edges))
    n = len(index)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (a, b)), shape=(n, n))
    count, _ = connected_components(graph, directed=False)
    return int(count), n


def run_once(edges: list[tuple[str, str]], partitions: int, cores: int, workdir: Path) -> dict[str, Any]:
    from engine_jobs import components_job, read_label_summary, spark_engine

    from thresher.engines.spark.session import stop_spark_context

    conf = {"spark.ui.enabled": False, "spark.ui.showConsoleProgress": False, "spark.driver.memory": "2g"}
    engine = spark_engine(cores, partitions, conf)
    summary = workdir / f"labels-{os.getpid()}.json"
    summary.unlink(missing_ok=True)
    try:
        # Outside the measured part: the context starts (JVM, settings) and the edges, made on the
        # driver, are handed to Spark in --partitions partitions (an RDD is the Spark flow's collection).
        rdd = engine.sc.parallelize(edges, partitions)
        job = components_job(lambda flow: rdd, max_rounds=30, edge_bound=None, summary_path=str(summary))
        started, cpu0 = time.perf_counter(), cpu_now()
        with TreeMonitor(root=os.getpid()) as monitor:
            engine.run("components", job)
        wall, cpu = time.perf_counter() - started, cpu_now() - cpu0
    finally:
        engine.close()
        stop_spark_context()  # a fresh context per run, as each run has its own partitions
    labels = read_label_summary(summary)
    roles = monitor.by_role()
    workers = roles.get("spark python worker", {})
    return {
        "components": labels["components"],
        "nodes": labels["labels"],
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "python_workers": workers.get("processes", 0),
        "python_worker_peak_rss_mb": workers.get("peak_rss_mb_max"),
        "spark_jvm_peak_rss_mb": roles.get("spark jvm", {}).get("peak_rss_mb_max"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--unit-nodes", type=int, default=200_000)
    ap.add_argument("--scales", default="1,2,4")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--nodes-per-partition", type=int, default=50_000)
    ap.add_argument("--layouts", default="scaled,fixed")
    ap.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR / "components-spark")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/components-spark.json")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]
    rows: list[dict[str, Any]] = []
    for layout in args.layouts.split(","):
        for scale in scales:
            edges = [e for unit in range(scale) for e in cluster_edges(unit, args.unit_nodes, seed=unit)]
            expected_components, expected_nodes = reference_labels(edges)
            nodes = args.unit_nodes * scale
            partitions = (
                max(2 * args.cores, math.ceil(nodes / args.nodes_per_partition))
                if layout == "scaled"
                else 2 * args.cores
            )
            print(f"  {layout} {scale}x: {len(edges):,} edges, {partitions} partitions ...", flush=True)
            result = run_once(edges, partitions, args.cores, args.workdir)
            if (result["components"], result["nodes"]) != (expected_components, expected_nodes):
                raise SystemExit(f"labels differ from scipy: {result} vs {expected_components} components")
            rows.append({"layout": layout, "scale": scale, "edges": len(edges), "partitions": partitions,
                         "load_1m": load_average()[0], **result})
    for layout in {r["layout"] for r in rows}:
        base = next(r for r in rows if r["layout"] == layout and r["scale"] == scales[0])
        for r in rows:
            if r["layout"] == layout:
                r["cpu_ratio"] = ratio(r["cpu_s"], base["cpu_s"])
                r["worker_rss_ratio"] = ratio(r["python_worker_peak_rss_mb"], base["python_worker_peak_rss_mb"])
    print_table(rows, [("layout", "layout"), ("scale", "×"), ("edges", "edges"), ("partitions", "partitions"),
                       ("components", "components"), ("cpu_s", "CPU s"), ("cpu_ratio", "CPU ratio"),
                       ("wall_s", "wall s"), ("python_worker_peak_rss_mb", "Python worker peak MB"),
                       ("worker_rss_ratio", "worker RSS ratio"), ("spark_jvm_peak_rss_mb", "JVM peak MB"),
                       ("load_1m", "load 1m")],
                title=f"Spark connected components, local[{args.cores}]")
    largest = max(scales)
    verdict = {
        layout: next(r["worker_rss_ratio"] for r in rows if r["layout"] == layout and r["scale"] == largest)
        for layout in {r["layout"] for r in rows}
    }
    print("worker peak RSS ratio at " + f"{largest}x: " + ", ".join(f"{k} {fmt(v)}" for k, v in verdict.items())
          + f" (target <= {RSS_TARGET})")
    write_results(args.out, "components-spark", command_line("bench_components_spark.py", argv),
                  {"rows": rows, "rss_target": RSS_TARGET, "rss_ratio_at_largest": verdict})
    return 0


if __name__ == "__main__":
    sys.exit(main())
