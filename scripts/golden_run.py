"""The golden run: a fixed pair of runs whose every output is digested, to prove a change kept behaviour.

Two runs, through the command line only (so the same script checks any version of the code):

1. ``index``: a generated crawl (``thresher sample``, 300 pages, seed 7) and two of the real
   WARC files, with MinHash verification on, writing a cross-run dedup index;
2. ``main``: the bundled sample plus every real WARC/ARC file in ``../shared/data/warc-*``,
   reading the first run's index, verification on, writing its own index.

What is digested, per run: every shard (sha256 of the file, and a digest of its rows with
``source`` made relative to the input folder, so it holds on any machine), the manifest
without its config, stats.json's counters without measured time, audit.json, the trained
tokenizer, the documents and removed duplicates left in ``_work`` (rows, sorted), and the
index (each table's rows, sorted, and its settings).

    python scripts/golden_run.py record tests/golden/golden-run.json
    python scripts/golden_run.py check tests/golden/golden-run.json --runner direct --workers 2
    python scripts/golden_run.py check ... --runner local --workers 2      # no Beam: worker processes
    python scripts/golden_run.py check ... --runner spark [--master spark://127.0.0.1:7077]
    python scripts/golden_run.py check ... --runner portable        # starts Beam's local job service

``check`` exits 1 and names every digest that differs. File sha256s compare only when the
inputs sit where they sat when recorded (the default work folder does that).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "thresher" / "resources" / "sample.warc.gz"
# One work folder per checkout: two trees checking at once must not share it.
DEFAULT_WORK = Path(tempfile.gettempdir()) / f"thresher-golden-{hashlib.sha1(str(ROOT).encode()).hexdigest()[:8]}"
REAL_PATTERNS = ("warc-*/*.warc.gz", "warc-*/*.warc", "warc-*/*.arc.gz")
INDEXED_REAL = ("warc-resiliparse--warcfile.warc.gz", "warc-node-warc--parseMe.warc.gz")


def _thresher() -> list[str]:
    return [sys.executable, "-m", "thresher.cli"] if (ROOT / "thresher" / "cli.py").exists() else [
        sys.executable, "-m", "thresher.cli"]


def prepare_inputs(work: Path) -> Path:
    """Copy the inputs under ``work/inputs`` (fixed paths: ``source`` columns then match the recording)."""
    inputs = work / "inputs"
    if inputs.exists():
        shutil.rmtree(inputs)
    (inputs / "real").mkdir(parents=True)
    if not SHARED.is_dir():
        raise SystemExit(f"golden run: {SHARED} is absent")
    for pattern in REAL_PATTERNS:
        for path in sorted(SHARED.glob(pattern)):
            shutil.copyfile(path, inputs / "real" / f"{path.parent.name}--{path.name}")
    shutil.copyfile(SAMPLE, inputs / "sample.warc.gz")
    subprocess.run([*_thresher(), "sample", str(inputs / "generated.warc.gz"), "--pages", "300", "--seed", "7"],
                   check=True, stdout=subprocess.DEVNULL)
    return inputs


def _config(inputs: Path, out: Path, index_write: Path, index_read: list[Path], paths: list[str]) -> dict:
    return {
        "input": {"paths": paths},
        "output": {"path": str(out), "shard_target_tokens": 20_000},
        "dedup": {
            "minhash": {"verify": True},
            "index": {"read": [str(p) for p in index_read], "write": str(index_write)},
        },
    }


def run_pair(work: Path, inputs: Path, runner: str, workers: int, engine_args: list[str]) -> dict[str, Path]:
    outs = {}
    runs = work / f"runs-{runner}-{workers}"
    if runs.exists():
        shutil.rmtree(runs)
    runs.mkdir(parents=True)
    plan = [
        # Two real files in both runs: the second run drops their documents as already indexed.
        ("index", [str(inputs / "generated.warc.gz"), *(str(inputs / "real" / name) for name in INDEXED_REAL)], []),
        ("main", [str(inputs / "sample.warc.gz"), str(inputs / "real" / "*")], [runs / "index-index"]),
    ]
    for name, paths, reads in plan:
        out = runs / name
        config = _config(inputs, out, runs / f"index-{name}", reads, paths)
        config_path = runs / f"{name}.yaml"
        config_path.write_text(json.dumps(config))  # JSON is YAML
        command = [*_thresher(), "run", str(config_path), "--runner", runner, "--quiet"]
        if runner in ("direct", "local"):
            command += ["--workers", str(workers)]
        if engine_args:
            command += ["--", *engine_args]
        started = time.monotonic()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        print(f"golden run: {name} on {runner} ({workers} workers) in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
        outs[name] = out
    return outs


# -- digests ---------------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default).encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _relative(row: dict, inputs: Path) -> dict:
    source = row.get("source")
    if isinstance(source, str) and source.startswith(str(inputs)):
        row = {**row, "source": os.path.relpath(source, inputs)}
    return row


def _rows_digest(paths: list[str], inputs: Path, sort_key: str | None = None) -> dict[str, Any]:
    rows: list[dict] = []
    for path in paths:
        rows.extend(_relative(r, inputs) for r in pq.read_table(path).to_pylist())
    encoded = sorted(_canonical(r) for r in rows)
    return {"rows": len(rows), "sha256": _sha(b"\n".join(encoded))}


def is_measurement(name: str) -> bool:
    """Counters that measure how the work went (time, CPU, shuffle volume), not what it decided."""
    return name.endswith(("/time_us", "/cpu_us")) or name.startswith("shuffle/")


def _dataset(directory: Path) -> list[str]:
    """A dataset's part files: those its ``_manifest.json`` names (every file, for runs made before it)."""
    marker = directory / "_manifest.json"
    if marker.exists():
        return [str(directory / entry["name"]) for entry in json.loads(marker.read_text())["files"]]
    return sorted(glob.glob(str(directory / "*.parquet")))


def digest_run(out: Path, index: Path, inputs: Path) -> dict[str, Any]:
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.pop("config", None)
    manifest.pop("thresher_version", None)
    stats = json.loads((out / "stats.json").read_text())
    counters = {k: v for k, v in stats["counters"].items() if not is_measurement(k)}
    audit = json.loads((out / "audit.json").read_text())
    for items in audit.values():
        for item in items:
            if isinstance(item.get("source"), str) and item["source"].startswith(str(inputs)):
                item["source"] = os.path.relpath(item["source"], inputs)
    shards = {}
    for path in sorted(out.glob("shard-*.parquet")):
        table = pq.read_table(path)
        rows = [_relative(r, inputs) for r in table.to_pylist()]
        shards[path.name] = {"file_sha256": _sha(path.read_bytes()), "rows_sha256": _sha(_canonical(rows))}
    index_meta = json.loads((index / "index.json").read_text())
    index_tables = {}
    for table, names in sorted(index_meta["files"].items()):
        index_tables[table] = _rows_digest([str(index / n) for n in names], inputs)
    settings = {k: v for k, v in index_meta.items() if k not in ("files", "created")}
    return {
        "shards": shards,
        "manifest_sha256": _sha(_canonical({**manifest, "shards": [
            {k: v for k, v in s.items() if k != "sha256"} for s in manifest["shards"]]})),
        "shard_file_sha256s": [s["sha256"] for s in manifest["shards"]],
        "counters": counters,
        "identity": stats["identity"],
        "audit_sha256": _sha(_canonical(audit)),
        "tokenizer_sha256": _sha((out / "tokenizer.json").read_bytes()),
        "documents": _rows_digest(_dataset(out / "_work" / "documents"), inputs),
        "duplicates": _rows_digest(_dataset(out / "_work" / "duplicates"), inputs),
        "index": {"settings": settings, "tables": index_tables},
    }


def digest_pair(outs: dict[str, Path], inputs: Path) -> dict[str, Any]:
    return {name: digest_run(out, out.parent / f"index-{name}", inputs) for name, out in outs.items()}


def compare(expected: dict, actual: dict, path: str = "") -> list[str]:
    """Every place where ``actual`` differs from ``expected``; file sha256s only where the inputs sat alike."""
    diffs = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}" if path else key
            if key not in actual or key not in expected:
                diffs.append(f"{where}: only in {'recording' if key in expected else 'this run'}")
            else:
                diffs.extend(compare(expected[key], actual[key], where))
    elif expected != actual:
        shown = (lambda v: json.dumps(v)[:120])
        diffs.append(f"{path}: recorded {shown(expected)}, now {shown(actual)}")
    return diffs


# -- engines ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_job_service(work: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = open(work / "job-service.log", "wb")
    service = subprocess.Popen(
        [sys.executable, "-m", "apache_beam.runners.portability.local_job_service_main", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return service, f"localhost:{port}"
        time.sleep(0.2)
    service.kill()
    raise SystemExit("golden run: Beam's local job service did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["record", "check"])
    parser.add_argument("golden", help="the digest file (JSON)")
    parser.add_argument("--runner", default="direct", choices=["direct", "local", "portable", "spark"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--master", help="Spark master URL (default local[workers])")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--files", action="store_true", help="also require identical shard file sha256s")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    inputs = prepare_inputs(args.work)
    engine_args: list[str] = []
    service = None
    if args.runner == "spark":
        engine_args = ["--master", args.master or f"local[{args.workers}]"]
    elif args.runner == "portable":
        service, endpoint = start_job_service(args.work)
        engine_args = [f"--job_endpoint={endpoint}", "--environment_type=LOOPBACK"]
    try:
        outs = run_pair(args.work, inputs, args.runner, args.workers, engine_args)
    finally:
        if service is not None:
            service.terminate()
            service.wait(timeout=30)
    digest = digest_pair(outs, inputs)
    if args.action == "record":
        Path(args.golden).parent.mkdir(parents=True, exist_ok=True)
        Path(args.golden).write_text(json.dumps(digest, indent=1, sort_keys=True) + "\n")
        print(f"golden run: recorded {args.golden}")
        return 0
    expected = json.loads(Path(args.golden).read_text())
    if not args.files:
        for run in (expected, digest):
            for name in run.values():
                name.pop("shard_file_sha256s", None)
                for shard in name["shards"].values():
                    shard.pop("file_sha256", None)
    diffs = compare(expected, digest)
    for line in diffs:
        print(f"golden run: differs: {line}")
    print(f"golden run: {args.runner} ({args.workers} workers): "
          f"{'identical' if not diffs else f'{len(diffs)} differences'}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
