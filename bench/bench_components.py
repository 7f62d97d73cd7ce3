"""Connected components of the MinHash candidate graph at 1x, 2x and 4x: rounds, time, peak memory.

    .venv/bin/python bench/bench_components.py [--unit-docs 20000] [--scales 1,2,4] [--workers 2]
                                               [--skip-multiprocess] [--workdir /tmp/thresher-bench/components]

Corpora: a 1x unit of ``--unit-docs`` generated documents with heavy
duplication (three quarters of them in near-duplicate clusters of power-law
size, 2 to 400, each member a 2-word edit of a recent member, so clusters
are chain-like trees of candidates, the shape that needs rounds), and 2x /
4x made of 2 / 4 independent units (other seeds). Scaling the corpus this
way keeps its kind fixed (same cluster-size distribution, same largest
cluster), which is what "more of the same web" means and what a per-worker
memory target is about. Candidate edges come from the real thing: batched
MinHash signatures (14 x 8, xxh3), LSH buckets, star edges per bucket,
computed once and cached as Parquet.

Measured, each in a fresh interpreter (peak RSS is the process's own):

* ``in-memory``: :func:`thresher.stages.dedup.components.star_contraction_components`
  (rounds used, time, peak RSS);
* ``beam in_memory``: :func:`thresher.run.dedup.components.connected_components`
  (the dedup job's components over the Flow primitives) run by ``BeamEngine``
  on Beam's local runner with one worker in memory, reading the edges from
  Parquet (:class:`engine_jobs.ReadEdges`), unrolled to the rounds the
  in-memory run needed (its convergence check proves that was enough);
* ``beam one worker, union-find``: the same function on its small-graph
  path (``edge_bound`` under ``SINGLE_WORKER_EDGES``, as the dedup job's
  MinHash stage takes it when the document count bounds the graph): every
  edge under one key, union-find, no rounds;
* ``beam multi_processing``: the same with ``--workers`` SDK worker
  processes (``BeamEngine`` with ``runner.workers``); peak RSS of the
  runner process and of the largest worker (VmHWM, sampled from /proc
  while the workers live).

Every Beam run's labels are checked against union-find (count and an
order-free digest). Scaling is judged on CPU time (the process and its
workers): on a shared machine wall time mostly measures the neighbours.
"net" Beam CPU subtracts the same job run on zero edges (start-up and
the fixed cost of the unrolled stages). The largest
neighbour group of any round is reported too: it is the biggest value list a
worker holds in the Beam job, so it, not the corpus size, bounds
per-worker memory on a distributed runner. (The DirectRunner keeps every
PCollection in its runner process: that process's RSS grows with the data
by design, so it is no evidence either way.)

Writes bench/results/components.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
# Beam worker processes are separate interpreters: they must import this tree (and bench/engine_jobs) too.
_paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in (str(ROOT), str(ROOT / "bench"))]
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "bench"), *_paths])

RESULTS = ROOT / "bench" / "results" / "components.json"
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "thresher-bench" / "components"
WORDS = 80
MAX_CLUSTER = 400
BANDS, ROWS = 14, 8
MAX_ROUNDS = 60


# -- corpus and candidate graph ------------------------------------------------------


def unit_corpus(seed: int, docs: int) -> list[str]:
    """One 1x unit: clusters of near-duplicates (power-law sizes) then unrelated pages."""
    rng = random.Random(seed)

    def fresh(k: int) -> list[str]:
        return [f"w{rng.getrandbits(40):010x}" for _ in range(k)]

    texts: list[str] = []
    while len(texts) < docs * 3 // 4:
        size = min(int(2 * (1 - rng.random()) ** -1.2), MAX_CLUSTER)  # Pareto tail: many pairs, a few big ones
        members = [fresh(WORDS)]
        for _ in range(size - 1):
            # Derive from one of the last three members: long chains, some branching.
            child = list(members[rng.randrange(max(0, len(members) - 3), len(members))])
            for _ in range(2):
                child[rng.randrange(WORDS)] = fresh(1)[0]
            members.append(child)
        texts += [" ".join(m) for m in members]
    texts = texts[: docs * 3 // 4]
    texts += [" ".join(fresh(WORDS)) for _ in range(docs - len(texts))]
    return texts


def candidate_edges(texts: list[str], prefix: str) -> list[tuple[str, str]]:
    """Star edges of every LSH bucket, as the pipeline makes them (distinct)."""
    from thresher.stages.dedup.lsh import batch_band_keys, star_edges
    from thresher.stages.dedup.minhash import minhash_signatures
    from thresher.stages.dedup.shingles import word_shingles

    buckets: dict = defaultdict(list)
    for start in range(0, len(texts), 512):
        batch = texts[start : start + 512]
        signatures = minhash_signatures([word_shingles(t) for t in batch], BANDS * ROWS, 1, hash="xxh3")
        for offset, keys in enumerate(batch_band_keys(signatures, BANDS, ROWS)):
            for key in keys:
                buckets[key].append(f"{prefix}{start + offset:07d}")
    return sorted({edge for ids in buckets.values() for edge in star_edges(ids)})


def corpus_edges(scale: int, unit_docs: int, workdir: Path) -> Path:
    """The scale's edges as Parquet (``a``, ``b``), cached."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = workdir / f"edges-{unit_docs}x{scale}.parquet"
    if not path.exists():
        edges: list[tuple[str, str]] = []
        for unit in range(scale):
            edges += candidate_edges(unit_corpus(1000 + unit, unit_docs), f"u{unit}-")
        table = pa.table({"a": [a for a, _ in edges], "b": [b for _, b in edges]})
        tmp = path.with_suffix(".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    return path


def read_edges(path: Path) -> list[tuple[str, str]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path).to_pydict()
    return list(zip(table["a"], table["b"]))


def label_digest(pairs) -> tuple[int, int]:
    """``(count, digest)`` of ``(node, label)`` pairs, independent of their order."""
    import xxhash

    count = total = 0
    for node, label in pairs:
        count += 1
        total += xxhash.xxh3_64_intdigest(f"{node}\t{label}".encode())
    return count, total % (1 << 64)


def graph_profile(edges: list[tuple[str, str]]) -> dict[str, Any]:
    """Nodes, components, the largest component, and the largest neighbour group of any round."""
    from collections import Counter

    from thresher.stages.dedup.components import (
        adjacency_records,
        connected_components,
        is_settled,
        large_star,
        small_star,
    )

    labels = connected_components(edges)
    sizes = Counter(labels.values())

    def group(pairs) -> dict:
        state: dict = defaultdict(set)
        for a, b in adjacency_records(pairs):
            state[a].add(b)
        return state

    state = group(edges)
    largest = [max(map(len, state.values()), default=0)]
    while not all(is_settled(n, nbrs) for n, nbrs in state.items()):
        state = group(e for n, nbrs in state.items() for e in large_star(n, nbrs))
        state = group(e for n, nbrs in state.items() for e in small_star(n, nbrs))
        largest.append(max(map(len, state.values()), default=0))
    count, digest = label_digest(labels.items())
    return {
        "edges": len(edges),
        "nodes": len(labels),
        "components": len(sizes),
        "largest_component": max(sizes.values(), default=0),
        "largest_group_any_round": max(largest),
        "largest_group_per_round": largest,
        "labels": count,
        "label_digest": digest,
    }


# -- measured runs (child processes) ----------------------------------------------------


# Peak RSS comes from /proc (VmHWM), not getrusage: Linux carries ru_maxrss across
# fork + exec, so a child would report at least its parent's size at the fork.


def _proc_status_mb(pid: int | str, field: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) * 1024 / 1e6, 1)
    except OSError:
        pass
    return None


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    stat = fh.read()
                children[int(stat[stat.rfind(")") + 2 :].split()[1])].append(int(name))
            except (OSError, IndexError, ValueError):
                continue
    out, stack = [], list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


class _WorkerPeaks:
    """Samples the peak RSS (VmHWM) of every descendant process while it lives: the Beam SDK workers."""

    def __init__(self, interval: float = 0.1) -> None:
        import threading

        self.peaks: dict[int, float] = {}
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "_WorkerPeaks":
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            for pid in _descendants(os.getpid()):
                hwm = _proc_status_mb(pid, "VmHWM")
                if hwm is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), hwm)
            self._stop.wait(self._interval)


def _child_memory(edges_path: Path, _rounds: int, _workers: int) -> dict[str, Any]:
    from thresher.stages.dedup.components import star_contraction_components

    edges = read_edges(edges_path)
    rss_loaded = _proc_status_mb("self", "VmRSS")
    wall = cpu = float("inf")
    for _ in range(5):  # best of 5: a run takes well under a second at these sizes
        c0, w0 = time.process_time(), time.perf_counter()
        labels, rounds = star_contraction_components(edges, max_rounds=MAX_ROUNDS)
        wall, cpu = min(wall, time.perf_counter() - w0), min(cpu, time.process_time() - c0)
    count, digest = label_digest(labels.items())
    return {"rounds": rounds, "wall_s": wall, "cpu_s": cpu, "labels": count, "label_digest": digest,
            "rss_after_loading_mb": rss_loaded, "peak_rss_mb": _proc_status_mb("self", "VmHWM")}


def _beam(edges_path: Path, rounds: int, workers: int, out: Path, single_worker: bool = False) -> dict[str, Any]:
    import logging

    from engine_jobs import beam_engine, components_job, parquet_edges, read_label_summary

    logging.getLogger().setLevel(logging.ERROR)
    # single_worker: the path the dedup job takes when the document count bounds the graph below
    # SINGLE_WORKER_EDGES (edge_bound=0 forces it): union-find on one worker, no rounds.
    job = components_job(parquet_edges(edges_path), max_rounds=rounds, edge_bound=0 if single_worker else None,
                         summary_path=str(out))
    c0, k0, w0 = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    with _WorkerPeaks() as workers_seen:
        beam_engine(workers).run("components", job)
    wall = time.perf_counter() - w0
    k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - c0 + (k1.ru_utime + k1.ru_stime) - (k0.ru_utime + k0.ru_stime)
    summary = read_label_summary(out)
    labels = {"labels": summary["labels"], "label_digest": summary["label_digest"]}
    return {"rounds": 0 if single_worker else rounds, "wall_s": wall, "cpu_s": cpu, **labels,
            "peak_rss_mb": _proc_status_mb("self", "VmHWM"),
            "worker_processes": len(workers_seen.peaks),
            "peak_rss_largest_worker_mb": max(workers_seen.peaks.values(), default=None) if workers > 1 else None}


def _child_main(kind: str, edges_path: str, rounds: int, workers: int, out: str) -> None:
    out_path = Path(out)
    if kind == "memory":
        report = _child_memory(Path(edges_path), rounds, workers)
    else:
        digest_path = out_path.with_suffix(".labels.json")
        if digest_path.exists():
            digest_path.unlink()
        report = _beam(Path(edges_path), rounds, workers, digest_path, single_worker=kind == "beam1")
    out_path.write_text(json.dumps(report))


def run_child(kind: str, edges: Path, rounds: int, workers: int, workdir: Path, repeat: int = 1) -> dict[str, Any]:
    """The best (shortest wall time) of ``repeat`` runs, each in a fresh interpreter."""
    reports = [_run_child_once(kind, edges, rounds, workers, workdir) for _ in range(max(1, repeat))]
    best = min(reports, key=lambda r: r["wall_s"])
    best["wall_s_all"] = [round(r["wall_s"], 3) for r in reports]
    # Peak memory does not depend on the machine's load: the largest seen is the honest figure.
    for key in ("peak_rss_mb", "peak_rss_largest_worker_mb"):
        if best.get(key) is not None:
            best[key] = max(r[key] for r in reports)
    return best


def _run_child_once(kind: str, edges: Path, rounds: int, workers: int, workdir: Path) -> dict[str, Any]:
    out = workdir / f"report-{kind}-{os.getpid()}.json"
    if out.exists():
        out.unlink()
    load = os.getloadavg()[0]
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(edges), str(rounds), str(workers), str(out)],
        capture_output=True, text=True, timeout=3600,
    )
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"{kind} run failed:\n{proc.stderr[-3000:]}")
    report = json.loads(out.read_text())
    report["load_1m_before"] = round(load, 2)
    return report


# -- main -----------------------------------------------------------------------------


def _empty_edges(workdir: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = workdir / "edges-empty.parquet"
    pq.write_table(pa.table({"a": pa.array([], pa.string()), "b": pa.array([], pa.string())}), path)
    return path


def _print_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    def fmt(v: Any) -> str:
        if v is None:
            return "-"
        if isinstance(v, bool):
            return "yes" if v else "NO"
        if isinstance(v, float):
            return f"{v:,.2f}" if v < 100 else f"{v:,.0f}"
        return f"{v:,}" if isinstance(v, int) else str(v)

    cells = [[fmt(r.get(k)) for k, _ in columns] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(columns)]
    print("  ".join(h.rjust(w) for (_, h), w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print("  ".join(v.rjust(w) for v, w in zip(c, widths)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit-docs", type=int, default=20_000, help="documents in the 1x corpus (default 20000)")
    parser.add_argument("--scales", default="1,2,4", help="corpus multiples (default 1,2,4)")
    parser.add_argument("--workers", type=int, default=2, help="SDK workers of the multi-process run (default 2)")
    parser.add_argument("--skip-multiprocess", action="store_true", help="only the single-process Beam run")
    parser.add_argument("--repeat", type=int, default=2, help="Beam runs per measurement, best kept (default 2)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]

    corpora = {}
    for scale in scales:
        path = corpus_edges(scale, args.unit_docs, args.workdir)
        corpora[scale] = {"documents": scale * args.unit_docs, "edges_file": str(path),
                          **graph_profile(read_edges(path))}
        print(f"{scale}x: {corpora[scale]['documents']:,} documents, {corpora[scale]['edges']:,} candidate edges, "
              f"{corpora[scale]['components']:,} components", flush=True)

    runs: list[dict[str, Any]] = []
    modes = [("in-memory", "memory", 1), ("beam in_memory", "beam", 1), ("beam one worker, union-find", "beam1", 1)]
    if not args.skip_multiprocess:
        modes.append((f"beam multi_processing x{args.workers}", "beam", args.workers))
    empty = _empty_edges(args.workdir)
    for scale in scales:
        corpus = corpora[scale]
        rounds = None
        for name, kind, workers in modes:
            repeat = args.repeat if kind != "memory" else 1
            report = run_child(kind, Path(corpus["edges_file"]), rounds or MAX_ROUNDS, workers, args.workdir, repeat)
            if kind == "memory":
                rounds = report["rounds"]
            correct = (report["labels"], report["label_digest"]) == (corpus["labels"], corpus["label_digest"])
            runs.append({"implementation": name, "scale": scale, "workers": workers, "edges": corpus["edges"],
                         "correct": correct, **report})
            print(f"  {scale}x {name}: {report['wall_s']:.2f} s, {report['rounds']} rounds, correct={correct}",
                  flush=True)
    # Fixed cost of each Beam pipeline at the largest round count: start-up, and stages run on nothing.
    # CPU time is the scaling measure: on a shared machine wall time mostly measures the neighbours.
    max_rounds = max(r["rounds"] for r in runs)
    baselines = {}
    for name, kind, workers in modes:
        if kind != "memory":
            base = run_child(kind, empty, max_rounds, workers, args.workdir, args.repeat)
            baselines[name] = {"wall_s": base["wall_s"], "cpu_s": base["cpu_s"]}
    for run in runs:
        base = baselines.get(run["implementation"])
        run["baseline_cpu_s"] = None if base is None else base["cpu_s"]
        run["net_cpu_s"] = run["cpu_s"] if base is None else max(run["cpu_s"] - base["cpu_s"], 0.0)
        one_x = next(r for r in runs if r["implementation"] == run["implementation"] and r["scale"] == scales[0])
        run["net_cpu_vs_1x"] = round(run["net_cpu_s"] / one_x["net_cpu_s"], 2) if one_x["net_cpu_s"] else None
        run["edges_per_cpu_s"] = round(run["edges"] / run["net_cpu_s"]) if run["net_cpu_s"] else None

    print()
    _print_table(
        [{**r, "largest_group": corpora[r["scale"]]["largest_group_any_round"]} for r in runs],
        [("implementation", "implementation"), ("scale", "scale"), ("edges", "edges"), ("rounds", "rounds"),
         ("wall_s", "wall s"), ("cpu_s", "cpu s"), ("net_cpu_s", "net cpu s"), ("net_cpu_vs_1x", "net cpu/1x"),
         ("edges_per_cpu_s", "edges/cpu s"), ("peak_rss_mb", "peak RSS MB"),
         ("peak_rss_largest_worker_mb", "worker RSS MB"), ("largest_group", "largest group"), ("correct", "correct")],
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "components",
        "command": " ".join([".venv/bin/python", "bench/bench_components.py", *(argv or sys.argv[1:])]),
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_1m_at_end": round(os.getloadavg()[0], 2)},
        "settings": {"unit_docs": args.unit_docs, "repeat": args.repeat, "words_per_doc": WORDS, "bands": BANDS, "rows": ROWS,
                     "max_cluster": MAX_CLUSTER, "workers": args.workers},
        "corpora": {str(k): {kk: vv for kk, vv in v.items() if kk != "edges_file"} for k, v in corpora.items()},
        "beam_baseline_zero_edges": baselines,
        "runs": runs,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0 if all(r["correct"] for r in runs) else 1


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "--child":
        _child_main(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
        sys.exit(0)
    sys.exit(main())
