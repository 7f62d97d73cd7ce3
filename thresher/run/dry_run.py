"""A dry run: every job of a run built from the plan alone, described, and none run.

``thresher run --dry-run DIR`` asks the engine for a description of each job instead of running
it, named after the job: ``phase-a-<pass>``, ``dedup``, ``shards`` (Beam: ``<job>.pipeline.json``,
the portable pipeline; Dataflow also ``<job>.json``, the job request Beam would submit, built under
its ``--dry_run``). This is how a
Dataflow launch is checked before it costs anything: the graph, the worker set-up and the
options each job would carry.

A real run builds dedup and shards from what earlier jobs wrote (the committed phase-A results,
the kept documents, the tokenizer). A dry run has none of that, so it builds them from the
plan: the documents files phase A *will* write (one per work unit, their names known from the
units), the kept-documents dataset dedup will write, the tokenizer at its place beside the
shards. What is decided by sizes only known after a job (the shards job's one-writer path, the
dedup graph's size) is decided for an upper bound: the kept documents are taken to be as large as
the input. Nothing here knows an engine: the engine only describes what it is given.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from thresher.config import PipelineConfig
from thresher.engines import open_engine
from thresher.errors import ThresherError
from thresher.io import storage
from thresher.run.dedup import dedup
from thresher.run.phase_a import phase_a
from thresher.run.plan import RunPlan, build_plan
from thresher.run.remote import prepare_storage
from thresher.run.results import piece_file
from thresher.run.shards import shards
from thresher.run.units import file_sizes, plan_units
from thresher.stages.tokenize.encoder import DocumentTokenizer

#: Stands for the names of the kept documents' files, which dedup chooses as it writes them.
PLANNED_DOCUMENTS = "part-<written by dedup>.parquet"


def dry_run(config: PipelineConfig, directory: str, extra_args: list[str] | None = None,
            log: Callable[[str], None] = lambda _msg: None) -> list[str]:
    """Describe every job of a run of ``config`` into ``directory``; the jobs' names, in run order.

    Reads the input listing and sizes (as a run plans its work units), writes nothing else than
    the descriptions, and runs nothing.
    """
    prepare_storage(config)
    plan = build_plan(config, tuple(extra_args or ()))
    plan = replace(plan, runner=replace(plan.runner, describe_to=directory))
    engine = open_engine(plan.runner)  # a missing extra or option is one line, as for a run
    try:
        names = describe_jobs(plan, engine.run, engine.parallelism())
    finally:
        engine.close()
    log(f"dry run: {len(names)} job(s) built on the {plan.runner.name} runner and described in {directory}; "
        "nothing ran")
    return names


def describe_jobs(plan: RunPlan, run: Callable[..., object], parallelism: int) -> list[str]:
    """Hand each job of the run to ``run(name, build)`` in run order; the job names."""
    layout = plan.layout
    files = list(layout.input_files)
    sizes = file_sizes(files, plan.inputs.storage_options)
    per_pass = plan.runner.files_per_pass or max(len(files), 1)
    names: list[str] = []
    document_files: list[str] = []
    for number, start in enumerate(range(0, len(files), per_pass), 1):
        units = plan_units(files[start:start + per_pass], sizes, plan.runner.unit_bytes, parallelism)
        document_files += [piece_file(layout, unit, "documents") for unit in units]
        name = f"phase-a-{number}"
        run(name, lambda flow, units=units: phase_a(flow, units, plan, None))
        names.append(name)
    run("dedup", lambda flow: dedup(flow, plan.dedup, document_files, None, layout.documents, layout.duplicates,
                                   clear_stale=False))
    names.append("dedup")
    # Kept documents are never larger than the input: the one-writer path only when that is certain.
    input_bytes = sum(sizes.values())
    tokenizer = DocumentTokenizer(layout.tokenizer, plan.tokenize.eos_token)  # written by the tokenizer phase
    tokenizer_info = {"file": "tokenizer.json", "source": plan.tokenize.tokenizer or "trained on this run's kept text"}
    kept = [storage.join(layout.documents, PLANNED_DOCUMENTS)]
    run("shards", lambda flow: shards(
        flow, kept, tokenizer, tokenizer_info, plan.output, layout.root, layout.manifest, plan.config_record,
        input_bytes if input_bytes <= plan.output.one_writer_max_bytes else None,
    ))
    names.append("shards")
    return names


def dry_run_request(directory: str | None, engine_args: list[str]) -> tuple[str | None, list[str]]:
    """Where a dry run's descriptions go, and the engine arguments left for the engine.

    ``--dry-run DIR`` asks for one. Beam's own ``--dry_run`` after ``--`` asks for one too: a
    run is several jobs, so they go beside Beam's ``--dataflow_job_file``, one file per job.
    """
    words, rest, job_file, beam_dry = list(engine_args), [], None, False
    while words:
        word = words.pop(0)
        name, eq, value = word.partition("=")
        if name in ("--dry_run", "--dataflow_job_file"):
            if not eq and words and not words[0].startswith("--"):
                value = words.pop(0)
            if name == "--dry_run":
                beam_dry = value.strip().lower() not in ("false", "0", "no")
            else:
                job_file = value
            continue
        rest.append(word)
    if directory is None and beam_dry:
        if not job_file:
            raise ThresherError("--dry_run: a run is several jobs; name where their descriptions go with "
                                "thresher run --dry-run DIR (or --dataflow_job_file=DIR/job.json)")
        directory = job_file.rsplit("/", 1)[0] if "/" in job_file else "."
    return directory, (rest if directory else list(engine_args))
