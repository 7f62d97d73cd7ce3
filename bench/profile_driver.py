"""Where the driver's peak RSS goes: per job, per in-process step, at one input scale (issue 19).

    PYTHONPATH=. .venv/bin/python bench/profile_driver.py CONFIG.json [--reuse-phase-a RUN_DIR]
                                                      [--tracemalloc] [--out profile.json]

Runs ``thresher run`` in this process. At every boundary (a job the engine runs, the tokenizer
phase, each step of an in-process job) it reads VmHWM (the peak since the last boundary) and
resets it (``/proc/self/clear_refs``, value 5), so each row is that part's own peak; a thread
also samples VmRSS. ``--reuse-phase-a`` copies a finished run's committed phase-A results into the
output first, so only the driver's global phase (dedup, tokenizer, shards) runs. ``--tracemalloc``
adds, per part, the Python heap's peak (traced) and the top allocation sites alive at its end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_rows: list[dict[str, Any]] = []
_label = ["start"]
_sampled = [0]
_trace = [False]


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def _sampler() -> None:
    while True:
        _sampled[0] = max(_sampled[0], _status("VmRSS"))
        time.sleep(0.05)


@contextmanager
def part(name: str) -> Iterator[None]:
    """Record the peak RSS of what runs inside under ``name`` (and, nested, restore the outer label)."""
    outer = _label[0]
    _close(outer)
    _label[0] = name
    try:
        yield
    finally:
        _close(name)
        _label[0] = outer


def _close(name: str) -> None:
    row = {"part": name, "hwm_mb": round(_status("VmHWM") / 1e6, 1), "rss_end_mb": round(_status("VmRSS") / 1e6, 1)}
    if _trace[0]:
        current, peak = tracemalloc.get_traced_memory()
        row["traced_peak_mb"] = round(peak / 1e6, 1)
        row["traced_now_mb"] = round(current / 1e6, 1)
        top = tracemalloc.take_snapshot().statistics("lineno")[:5]
        row["top_alive"] = [f"{s.size / 1e6:.1f} MB {s.traceback}" for s in top]
        tracemalloc.reset_peak()
    _rows.append(row)
    print(json.dumps(row), file=sys.__stderr__, flush=True)
    _reset_peak()


def _patch() -> None:
    from thresher.engines import inprocess
    from thresher.run import driver

    apply = inprocess.InProcessFlow.apply

    def apply_part(self: Any, name: str, coll: Any, step: Any, sides: Any = None) -> Any:
        with part(f"{_label[0].split(' / ')[0]} / {name}"):
            return apply(self, name, coll, step, sides)

    inprocess.InProcessFlow.apply = apply_part  # type: ignore[method-assign]
    prepare = driver.prepare_tokenizer

    def prepare_part(*args: Any, **kwargs: Any) -> Any:
        with part("tokenizer"):
            return prepare(*args, **kwargs)

    driver.prepare_tokenizer = prepare_part
    open_engine = driver.open_engine

    def open_part(*args: Any, **kwargs: Any) -> Any:
        engine = open_engine(*args, **kwargs)
        run = engine.run

        def run_part(name: str, build: Any, *a: Any, **kw: Any) -> Any:
            with part(name):
                return run(name, build, *a, **kw)

        engine.run = run_part
        return engine

    driver.open_engine = open_part


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--reuse-phase-a", type=Path)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    from thresher.config import load_config
    from thresher.run.driver import run_pipeline

    config = load_config(str(args.config))
    out = Path(config.output.path)
    if args.reuse_phase_a:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(args.reuse_phase_a / "_work" / "phase_a", out / "_work" / "phase_a")
    threading.Thread(target=_sampler, daemon=True).start()
    if args.tracemalloc:
        _trace[0] = True
        tracemalloc.start(8)
    _patch()
    _reset_peak()
    started = time.monotonic()
    with part("run"):
        run_pipeline(config, overwrite=False, progress=False)
    summary = {"wall_s": round(time.monotonic() - started, 1), "sampled_peak_mb": round(_sampled[0] / 1e6, 1),
               "parts": _rows}
    if args.out:
        args.out.write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: v for k, v in summary.items() if k != "parts"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
