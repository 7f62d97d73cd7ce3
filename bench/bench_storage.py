"""The same run on local disk, on moto's S3 server and on a GCS emulator (both on loopback).

    .venv/bin/python bench/bench_storage.py [--pages 600] [--files 3] [--workers 1]

Inputs and output on each place; wall and CPU seconds (this process and its children) of each run,
and their ratios to the local run. The stores are in-process Python servers: the ratios measure
Thresher's object-store path (requests, no rename, markers read by name) plus the servers' own
cost, not a real store's network. Writes bench/results/storage.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _start_s3():
    import boto3
    from moto.server import ThreadedMotoServer
    from object_stores import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": endpoint})
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
    return server, "s3://bench"


def _start_gcs():
    from gcp_storage_emulator.server import create_server
    from object_stores import free_port

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket="bench")
    server.start()
    os.environ["STORAGE_EMULATOR_HOST"] = f"http://127.0.0.1:{port}"
    return server, "gs://bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=600, help="pages per input file")
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    from thresher.config import config_from_dict
    from thresher.io import storage
    from thresher.run.driver import run_pipeline
    from thresher.tools.sample.generator import write_sample_crawl

    work = Path(tempfile.mkdtemp(prefix="thresher-bench-storage-"))
    crawl = []
    for seed in range(args.files):
        path = work / f"part-{seed}.warc.gz"
        write_sample_crawl(path, pages=args.pages, seed=seed + 1)
        crawl.append(str(path))

    def timed_run(inputs: list[str], out: str) -> dict[str, float]:
        config = {"input": {"paths": inputs}, "output": {"path": out}, "runner": {"workers": args.workers}}
        wall, cpu = time.perf_counter(), _cpu()
        result = run_pipeline(config_from_dict(config))
        return {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu,
                "documents": result.stats.get("counters", {}).get("shards/documents", 0)}

    timed_run(crawl[:1], str(work / "warm-up"))  # imports, model loads and caches: not the first measured run's
    results = {"local": timed_run(crawl, str(work / "out"))}
    for name, start in (("s3", _start_s3), ("gcs", _start_gcs)):
        server, bucket = start()
        try:
            inputs = []
            for path in crawl:
                url = f"{bucket}/in/{Path(path).name}"
                storage.write_bytes(url, Path(path).read_bytes())
                inputs.append(url)
            results[name] = timed_run(inputs, f"{bucket}/out")
        finally:
            server.stop()
    for name in ("s3", "gcs"):
        results[name]["wall_ratio"] = results[name]["wall_s"] / results["local"]["wall_s"]
        results[name]["cpu_ratio"] = results[name]["cpu_s"] / results["local"]["cpu_s"]
    record = {"command": " ".join(["bench/bench_storage.py", *sys.argv[1:]]),
              "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "load_1min": os.getloadavg()[0],
              "pages_per_file": args.pages, "files": args.files, "workers": args.workers, "runs": results}
    out = ROOT / "bench" / "results" / "storage.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    for name, row in results.items():
        ratios = f"  wall x{row['wall_ratio']:.2f}  cpu x{row['cpu_ratio']:.2f}" if name != "local" else ""
        print(f"{name:6s} wall {row['wall_s']:7.1f} s  cpu {row['cpu_s']:7.1f} s{ratios}")


if __name__ == "__main__":
    main()
