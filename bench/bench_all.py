"""Run every speed benchmark in turn: per stage, end to end, tokenize + shards, scaling (+ the older three).

    .venv/bin/python bench/bench_all.py [--scale default|20k] [--with-existing] [--only stages,e2e,shards,scaling]
                                        [--workdir /tmp/thresher-bench]

``--scale default`` (a few minutes on an idle 2-core machine): per-stage and
tokenize + shards on a 2,000-page generated crawl, end to end on 2,000 pages
with 1 and 2 workers, scaling at 1,000 / 2,000 / 4,000 pages.

``--scale 20k``: the same on a 20,000-page crawl: per-stage, end to end and
tokenize + shards on 20,000 pages, scaling at 5,000 / 10,000 / 20,000 pages.
Expect well over an hour on 2 cores (trafilatura alone is ~7 ms of CPU per
page, and every end-to-end run extracts every page again). Crawls above 2,000
pages are 2,000-page crawls with consecutive seeds concatenated into one WARC
(``common.generated_crawl``; ``write_sample_crawl`` hung from 3,220 pages on
before 03a9828, and the concatenation keeps inputs identical to the recorded runs).

``--with-existing`` also re-runs bench_filters.py, bench_minhash.py and
bench_extract.py (they write their own results files). Each script writes
its JSON to bench/results/ and can be run on its own; see their ``--help``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

SCALES = {
    "default": {
        "stages": ["--pages", "2000"],
        "e2e": ["--pages", "2000"],
        "shards": ["--pages", "2000"],
        "scaling": ["--base-pages", "1000", "--factors", "1,2,4"],
    },
    "20k": {
        "stages": ["--pages", "20000", "--real-extra-pages", "181"],
        "e2e": ["--pages", "20000"],
        "shards": ["--pages", "20000"],
        "scaling": ["--base-pages", "5000", "--factors", "1,2,4"],
    },
}
SCRIPTS = {"stages": "bench_stages.py", "e2e": "bench_e2e.py", "shards": "bench_shards.py",
           "scaling": "bench_scaling.py"}
EXISTING = {"filters": ["bench_filters.py"], "minhash": ["bench_minhash.py"], "extract": ["bench_extract.py"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=sorted(SCALES), default="default")
    ap.add_argument("--only", default=",".join(SCRIPTS), help="comma-separated subset of " + ", ".join(SCRIPTS))
    ap.add_argument("--with-existing", action="store_true", help="also run bench_filters, bench_minhash, bench_extract")
    ap.add_argument("--workdir", type=Path, default=common.DEFAULT_WORKDIR)
    args = ap.parse_args(argv)

    plan = []
    for name in [x.strip() for x in args.only.split(",") if x.strip()]:
        if name not in SCRIPTS:
            ap.error(f"unknown benchmark {name!r}")
        extra = [] if args.scale == "default" else ["--out", str(common.RESULTS / f"{name}-{args.scale}.json")]
        plan.append((name, [SCRIPTS[name], *SCALES[args.scale][name], "--workdir", str(args.workdir), *extra]))
    if args.with_existing:
        plan += [(name, cmd) for name, cmd in EXISTING.items()]

    timings = []
    started = time.perf_counter()
    for name, cmd in plan:
        print(f"\n######## {name}: .venv/bin/python bench/{' '.join(cmd)}  (load {common.load_average()})", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([common.PYTHON, str(common.BENCH / cmd[0]), *cmd[1:]])
        timings.append((name, round(time.perf_counter() - t0, 1), code))
    print("\nbenchmark  wall s  exit")
    for name, wall, code in timings:
        print(f"{name:<10} {wall:>6}  {code}")
    print(f"total {time.perf_counter() - started:.0f} s wall, load now {common.load_average()}")
    return max((c for _, _, c in timings), default=0)


if __name__ == "__main__":
    raise SystemExit(main())
