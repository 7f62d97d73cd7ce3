"""What the benchmarks run through the engine interface: engines, small jobs, and steps run in process.

Not a benchmark itself. The run's own jobs (:mod:`thresher.run.dedup`, :mod:`thresher.run.shards`)
read and write datasets; a benchmark needs a few plain pieces around the same Flow
primitives, written here because only benchmarks need them (nothing under ``thresher/``
is changed for them):

* :func:`beam_engine` / :func:`spark_engine`: the engines a run would open, with a
  benchmark's worker count, partitions and Spark conf;
* :class:`ReadEdges`: candidate edges from a Parquet file, one row group per element;
* :func:`summarize_labels`: ``(node, label)`` records folded into an order-free digest
  (nodes, components, xxh3 sum) and written as JSON, so every engine's labels can be
  checked against union-find without collecting them;
* :func:`components_job`: the pipeline's own
  :func:`thresher.run.dedup.components.connected_components` between those two;
* :func:`run_step`: a :class:`~thresher.engines.base.Step` over elements in this process,
  exactly as an engine drives it (setup, the step's batches, :func:`step_outputs` with its
  stage timer, finish, teardown), with no engine: the "stage code" figures.

Engines' workers unpickle these steps by reference: this module must be importable as
``engine_jobs`` in every worker, so the engines opened here put this tree and ``bench/`` on
``PYTHONPATH`` first (:func:`importable_in_workers`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from thresher.engines.base import MapStep, Step, StepContext, SumTuples, batches, step_outputs
from thresher.run.plan import RunnerPlan
from thresher.stats import DictStats, StatsSink

BENCH = str(Path(__file__).resolve().parent)
ROOT = str(Path(__file__).resolve().parents[1])


def importable_in_workers() -> None:
    """This tree and ``bench/`` first on ``PYTHONPATH``: worker interpreters import steps defined here."""
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p not in (ROOT, BENCH)]
    os.environ["PYTHONPATH"] = os.pathsep.join([ROOT, BENCH, *paths])


# -- engines ---------------------------------------------------------------------------


def beam_engine(workers: int):
    """Beam's local runner as a run opens it: 1 worker in memory, more as worker processes."""
    from thresher.engines.beam.engine import BeamEngine

    importable_in_workers()
    return BeamEngine(RunnerPlan("direct", workers, None))


def spark_engine(cores: int, partitions: int | None = None, conf: Mapping[str, Any] | None = None):
    """Spark on ``local[cores]`` as a run opens it (``runner.options``: master, partitions, ``spark.*``)."""
    from thresher.engines.spark.engine import SparkEngine

    importable_in_workers()
    options: dict[str, Any] = {"master": f"local[{cores}]", **(conf or {})}
    if partitions is not None:
        options["partitions"] = partitions
    return SparkEngine(RunnerPlan("spark", cores, None, options=options))


# -- steps and jobs --------------------------------------------------------------------


def edge_items(path: str | Path) -> list[tuple[str, int]]:
    """``(file, row group)`` of an edges file: the elements :class:`ReadEdges` reads."""
    import pyarrow.parquet as pq

    groups = pq.ParquetFile(str(path)).metadata.num_row_groups
    return [(str(path), group) for group in range(groups)]


class ReadEdges(Step):
    """``(file, row group)`` -> the ``(a, b)`` edges of that row group."""

    batch_size = 1

    def process(self, items: list[tuple[str, int]], ctx: StepContext) -> Iterator[tuple[str, str]]:
        import pyarrow.parquet as pq

        for path, group in items:
            table = pq.ParquetFile(path).read_row_group(group, columns=["a", "b"]).to_pydict()
            yield from zip(table["a"], table["b"])


def label_digest_record(record: tuple[str, str]) -> Iterator[tuple[int, int, int]]:
    """``(node, label)`` -> ``(1, 1 if the node is its component's label, xxh3 of the pair)``."""
    import xxhash

    node, label = record
    yield 1, int(node == label), xxhash.xxh3_64_intdigest(f"{node}\t{label}".encode())


class WriteLabelSummary(Step):
    """Writes the side value ``summary`` (nodes, components, digest sum) to ``path`` as JSON."""

    batch_size = 1

    def __init__(self, path: str) -> None:
        self.path = path

    def process(self, batch: list[Any], ctx: StepContext) -> Iterator[Any]:
        labels, components, digest = ctx.sides["summary"]
        Path(self.path).write_text(json.dumps(
            {"labels": labels, "components": components, "label_digest": digest % (1 << 64)}))
        return iter(())


def summarize_labels(flow: Any, labels: Any, path: str) -> None:
    """Labels -> one summary (a side value) -> ``path``: nodes, components, and the order-free digest."""
    digests = flow.apply("LabelDigest", labels, MapStep(label_digest_record))
    summary = flow.singleton("LabelSummary", digests, SumTuples(3))
    flow.apply("WriteSummary", flow.create("Once", ["summary"]), WriteLabelSummary(path), sides={"summary": summary})


def read_label_summary(path: str | Path) -> dict[str, int]:
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else {"labels": 0, "components": 0, "label_digest": 0}


class CountAs(Step):
    """Counts the elements it sees as the counter ``name`` (the job's result); emits nothing."""

    def __init__(self, name: str) -> None:
        self.name = name

    def process(self, batch: list[Any], ctx: StepContext) -> Iterator[Any]:
        ctx.stats.inc(self.name, len(batch))
        return iter(())


def components_job(
    edges: Callable[[Any], Any], *, max_rounds: int, edge_bound: int | None, summary_path: str,
    stage: str = "minhash",
) -> Callable[[Any], None]:
    """A job: ``edges(flow)`` -> the pipeline's connected components -> label summary at ``summary_path``.

    ``edge_bound`` at most ``SINGLE_WORKER_EDGES`` takes the small-graph path (union-find on one
    worker), as the dedup job does when the document count bounds the graph.
    """
    from thresher.run.dedup.components import connected_components

    def build(flow: Any) -> None:
        labels = connected_components(flow, edges(flow), max_rounds=max_rounds, edge_bound=edge_bound, stage=stage)
        summarize_labels(flow, labels, summary_path)

    return build


def parquet_edges(path: str | Path) -> Callable[[Any], Any]:
    """``edges(flow)`` for :func:`components_job`: the edges file's row groups spread over workers, then read."""
    items = edge_items(path)

    def edges(flow: Any) -> Any:
        return flow.apply("ReadEdges", flow.create("EdgeFiles", items), ReadEdges())

    return edges


# -- a step in this process ------------------------------------------------------------


def run_step(step: Step, elements: Iterable[Any], sides: Mapping[str, Any] | None = None,
             stats: StatsSink | None = None) -> list[Any]:
    """``step`` over ``elements`` as an engine drives it on one worker, without the engine.

    Setup, the step's own batches (:func:`~thresher.engines.base.batches`), each batch through
    :func:`~thresher.engines.base.step_outputs` (the stage timer engines add), ``finish`` and
    ``teardown``: the per-element work of a stage with none of an engine's costs.
    """
    ctx = StepContext(stats if stats is not None else DictStats(), dict(sides or {}))
    step.setup()
    try:
        out: list[Any] = []
        for batch in batches(step, elements):
            out.extend(step_outputs(step, batch, ctx))
        out.extend(step.finish(ctx))
        return out
    finally:
        step.teardown()
