"""Engines: thin layers that run the engine-neutral run (:mod:`thresher.engines.base` says what one provides).

This registry is the one list of engines: the CLI's ``--runner`` choices, config validation
and the run driver all read it. An engine's module is imported only when a run uses it, so
a missing optional dependency (PySpark, Beam's GCP extra) costs nothing until then, and
then is one line naming what to install.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from thresher.errors import ThresherError

if TYPE_CHECKING:  # pragma: no cover
    from thresher.engines.base import Engine
    from thresher.engines.base import RunnerPlan


@dataclass(frozen=True)
class EngineEntry:
    name: str
    summary: str
    #: ``module:Class``, called with the run's :class:`~thresher.run.plan.RunnerPlan`.
    factory: str
    #: Top-level modules the engine needs, and the pip extra that installs them.
    requires: tuple[str, ...] = ()
    extra: str | None = None
    #: Engine options a run must give (each a tuple of alternative names), checked before any work.
    needs: tuple[tuple[str, ...], ...] = ()
    #: The engine can build a job without running it (``RunnerPlan.describe_to``: a dry run).
    describes: bool = False
    #: ``module:function(workers)`` started as soon as a run knows its engine (:func:`warm_up`).
    warm_up: str | None = None


ENGINES: dict[str, EngineEntry] = {
    entry.name: entry
    for entry in (
        EngineEntry("direct", "Beam's local FnApiRunner, every core of this machine",
                    "thresher.engines.beam.engine:BeamEngine", describes=True),
        EngineEntry("local", "this machine without Beam: phase A on worker processes, the rest in this process",
                    "thresher.engines.local:LocalEngine", warm_up="thresher.engines.fork_server:start_fork_server"),
        EngineEntry("prism", "Beam's Prism runner from a local binary (--prism_location=PATH; nothing downloads)",
                    "thresher.engines.beam.engine:BeamEngine", describes=True),
        EngineEntry("portable", "a Beam job service (--job_endpoint; none: Beam's own, in this process)",
                    "thresher.engines.beam.engine:BeamEngine", describes=True),
        EngineEntry("dataflow", "Google Cloud Dataflow", "thresher.engines.beam.engine:BeamEngine",
                    requires=("apache_beam.runners.dataflow.internal.apiclient",), extra="dataflow",
                    needs=(("project",), ("region",), ("temp_location", "gcp_temp_location")), describes=True),
        EngineEntry("spark", "Apache Spark through PySpark (local, standalone, YARN, Kubernetes)",
                    "thresher.engines.spark.engine:SparkEngine", requires=("pyspark",), extra="spark"),
    )
}


def engine_names() -> tuple[str, ...]:
    return tuple(ENGINES)


def warm_up(name: str, workers: int | None) -> None:
    """Start what the engine ``name`` will need, while the run goes on planning (the local engine's fork
    server imports phase A's modules meanwhile); nothing for an engine without it, or an unknown one."""
    entry = ENGINES.get(name)
    if entry is None or entry.warm_up is None:
        return
    module_name, _, function = entry.warm_up.partition(":")
    getattr(importlib.import_module(module_name), function)(workers)


def open_engine(runner: "RunnerPlan") -> "Engine":
    """The engine a run asked for, ready to run jobs (its options already checked)."""
    try:
        entry = ENGINES[runner.name]
    except KeyError:
        raise ThresherError(f"runner.name: unknown engine {runner.name!r} (known: {', '.join(ENGINES)})") from None
    for module in entry.requires:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            missing = getattr(exc, "name", None) or module.split(".")[0]
            raise ThresherError(
                f"the {entry.name} runner needs {missing}, which is not installed: "
                f"pip install 'thresher[{entry.extra}]'"
            ) from None
    if runner.describe_to and not entry.describes:
        able = ", ".join(name for name, e in ENGINES.items() if e.describes)
        raise ThresherError(f"--dry-run: the {entry.name} runner cannot build a job without running it (runners that can: {able})")
    missing = [names for names in entry.needs if not any(_given(runner, name) for name in names)]
    if missing:
        wanted = ", ".join(" or ".join(f"--{name}" for name in names) for names in missing)
        raise ThresherError(
            f"the {entry.name} runner needs {wanted}: give it after '--' (thresher run ... -- --{missing[0][0]}=...) "
            f"or under runner.options"
        )
    module_name, _, class_name = entry.factory.partition(":")
    return getattr(importlib.import_module(module_name), class_name)(runner)


def _given(runner: "RunnerPlan", name: str) -> bool:
    """The option ``name`` is set in ``runner.options`` or the engine arguments (``--name=v`` or ``--name v``)."""
    if runner.options.get(name) not in (None, ""):
        return True
    return any(arg == f"--{name}" or arg.startswith(f"--{name}=") for arg in runner.engine_args)
