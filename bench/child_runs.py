"""The measured runs ``common.run_child`` starts, each in a fresh interpreter.

    python bench/child_runs.py pipeline|bare|shards|dedup SPEC.json OUT.json   (started by the benchmarks)

* ``pipeline``: :func:`thresher.run.driver.run_pipeline` on a config dict, from an empty
  output directory; reports the funnel and the stages of stats.json;
* ``bare``: ``bench_bare.bare_pipeline``, the floor of bare library calls;
* ``shards``: the shards job alone (:func:`thresher.run.shards.shards`: tokenize, shard
  count, group by shard, write, manifest) on the engine the config names, over a run
  directory whose ``_work/documents`` dataset exists; the tokenizer is prepared (copied
  beside the shards) before the measured part, as the run's tokenizer phase does;
* ``dedup``: the dedup job alone (:func:`thresher.run.dedup.dedup`) over the document files
  ``spec["document_files"]`` on the engine the config names, sized and routed as the driver
  routes it (small, grows with the corpus).

Each writes its own report (CPU of the measured call: self + reaped children + live
children, wall time, peak RSS, load) to OUT.json; ``run_child`` adds the outside view.
This module sits above ``common`` and ``bench_bare`` (it imports both; neither imports it).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (puts this tree first on sys.path)


def measure(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    load_before = common.load_average()
    c_self, c_kids, w0 = time.process_time(), common.reaped_children_cpu(), time.perf_counter()
    extra = fn()
    wall = time.perf_counter() - w0
    cpu_self = time.process_time() - c_self
    cpu_kids = common.reaped_children_cpu() - c_kids
    # Children still alive (none should be): their CPU so far.
    live = sum(p.cpu for p in common.descendants(os.getpid()) if p.pid != os.getpid())
    ru_self = resource.getrusage(resource.RUSAGE_SELF)
    ru_kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall_s": round(wall, 3),
        "cpu_self_s": round(cpu_self, 3),
        "cpu_children_s": round(cpu_kids, 3),
        "cpu_children_live_s": round(live, 3),
        "cpu_s": round(cpu_self + cpu_kids + live, 3),
        "ru_maxrss_self_mb": round(ru_self.ru_maxrss * 1024 / 1e6, 1),
        "ru_maxrss_children_mb": round(ru_kids.ru_maxrss * 1024 / 1e6, 1),
        "load_1m_before": load_before[:1],
        "load_1m_after": common.load_average()[:1],
        **extra,
    }


def profiled(profile: str | None, fn: Callable[[], Any]) -> Any:
    """``fn()``, under cProfile (dumped to ``profile``) when a path is given."""
    if not profile:
        return fn()
    import cProfile

    prof = cProfile.Profile()
    prof.enable()
    try:
        return fn()
    finally:
        prof.disable()
        prof.dump_stats(profile)


def pipeline(spec: dict[str, Any]) -> dict[str, Any]:
    """``run_pipeline`` on a config dict; reports the funnel and per-stage figures of stats.json."""
    import inspect
    import shutil

    from thresher.config.load import config_from_dict
    from thresher.run.driver import run_pipeline

    config = config_from_dict(spec["config"])
    # A fresh output directory: a finished or half-finished earlier run would be skipped or resumed.
    shutil.rmtree(config.output.path, ignore_errors=True)
    kwargs: dict[str, Any] = {"progress": False}
    if "overwrite" in inspect.signature(run_pipeline).parameters:
        kwargs["overwrite"] = True

    def go() -> dict[str, Any]:
        s = profiled(spec.get("profile"), lambda: run_pipeline(config, **kwargs)).stats
        return {
            "records_read": s["records_read"],
            "pages": s["read"]["forwarded"],
            "kept_documents": s["kept_documents"],
            "tokens": s["tokens"],
            "identity_holds": s["identity"]["holds"],
            "stages": [{k: st.get(k) for k in ("stage", "in", "kept", "cpu_seconds")} for st in s["stages"]],
        }

    return measure(go)


def bare(spec: dict[str, Any]) -> dict[str, Any]:
    from bench_bare import bare_pipeline

    # Imports are not the bare work: load the libraries before timing.
    import fastwarc.warc, pyarrow.parquet, tokenizers, trafilatura  # noqa: F401, E401

    return measure(lambda: bare_pipeline([Path(p) for p in spec["inputs"]], Path(spec["out"]),
                                         extractor=spec.get("extractor", "trafilatura")))


def shards_job(spec: dict[str, Any]) -> dict[str, Any]:
    """The shards job alone over an existing ``_work/documents`` dataset, on the config's engine."""
    from thresher.config.load import config_from_dict
    from thresher.engines import open_engine
    from thresher.run.layout import dataset_files
    from thresher.run.plan import build_plan
    from thresher.run.shards import shards
    from thresher.run.tokenizer import prepare_tokenizer

    plan = build_plan(config_from_dict(spec["config"]))
    layout = plan.layout
    files = dataset_files(layout.documents)
    if not files:
        raise SystemExit(f"no committed documents dataset under {layout.documents}")
    engine = open_engine(plan.runner)
    tokenizer, info = prepare_tokenizer(plan.tokenize, layout, lambda _m: None)

    def job(flow: Any) -> None:
        shards(flow, files, tokenizer, info, plan.output, layout.root, layout.manifest, plan.config_record)

    def go() -> dict[str, Any]:
        counters = profiled(spec.get("profile"), lambda: engine.run("shards", job))
        return {"documents": counters.get("shards/documents", 0), "tokens": counters.get("shards/tokens", 0),
                "shards": counters.get("shards/written", 0)}

    try:
        return measure(go)
    finally:
        engine.close()


def dedup_job(spec: dict[str, Any]) -> dict[str, Any]:
    """The dedup job alone over the spec's document files, on the config's engine, as the driver runs it."""
    from thresher.config.load import config_from_dict
    from thresher.engines import open_engine
    from thresher.run.dedup import dedup
    from thresher.run.driver import SMALL_DEDUP_DOCUMENTS
    from thresher.run.memory import bound_allocators
    from thresher.run.plan import build_plan

    bound_allocators()  # as run_pipeline does before any job
    plan = build_plan(config_from_dict(spec["config"]), spec.get("engine_args", ()))
    files, documents, layout = spec["document_files"], spec["documents"], plan.layout
    engine = open_engine(plan.runner)

    def go() -> dict[str, Any]:
        counters = profiled(spec.get("profile"), lambda: engine.run(
            "dedup", lambda flow: dedup(flow, plan.dedup, files, documents, layout.documents, layout.duplicates),
            small=documents <= SMALL_DEDUP_DOCUMENTS, grows_with_corpus=True))
        return {"documents": documents, "kept": {k: v for k, v in counters.items() if k.endswith("/kept")},
                "shuffle_bytes": counters.get("shuffle/bytes", 0)}

    try:
        return measure(go)
    finally:
        engine.close()


KINDS = {"pipeline": pipeline, "bare": bare, "shards": shards_job, "dedup": dedup_job}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in KINDS:
        print(__doc__)
        return 2
    import logging

    logging.basicConfig(level=logging.ERROR)
    kind, spec_path, out_path = argv
    report = KINDS[kind](json.loads(Path(spec_path).read_text()))
    Path(out_path).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
