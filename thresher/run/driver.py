"""A whole run, whatever the engine: documents phase, tokenizer, shards phase, stats."""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pyarrow.parquet as pq

from thresher.errors import ConfigError
from thresher.io.localize import is_remote, local_path
from thresher.io.manifest import write_json_atomic
from thresher.config.load import PipelineConfig
from thresher.run.layout import RunLayout
from thresher.bookkeeping.funnel import build_stats
from thresher.bookkeeping.progress import ProgressMonitor
from thresher.bookkeeping.run_log import write_run_log
from thresher.stats import merge
from thresher.tokenize.bpe_trainer import train_byte_level_bpe
from thresher.tokenize.encoder import DocumentTokenizer, file_sha256


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
    resumes: input files whose phase-A result is complete are not read again.
    """
    layout = RunLayout.create(config.output.path, config.input_paths())
    engine = _engine(config)
    if os.path.exists(layout.manifest) and not overwrite:
        log(f"{layout.root} holds a finished run: nothing to do (use --overwrite to redo it)")
        with open(layout.stats, encoding="utf-8") as fh:
            return RunResult(layout=layout, stats=json.load(fh), skipped=True)
    started = time.monotonic()
    _clear_previous_outputs(layout, keep_phase_a=not overwrite)
    log(f"reading {len(layout.input_files)} input file(s) on the {config.runner.name} runner")

    # Progress files live on the local disk: only local runners can share them.
    local = config.runner.name == "direct"
    total_bytes = sum(_local_size(p) for p in layout.input_files)
    with worker_output_to(layout.worker_log, enabled=local), ProgressMonitor(
        layout.progress, total_bytes, enabled=progress if local else False
    ) as monitor:
        # Each phase's wall time, as stats.json's timings.phases: the stages' own times
        # sum over workers and leave out start-up, scheduling and waiting between them.
        phases: dict[str, float] = {}
        with _phase(phases, "documents", monitor):
            counters_a = engine.run_documents_pipeline(
                config, layout, extra_args, progress_dir=layout.progress if local else None
            )
        with _phase(phases, "tokenizer", monitor):
            tokenizer, tokenizer_info = prepare_tokenizer(config, layout, log)
        with _phase(phases, "shards", monitor):
            counters_b = engine.run_shards_pipeline(config, layout, tokenizer, tokenizer_info, extra_args)

    filter_order = [next(iter(entry)) for entry in config.filters]
    stats = build_stats(
        merge([counters_a, counters_b]), filter_order, phases=phases, wall_seconds=time.monotonic() - started
    )
    write_run_log(layout.run_log, stats, layout.phase_a)
    write_json_atomic(layout.stats, stats)
    return RunResult(layout=layout, stats=stats)


@contextmanager
def _phase(phases: dict[str, float], name: str, monitor: ProgressMonitor) -> Iterator[None]:
    """Show ``name`` as the live stage and record its wall seconds in ``phases``."""
    monitor.set_stage(name)
    started = time.monotonic()
    yield
    phases[name] = time.monotonic() - started


@contextmanager
def worker_output_to(path: str, enabled: bool = True) -> Iterator[None]:
    """Send what local worker processes print to ``path``; keep ours on the terminal.

    Beam's local worker processes inherit file descriptor 2 and log their
    start-up there; they get the log file instead, while ``sys.stderr`` (the
    progress line, our messages) keeps writing to the original terminal.
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


def _local_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _engine(config: PipelineConfig):
    if config.runner.name in ("direct", "portable", "dataflow"):
        from thresher.engines.beam import driver

        return driver
    if config.runner.name == "spark":
        from thresher.engines.spark import driver as spark_driver

        return spark_driver
    raise ConfigError(f"runner.name: the {config.runner.name!r} runner is not available in this build")


def _clear_previous_outputs(layout: RunLayout, keep_phase_a: bool) -> None:
    """Remove what an earlier run left, so stale shards never mix with new ones.

    Finished per-file phase-A results survive unless asked otherwise: they
    are what makes a relaunch cheap (their config fingerprint is checked later).
    """
    for path in glob.glob(os.path.join(layout.root, "shard-*.parquet*")):
        os.remove(path)
    for path in (layout.manifest, layout.stats, layout.tokenizer, layout.audit, layout.report, layout.run_log):
        if os.path.exists(path):
            os.remove(path)
    if os.path.isdir(layout.work):
        for name in os.listdir(layout.work):
            if keep_phase_a and os.path.join(layout.work, name) == layout.phase_a:
                continue
            shutil.rmtree(os.path.join(layout.work, name), ignore_errors=True)
    os.makedirs(layout.work, exist_ok=True)


def iter_kept_texts(layout: RunLayout, limit: int) -> Iterator[str]:
    """Kept documents' text in id order (deterministic training input), at most ``limit``."""
    files = sorted(glob.glob(layout.documents_glob))
    if not files:
        return
    table = pq.read_table(files, columns=["id", "text"]).sort_by("id").slice(0, limit)
    yield from table.column("text").to_pylist()


def prepare_tokenizer(
    config: PipelineConfig, layout: RunLayout, log: Callable[[str], None]
) -> tuple[DocumentTokenizer, dict[str, Any]]:
    """Copy the configured tokenizer beside the shards, or train one on the kept text."""
    tok = config.tokenize
    if tok.tokenizer:
        if not is_remote(tok.tokenizer) and not os.path.exists(tok.tokenizer):
            raise ConfigError(f"tokenize.tokenizer: file not found: {tok.tokenizer}")
        shutil.copyfile(local_path(tok.tokenizer), layout.tokenizer)
        trained = False
    else:
        log(f"training a byte-level BPE tokenizer (vocab {tok.vocab_size}) on the kept text")
        model = train_byte_level_bpe(
            iter_kept_texts(layout, tok.train_max_documents),
            vocab_size=tok.vocab_size,
            special_tokens=(tok.eos_token,),
        )
        model.save(layout.tokenizer)
        trained = True
    tokenizer = DocumentTokenizer(layout.tokenizer, tok.eos_token)
    tokenizer.load()
    import tokenizers

    info = {
        "file": os.path.basename(layout.tokenizer),
        "type": "byte-level-bpe" if trained else "tokenizer.json",
        "library": "tokenizers",
        "library_version": tokenizers.__version__,
        "source": tok.tokenizer or "trained on this run's kept text",
        "trained": trained,
        "sha256": file_sha256(layout.tokenizer),
        "vocab_size": tokenizer.vocab_size,
        "eos_token": tok.eos_token,
        "eos_id": tokenizer.eos_id,
        "bos_id": None,
        "pad_id": None,
        "special_tokens": tokenizer.special_tokens(),
        "add_special_tokens": False,
        "eos_placement": "append",
    }
    return tokenizer, info
