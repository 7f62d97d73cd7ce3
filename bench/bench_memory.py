"""Memory that does not grow with the crawl: peak RSS of every process from 1x to 8x the input on every
engine, one real-size WARC file on a laptop, and the shuffle volume per input byte.

    .venv/bin/python bench/bench_memory.py scaling [--engines direct,portable,spark,local] [--scales 1,2,4,8]
                                           [--base-pages 800] [--workers 2] [--repeat 1]
    .venv/bin/python bench/bench_memory.py bigfile [--pages 10000,20000,40000] [--workers 2]
    .venv/bin/python bench/bench_memory.py dedup [--engines direct,portable,spark] [--scales 1,8]
                                           [--base-documents 4500] [--workers 2]
    (any mode: [--spark-conf KEY=VALUE]... for every Spark run; scaling and bigfile: [--set KEY=VALUE]...
    for every run's config, e.g. output.one_writer_max_bytes=1 for the grouped shards path)

Inputs (``crawl_builder.py``): real pages from ../shared/data with their text replaced by random real
sentences, every page unique. ``scaling``: the Nx input is N files of --base-pages pages (N distinct
seeds), as a crawl grows. ``bigfile``: one file per size, the largest at least 1 GB and 40,000 pages.
``dedup``: the dedup job alone (``child_runs.py dedup``, routed as a run routes it) over synthetic
phase-A document files of N x --base-documents documents (:func:`write_documents`), to sizes a crawl
sample on this machine takes hours to reach.

Each run is ``thresher run`` in a fresh process tree sampled every 0.2 s (``common.TreeMonitor``): peak
RSS (VmHWM) per process, grouped by role (driver, Beam SDK worker, extraction worker, Spark JVM, Spark
Python worker; for the portable runner also Beam's job service, which runs the pipeline), the peak
of the whole tree's RSS summed over processes, wall and CPU seconds. stats.json's ``shuffle`` section
gives the bytes that entered groupings per input byte on every engine; for Spark, the shuffle-write
bytes from its event log are reported beside it.

Targets: every role's peak within 1.1x of its 1x figure at 8x (with ``--repeat``, each scale's largest
peak over the repeats; roles under 20 MB at 1x, a shell wrapper, are not judged); the >= 1 GB file below 4 GB of RSS
summed over all processes, and wall time linear in size within 10 %; shuffle below the extracted
text's size.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from crawl_builder import write_crawl  # noqa: E402

RSS_TARGET = 1.10
BIG_RSS_LIMIT = 4e9


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(workdir: Path, name: str, pages: int, seed: int, first: int = 0) -> Path:
    path = workdir / "inputs" / f"{name}.warc.gz"
    if not path.exists():
        started = time.perf_counter()
        info = write_crawl(path, pages, seed=seed, first=first)
        print(f"built {path.name}: {info['pages']:,} pages, {info['file_bytes'] / 1e6:,.0f} MB "
              f"in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


class JobService:
    """Beam's local job service, for the portable runner (sampled too: it runs the pipeline)."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.log = open(workdir / "job-service.log", "wb")
        self.proc = subprocess.Popen(
            [common.PYTHON, "-m", "apache_beam.runners.portability.local_job_service_main", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise SystemExit("bench_memory: Beam's job service did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


def spark_shuffle_write(event_dir: Path) -> int:
    """Shuffle bytes written by every task, from Spark's event logs in ``event_dir``."""
    total = 0
    for path in event_dir.rglob("*"):  # Spark 4 writes rolling logs, one directory per application
        if not path.is_file():
            continue
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                metrics = json.loads(line).get("Task Metrics") or {}
                total += int((metrics.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0))
    return total


TRAIN_SAMPLE_DOCUMENTS = 500


def monitored(cmd: list[str], log: Path, service: JobService | None, what: str) -> dict[str, Any]:
    """Run ``cmd`` while its process tree (and the job service's, if any) is sampled: wall and CPU
    seconds, peak tree RSS, peak RSS and process count per role."""
    service_monitor = common.TreeMonitor(service.proc.pid) if service else None
    if service_monitor:
        service_monitor.__enter__()
    cpu_before = common.reaped_children_cpu()
    started = time.perf_counter()
    code, monitor = common.run_monitored(cmd, log, timeout=4 * 3600)
    wall = time.perf_counter() - started
    cpu = common.reaped_children_cpu() - cpu_before
    roles = monitor.by_role()
    if service_monitor:
        service_monitor.__exit__(None, None, None)
        roles["beam job service"] = service_monitor.by_role().get("driver", {})
    if code != 0:
        raise SystemExit(f"bench_memory: {what} exited {code} (log {log})")
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_tree_rss_mb": round(monitor.peak_tree_rss / 1e6, 1),
            "peak_rss_mb_by_role": {role: r.get("peak_rss_mb_max") for role, r in roles.items()},
            "processes_by_role": {role: r.get("processes") for role, r in roles.items()}}


#: ``--spark-conf KEY=VALUE`` entries, given to every Spark run (e.g. the JVM's garbage collector).
SPARK_CONF: list[str] = []
#: ``--set KEY=VALUE`` config entries (dotted keys, JSON values), given to every run's config.
CONFIG_SET: dict[str, Any] = {}


def config_entries(entries: list[str]) -> dict[str, Any]:
    """``output.one_writer_max_bytes=1`` -> {"output.one_writer_max_bytes": 1}; a value that is not JSON is a string."""
    parsed = {}
    for entry in entries:
        key, sep, value = entry.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {entry!r}")
        try:
            parsed[key] = json.loads(value)
        except json.JSONDecodeError:
            parsed[key] = value
    return parsed


def say(row: dict[str, Any]) -> None:
    """One run's headline figures, on stderr as the benchmark goes."""
    print(json.dumps({k: row[k] for k in ("engine", "label", "wall_s", "peak_tree_rss_mb", "peak_rss_mb_by_role")}),
          file=sys.stderr)


def engine_args(engine: str, workers: int, service: JobService | None, event_dir: Path | None = None) -> list[str]:
    """What follows ``--`` on the command line: Spark's local master (and event log), the job service."""
    if engine == "spark":
        args = ["--master", f"local[{workers}]"]
        for entry in SPARK_CONF:
            args += ["--conf", entry]
        if event_dir is not None:
            args += ["--conf", "spark.eventLog.enabled=true", "--conf", f"spark.eventLog.dir=file://{event_dir}",
                     "--conf", "spark.eventLog.compress=false"]
        return args
    if engine == "portable":
        assert service is not None
        return [f"--job_endpoint=localhost:{service.port}", "--environment_type=LOOPBACK"]
    return []


def run_once(engine: str, inputs: list[Path], workers: int, workdir: Path, label: str,
             service: JobService | None = None, run_name: str | None = None) -> dict[str, Any]:
    name = f"{engine}-{run_name or label}"
    out = workdir / "runs" / name
    if out.exists():
        import shutil

        shutil.rmtree(out)
    out.mkdir(parents=True)
    # The tokenizer trains on a fixed-size sample at every scale, as a run past the default cap
    # (tokenize.train_max_documents, 200,000 documents) does: below the 1x run's kept documents, so
    # what is measured is how memory follows the crawl, not the size of the training sample.
    config = {"input": {"paths": [str(p) for p in inputs]}, "output": {"path": str(out)},
              "runner": {"name": engine, "workers": workers},
              "tokenize": {"train_max_documents": TRAIN_SAMPLE_DOCUMENTS}}
    common.set_dotted(config, CONFIG_SET)
    config_path = out.parent / f"{name}.json"
    config_path.write_text(json.dumps(config))
    cmd = [common.PYTHON, "-m", "thresher.cli", "run", str(config_path), "--quiet"]
    event_dir = out.parent / f"{name}-events"
    if engine == "spark":
        if event_dir.exists():
            import shutil

            shutil.rmtree(event_dir)
        event_dir.mkdir()
    args = engine_args(engine, workers, service, event_dir if engine == "spark" else None)
    if args:
        cmd += ["--", *args]
    row = {"engine": engine, "label": label, "input_files": len(inputs),
           "input_bytes": sum(p.stat().st_size for p in inputs),
           **monitored(cmd, out.parent / f"{name}.log", service, name)}
    stats = json.loads((out / "stats.json").read_text())
    row.update({"records_read": stats["records_read"], "kept_documents": stats["kept_documents"],
                "shards": stats["shards"], "phase_wall_s": stats["timings"]["phases"], "shuffle": stats["shuffle"]})
    if engine == "spark":
        row["spark_shuffle_write_bytes"] = spark_shuffle_write(event_dir)
    say(row)
    return row


def scaling(args: argparse.Namespace) -> dict[str, Any]:
    scales = [int(s) for s in args.scales.split(",")]
    files = [build(args.workdir, f"scale-{args.base_pages}-{seed}", args.base_pages, seed=seed + 100)
             for seed in range(max(scales))]
    rows: list[dict[str, Any]] = []
    for engine in args.engines.split(","):
        service = JobService(args.workdir) if engine == "portable" else None
        try:
            for repeat in range(args.repeat):  # interleaved, so a slow spell of the machine hits every scale
                for scale in scales:
                    row = run_once(engine, files[:scale], args.workers, args.workdir, f"{scale}x", service,
                                   run_name=f"{scale}x-r{repeat}" if args.repeat > 1 else None)
                    rows.append({**row, "repeat": repeat})
        finally:
            if service:
                service.stop()
    return {"scales": scales, "base_pages": args.base_pages, "repeat": args.repeat, "runs": rows,
            "rss_by_role": rss_verdicts(rows)}


#: Roles whose 1x peak is below this are judged by nobody: a shell wrapper's 1.9 -> 2.2 MB is page-level noise.
SMALL_PROCESS_MB = 20.0


def rss_verdicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per engine and role: the largest peak at any scale against the first scale's.

    With ``--repeat`` each scale ran several times, interleaved: a scale's figure is its largest peak over
    the repeats (the peak to plan for), and ``per_repeat_ratios`` gives each repeat's own ratio, so
    the run-to-run spread of a noisy process (the Spark JVM's garbage collector) stays in view."""
    verdicts = []
    for engine in dict.fromkeys(r["engine"] for r in rows):
        mine = [r for r in rows if r["engine"] == engine]
        base_label = mine[0]["label"]
        for role in mine[0]["peak_rss_mb_by_role"]:
            # label -> its peaks in run order: the i-th entry of every label is the i-th repeat
            by_scale: dict[str, list[float]] = {}
            for r in mine:
                by_scale.setdefault(r["label"], []).append(r["peak_rss_mb_by_role"].get(role) or 0)
            base, worst = max(by_scale[base_label]), max(max(peaks) for peaks in by_scale.values())
            ratio = common.ratio(worst, base)
            verdict: dict[str, Any] = {"engine": engine, "role": role, "peak_rss_mb_1x": base,
                                       "peak_rss_mb_max": worst, "ratio": ratio}
            if len(by_scale[base_label]) > 1:
                medians = {label: statistics.median(peaks) for label, peaks in by_scale.items()}
                verdict["per_repeat_ratios"] = [common.ratio(max(repeat), repeat[0]) for repeat in zip(*by_scale.values())]
                verdict["ratio_of_medians"] = common.ratio(max(medians.values()), medians[base_label])
                verdict["peaks_mb_by_scale"] = by_scale
            if base < SMALL_PROCESS_MB:
                verdict["within_target"] = None
                verdict["why_not_judged"] = f"1x peak under {SMALL_PROCESS_MB:.0f} MB"
            else:
                verdict["within_target"] = ratio is not None and ratio <= RSS_TARGET
            verdicts.append(verdict)
    return verdicts


DOCUMENT_WORDS = 1500
DOCUMENTS_PER_FILE = 1200


def write_documents(directory: Path, documents: int, seed: int = 1) -> list[Path]:
    """Synthetic phase-A document files (Thresher's document schema), made once per size: each document
    ``DOCUMENT_WORDS`` words drawn from a vocabulary of 50,000 random words, every tenth a near-duplicate
    of the one before (20 words replaced), in files of ``DOCUMENTS_PER_FILE`` documents."""
    files = [directory / f"docs-{start // DOCUMENTS_PER_FILE:05d}.parquet" for start in range(0, documents, DOCUMENTS_PER_FILE)]
    if (directory / "_complete").exists():
        return files
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from thresher.io.documents import document_schema, document_to_row
    from thresher.record import Document

    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = np.array(["".join(rng.choice(letters, rng.integers(3, 9))) for _ in range(50_000)])
    schema, previous = document_schema(), None
    for number, path in enumerate(files):
        rows = []
        for i in range(number * DOCUMENTS_PER_FILE, min(documents, (number + 1) * DOCUMENTS_PER_FILE)):
            if previous is not None and i % 10 == 0:
                words = previous.copy()
                words[rng.integers(0, len(words), 20)] = "zz"
            else:
                words = vocabulary[rng.integers(0, len(vocabulary), DOCUMENT_WORDS)]
            previous = words
            rows.append(document_to_row(Document(
                id=f"doc-{i:08d}", url=f"https://site{i % 977}.example/{i}", text=" ".join(words),
                source="synthetic.warc.gz", offset=i * 1000, language="en", language_score=0.9)))
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    (directory / "_complete").touch()
    return files


def dedup_once(engine: str, documents: int, workers: int, workdir: Path, label: str,
               service: JobService | None) -> dict[str, Any]:
    """The dedup job alone (``child_runs.py dedup``) over ``documents`` synthetic documents."""
    import shutil

    files = write_documents(workdir / "documents" / str(documents), documents)
    out = workdir / "dedup-runs" / f"{engine}-{label}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    spec = {"config": {"input": {"paths": [str(files[0])]}, "output": {"path": str(out / "run")},
                       "runner": {"name": engine, "workers": workers}},
            "engine_args": engine_args(engine, workers, service),
            "document_files": [str(f) for f in files], "documents": documents}
    spec_path, report = out / "spec.json", out / "report.json"
    spec_path.write_text(json.dumps(spec))
    cmd = [common.PYTHON, str(Path(__file__).resolve().parent / "child_runs.py"), "dedup", str(spec_path), str(report)]
    row = {"engine": engine, "label": label, "documents": documents,
           **monitored(cmd, out / "child.log", service, f"dedup {engine} {label}")}
    child = json.loads(report.read_text())
    row.update({"kept": child["kept"], "shuffle_bytes": child["shuffle_bytes"], "job_wall_s": child["wall_s"]})
    say(row)
    return row


def dedup_scaling(args: argparse.Namespace) -> dict[str, Any]:
    """Dedup's own memory, 1x to Nx the documents, on each engine: what a run's global phase holds."""
    scales = [int(s) for s in args.scales.split(",")]
    rows: list[dict[str, Any]] = []
    for engine in args.engines.split(","):
        service = JobService(args.workdir) if engine == "portable" else None
        try:
            for scale in scales:
                rows.append(dedup_once(engine, scale * args.base_documents, args.workers, args.workdir,
                                       f"{scale}x", service))
        finally:
            if service:
                service.stop()
    return {"scales": scales, "base_documents": args.base_documents, "runs": rows, "rss_by_role": rss_verdicts(rows)}


def bigfile(args: argparse.Namespace) -> dict[str, Any]:
    sizes = [int(p) for p in args.pages.split(",")]
    rows = []
    for pages in sizes:
        path = build(args.workdir, f"big-{pages}", pages, seed=7)
        rows.append(run_once("direct", [path], args.workers, args.workdir, f"{pages}-pages"))
    small, large = rows[0], rows[-1]
    size_ratio = large["input_bytes"] / small["input_bytes"]
    wall_ratio = large["wall_s"] / small["wall_s"]
    return {
        "runs": rows,
        "largest": {"bytes": large["input_bytes"], "pages": sizes[-1],
                    "peak_tree_rss_mb": large["peak_tree_rss_mb"],
                    "below_4_gb": large["peak_tree_rss_mb"] * 1e6 < BIG_RSS_LIMIT},
        "linearity": {"size_ratio": round(size_ratio, 3), "wall_ratio": round(wall_ratio, 3),
                      "wall_per_size": round(wall_ratio / size_ratio, 3),
                      "within_10_percent": abs(wall_ratio / size_ratio - 1) <= 0.10},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("scaling", "bigfile", "dedup"))
    parser.add_argument("--engines", default="direct,portable,spark")
    parser.add_argument("--scales", default="1,2,4,8")
    parser.add_argument("--base-pages", type=int, default=800)
    parser.add_argument("--pages", default="10000,20000,40000")
    parser.add_argument("--base-documents", type=int, default=4500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1,
                        help="scaling: run every scale this many times, interleaved; a role's figure per scale is "
                             "its largest peak over the repeats")
    parser.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR / "memory")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="config_set",
                        help="a config entry for every run, dotted key and JSON value (repeatable), "
                             "e.g. output.one_writer_max_bytes=1")
    parser.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                        help="a Spark conf entry for every Spark run (repeatable)")
    args = parser.parse_args(argv)
    SPARK_CONF.extend(args.spark_conf)
    CONFIG_SET.update(config_entries(args.config_set))
    common.use_this_tree()
    args.workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYSPARK_PYTHON", common.PYTHON)
    payload = {"scaling": scaling, "bigfile": bigfile, "dedup": dedup_scaling}[args.mode](args)
    out = args.out or common.RESULTS / f"memory-{args.mode}.json"
    common.write_results(out, f"memory-{args.mode}", common.command_line("bench_memory.py", argv), payload)
    print(json.dumps({k: v for k, v in payload.items() if k != "runs"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
