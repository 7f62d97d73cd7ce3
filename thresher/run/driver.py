"""A whole run, whatever the engine: phase-A passes, dedup, tokenizer, shards, stats.

The driver owns what every engine needs, once: the plan, resuming (which input files
already have a committed result), passes over the rest, merging counters and the audit,
the tokenizer phase, stats.json and the run log. Each job is built by engine-neutral code
(:mod:`thresher.run.phase_a`, :mod:`thresher.run.dedup`, :mod:`thresher.run.shards`) and
handed to the engine (:mod:`thresher.engines`), which only runs it.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from thresher.bookkeeping.display import RunDisplay, display_mode
from thresher.bookkeeping.funnel import build_stats
from thresher.bookkeeping.progress import ProgressMonitor
from thresher.bookkeeping.run_log import write_run_log
from thresher.config import PipelineConfig
from thresher.engines import open_engine
from thresher.engines.base import Engine
from thresher.errors import ThresherError
from thresher.io import storage, store_retries, worker_storage
from thresher.run.bytecode import uncached_bytecode_note
from thresher.run.dedup import dedup
from thresher.run.finished import check_same_run, inputs_record
from thresher.run.layout import RunLayout, read_dataset_manifest
from thresher.run.memory import bound_allocators, release_freed
from thresher.run.outcome import problem_files, problem_files_record
from thresher.run.phase_a import phase_a
from thresher.run.plan import RunPlan, build_plan
from thresher.run.remote import check_access, prepare_storage
from thresher.run.results import completed_results, merged_audit, merged_counters
from thresher.run.shards import shards
from thresher.run.tokenizer import prepare_tokenizer
from thresher.run.units import file_sizes, plan_units
from thresher.run.warm_up import start_warm_up
from thresher.stats import merge


@dataclass
class RunResult:
    layout: RunLayout
    stats: dict[str, Any]
    #: True when the output was already finished and nothing ran.
    skipped: bool = False


def run_pipeline(
    config: PipelineConfig,
    extra_args: list[str] | None = None,
    log: Callable[[str], None] = lambda _msg: None,
    progress: bool | None = None,
    overwrite: bool = False,
) -> RunResult:
    """Run the whole pipeline; ``progress=None`` shows live progress when stderr is a terminal.

    Over a finished output (``manifest.json`` present) this is a no-op that
    returns the recorded stats, unless ``overwrite``. Over an unfinished one it
    resumes: input files whose phase-A result is committed are not read again.
    """
    store_retries.take()  # retries counted before this run (an earlier run in this process) are not its own
    # The small jobs run here: what they free must go back to the system, or the driver's peak
    # grows with the corpus (thresher/run/memory.py).
    bound_allocators()
    prepare_storage(config)  # a missing filesystem package is one line, before inputs are listed
    plan = build_plan(config, tuple(extra_args or ()))
    layout = plan.layout
    check_access(layout.input_files, layout.root, _other_reads(plan))
    if storage.exists(layout.manifest) and not overwrite:
        stats = storage.read_json(layout.stats) if storage.exists(layout.stats) else None
        # Another config or input there is an error that says what differs, never "nothing to do".
        check_same_run(layout.root, storage.read_json(layout.manifest), stats, plan.config_record, layout.input_files)
        if stats is not None:
            log(f"{layout.root} holds a finished run of this config and input: nothing to do "
                "(use --overwrite to redo it)")
            return RunResult(layout=layout, stats=stats, skipped=True)
    engine = open_engine(plan.runner)
    note = None if engine.local else worker_storage.withheld_note()
    if note:
        log(note)  # names only, never a value
    # From the plan, not the engine: asking Spark's engine its parallelism would start its JVM here,
    # before its output goes to the worker log.
    if engine.local and plan.runner.workers != 1 and (slow := uncached_bytecode_note(plan.runner.name)):
        log(slow)
    try:
        return _run(plan, engine, log, progress, overwrite)
    except Exception as exc:
        # A store that kept failing in a worker comes back inside the engine's error: its one line.
        unavailable = store_retries.from_engine_error(exc)
        if unavailable is None:
            raise
        raise unavailable from None
    finally:
        engine.close()


def _run(plan: RunPlan, engine: Engine, log: Callable[[str], None], progress: bool | None, overwrite: bool) -> RunResult:
    layout = plan.layout
    started = time.monotonic()
    clear_previous_outputs(layout, keep_phase_a=not overwrite)
    log(f"reading {len(layout.input_files)} input file(s) on the {plan.runner.name} runner")
    # Progress files and engine logs live on this machine's disk (a scratch folder for a URL
    # output): only a local engine's workers can write progress files.
    local = engine.local
    progress_dir = layout.progress if local else None
    # Engine logs (Beam's workers, Spark's JVM) go to a file; the display keeps the terminal.
    with worker_output_to(layout.local_worker_log), ProgressMonitor(
        progress_dir, RunDisplay(display_mode(progress, sys.stderr), sys.stderr)
    ) as monitor:
        # Each phase's wall time, as stats.json's timings.phases: the stages' own times
        # sum over workers and leave out start-up, scheduling and waiting between them.
        phases: dict[str, float] = {}
        with _phase(phases, "documents", monitor):
            counters_a = run_documents(plan, engine, progress_dir, monitor, log)
        with _phase(phases, "tokenizer", monitor):
            tokenizer, tokenizer_info = prepare_tokenizer(plan.tokenize, layout, log)
        with _phase(phases, "shards", monitor):
            document_files = _document_files(layout)
            document_bytes = sum(file_sizes(document_files).values())
            one_writer = document_bytes <= plan.output.one_writer_max_bytes
            monitor.set_total((read_dataset_manifest(layout.documents) or {}).get("rows"))
            counters_b = engine.run("shards", lambda flow: shards(
                flow, document_files, tokenizer, tokenizer_info, plan.output, layout.root,
                layout.manifest, plan.config_record, document_bytes,
            ), small=one_writer, grows_with_corpus=True)
    stats = build_stats(
        merge([counters_a, counters_b, store_retries.take()]), plan.pages.filter_order, phases=phases,
        wall_seconds=time.monotonic() - started, input_bytes=sum(file_sizes(layout.input_files).values()),
    )
    results = list(completed_results(layout, plan.fingerprint).values())
    stats["inputs"] = inputs_record(layout.input_files)
    # The limit the exit status applies (the report's banner reads it too).
    stats["max_error_share"] = plan.config_record["output"]["max_error_share"]
    stats["problem_files"] = problem_files_record(problem_files(results))
    write_run_log(layout.run_log, stats, [path for result in results for path in result.files("rejects")])
    if layout.local_worker_log != layout.worker_log and os.path.exists(layout.local_worker_log):
        with open(layout.local_worker_log, "rb") as fh:  # the log joins the run's state on the store
            storage.write_bytes(layout.worker_log, fh.read())
    storage.write_json(layout.stats, stats)
    return RunResult(layout=layout, stats=stats)


def run_documents(
    plan: RunPlan, engine: Engine, progress_dir: str | None, monitor: ProgressMonitor | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, int]:
    """Phase A over the files without a committed result, in passes; then dedup over every file's documents."""
    layout = plan.layout
    done = completed_results(layout, plan.fingerprint)
    todo = [path for path in layout.input_files if path not in done]
    if done:
        log(f"resuming: {len(done)} of {len(layout.input_files)} input file(s) already done, "
            f"reading the other {len(todo)}")
    per_pass = plan.runner.files_per_pass or max(len(todo), 1)
    retried: list[dict[str, int]] = []
    sizes = file_sizes(todo, plan.inputs.storage_options) if todo else {}
    if monitor is not None:
        monitor.documents_plan(len(layout.input_files), len(layout.input_files) - len(todo), sum(sizes.values()))
    parallelism = engine.parallelism() if todo else 1
    warming = start_warm_up()
    for start in range(0, len(todo), per_pass):
        # A pass's files are committed when its job ends: smaller passes lose less to a crash,
        # larger ones spend less on start-up.
        units = plan_units(todo[start : start + per_pass], sizes, plan.runner.unit_bytes, parallelism)
        if monitor is not None:
            monitor.expect_units(units)
        engine_counts = engine.run("phase A", lambda flow: phase_a(flow, units, plan, progress_dir))
        # Phase A's decisions travel as data (each file's result); what its workers measured of the
        # store (retries) comes from the engine.
        retried.append({k: v for k, v in engine_counts.items() if k.startswith(store_retries.RETRIES)})
    if todo:
        done = completed_results(layout, plan.fingerprint)
    missing = [path for path in layout.input_files if path not in done]
    if missing:  # every file gets a result, even an unreadable one: this is a bug
        raise ThresherError(f"phase A wrote no result for {len(missing)} input file(s), e.g. {missing[0]}")
    results = [done[path] for path in layout.input_files]
    counters = merge([merged_counters(results), *retried])
    if plan.pages.audit_per_reason:
        storage.write_json(layout.audit, merged_audit(results, plan.pages.audit_per_reason))
    document_files = [path for result in results for path in result.files("documents")]
    documents = sum(result.documents for result in results)
    warming.join()
    if monitor is not None:
        monitor.start_phase("dedup", total=documents)
    counters_dedup = engine.run("dedup", lambda flow: dedup(
        flow, plan.dedup, document_files, documents, layout.documents, layout.duplicates
    ), small=documents <= SMALL_DEDUP_DOCUMENTS, grows_with_corpus=True)
    return merge([counters, counters_dedup])  # summed: both may count store retries


#: Up to this many documents, dedup is small work: the direct and portable runners run it in this process.
SMALL_DEDUP_DOCUMENTS = 20_000


def _other_reads(plan: RunPlan) -> list[tuple[str, str]]:
    reads = [("dedup index", path) for path in plan.dedup.index_read]
    if plan.pages.langid and plan.pages.langid.get("model_path"):
        reads.append(("language ID model", plan.pages.langid["model_path"]))
    if plan.tokenize.tokenizer:
        reads.append(("tokenizer", plan.tokenize.tokenizer))
    return reads


def _document_files(layout: RunLayout) -> list[str]:
    from thresher.run.layout import dataset_files

    return dataset_files(layout.documents)


@contextmanager
def _phase(phases: dict[str, float], name: str, monitor: ProgressMonitor) -> Iterator[None]:
    """Show ``name`` as the live stage and record its wall seconds in ``phases``."""
    monitor.set_stage(name)
    release_freed()  # what the previous phase freed is not kept for this one
    started = time.monotonic()
    yield
    phases[name] = time.monotonic() - started


@contextmanager
def worker_output_to(path: str, enabled: bool = True) -> Iterator[None]:
    """Send what engines print to ``path``; keep ours on the terminal.

    Beam's local worker processes and Spark's JVM (log4j) inherit file descriptor
    2 and log there; they get the log file instead, while ``sys.stderr`` (the
    progress display, our messages) keeps writing to the original terminal.
    """
    if not enabled:
        yield
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sys.stderr.flush()
    saved_fd = os.dup(2)
    terminal = os.fdopen(os.dup(saved_fd), "w", buffering=1)
    saved_stderr = sys.stderr
    with open(path, "ab") as log_file:
        os.dup2(log_file.fileno(), 2)
        sys.stderr = terminal
        try:
            yield
        finally:
            terminal.flush()
            sys.stderr = saved_stderr
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            terminal.close()


def clear_previous_outputs(layout: RunLayout, keep_phase_a: bool) -> None:
    """Remove what an earlier run left, so stale shards never mix with new ones.

    Committed per-file phase-A results survive unless asked otherwise: they
    are what makes a relaunch cheap (their fingerprint is checked later).
    """
    if layout.local_scratch != layout.work:  # a URL output's progress and worker log on this machine
        import shutil

        shutil.rmtree(layout.local_scratch, ignore_errors=True)
    fs, root = storage.filesystem(layout.root)
    if fs.exists(root):
        for path in fs.glob(storage.join(root, "shard-*.parquet*")):
            fs.rm(path)
    for path in (layout.manifest, layout.stats, layout.tokenizer, layout.audit, layout.report, layout.run_log):
        fs_path = storage.filesystem(path)[1]
        if fs.exists(fs_path):
            fs.rm(fs_path)
    work = storage.filesystem(layout.work)[1]
    phase_a_dir = storage.filesystem(layout.phase_a)[1].rstrip("/")
    if fs.exists(work):
        for entry in fs.ls(work, detail=False):
            if keep_phase_a and entry.rstrip("/") == phase_a_dir:
                continue
            fs.rm(entry, recursive=True)
    fs.makedirs(work, exist_ok=True)
