"""Engine-neutral jobs run on the real engines in tests: Beam's local runner and Spark in local mode.

A test builds a job against the Flow primitives (as the run does) and reads back what a
:class:`Collect` step wrote, so the same test holds every engine to the same answer.
"""

from __future__ import annotations

import pickle
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable

import pyarrow.parquet as pq
import pytest

from thresher.stages.dedup.params import MinHashParams
from thresher.engines.base import Step, StepContext
from thresher.io import storage
from thresher.io.documents import DOCUMENT_SCHEMA, document_to_row, row_to_document
from thresher.record import Document
from thresher.run.layout import dataset_files
from thresher.engines.base import RunnerPlan
from thresher.run.plan import DedupPlan

#: Engines every engine-neutral test runs on (``local``: its worker processes run every step over a
#: created collection, so the dedup and shard jobs' first steps run there as phase A's do).
ENGINES = ("beam", "spark", "local")


def open_test_engine(name: str):
    """``beam``: Beam's local runner, one worker in memory; ``beam2``: two worker processes;
    ``spark``: PySpark in local mode with two cores (a context shared by the session);
    ``inprocess``: the Flow primitives in this process, as small jobs run on a local engine;
    ``local``: the local engine with two worker processes."""
    if name in ("beam", "beam2"):
        from thresher.engines.beam.engine import BeamEngine

        return BeamEngine(RunnerPlan("direct", 1 if name == "beam" else 2, None))
    if name == "spark":
        pytest.importorskip("pyspark")
        import sys

        from pyspark import cloudpickle

        from thresher.engines.spark.engine import SparkEngine

        # Executors cannot import the test modules: steps and functions defined there travel by value.
        tests = str(Path(__file__).resolve().parent)
        for module in list(sys.modules.values()):
            if str(getattr(module, "__file__", "") or "").startswith(tests):
                cloudpickle.register_pickle_by_value(module)

        return SparkEngine(RunnerPlan("spark", 2, None, options={"master": "local[2]", "partitions": 3}))
    if name == "inprocess":
        return InProcessEngine()
    if name == "local":
        from thresher.engines.local import LocalEngine

        return LocalEngine(RunnerPlan("local", 2, None))
    raise ValueError(name)


class InProcessEngine:
    """What a local engine runs a small job on: the Flow primitives in this process (no engine)."""

    def run(self, job: str, build: Callable[[Any], Any], small: bool = True) -> dict[str, int]:
        from thresher.engines.inprocess import run_in_process

        return run_in_process(build)


class Collect(Step):
    """Pickles a bundle's (or partition's) elements to a file of their own in ``directory``."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.items: list[Any] = []

    def process(self, batch: list[Any], ctx: StepContext) -> Iterable[Any]:
        self.items.extend(batch)
        return ()

    def finish(self, ctx: StepContext) -> Iterable[Any]:
        items, self.items = self.items, []
        if items:
            path = Path(self.directory) / f"{uuid.uuid4().hex}.pkl"
            path.write_bytes(pickle.dumps(items))
        return ()


def collected(directory: Path) -> list[Any]:
    return [item for path in sorted(directory.glob("*.pkl")) for item in pickle.loads(path.read_bytes())]


def run_and_collect(engine_name: str, build: Callable[[Any], Any], tmp_path: Path) -> tuple[list[Any], dict[str, int]]:
    """Run ``build(flow)`` and collect the collection it returns; ``(elements, counters)``."""
    out = tmp_path / f"collect-{uuid.uuid4().hex[:8]}"
    out.mkdir(parents=True)
    engine = open_test_engine(engine_name)

    def job(flow):
        flow.apply("Collect", build(flow), Collect(str(out)))

    counters = engine.run("test", job)
    return collected(out), counters


# -- dedup ---------------------------------------------------------------------------------


def doc(doc_id: str, text: str = "some text", url: str | None = None, date: str = "2024-01-01") -> Document:
    return Document(id=doc_id, url=url or f"https://example.com/{doc_id}", text=text, crawl_date=date,
                    source="test.warc.gz", offset=0)


def dedup_plan(params: MinHashParams | None = None, **on: Any) -> DedupPlan:
    """A plan with every stage off but those named: ``url_keep``, ``exact_normalization``, ``minhash``, ..."""
    fields = dict(url_keep=None, exact_normalization=None, minhash=False, verify_threshold=None,
                  params=params or MinHashParams(hash="xxh3"))
    fields.update(on)
    return DedupPlan(**fields)


def write_documents(docs: list[Document], path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with storage.ParquetFileWriter(str(path), DOCUMENT_SCHEMA, always=True) as writer:
        for d in docs:
            writer.add(document_to_row(d))
    return str(path)


def run_dedup(
    engine_name: str, docs: list[Document], plan: DedupPlan, tmp_path: Path, files: int = 2
) -> tuple[list[Document], dict[str, str | None], dict[str, int]]:
    """The dedup job over ``docs`` (split over ``files`` input files): kept documents by id,
    ``{removed id: duplicate_of}``, counters."""
    from thresher.run.dedup import dedup

    work = tmp_path / f"dedup-{uuid.uuid4().hex[:8]}"
    inputs = [write_documents(docs[i::files], work / "in" / f"docs-{i}.parquet") for i in range(files)]
    documents_dir, duplicates_dir = str(work / "documents"), str(work / "duplicates")
    engine = open_test_engine(engine_name)
    counters = engine.run("dedup", lambda flow: dedup(flow, plan, inputs, len(docs), documents_dir, duplicates_dir))
    kept = sorted((row_to_document(r) for f in dataset_files(documents_dir) for r in pq.read_table(f).to_pylist()),
                  key=lambda d: d.id)
    pairs: dict[str, list] = {}
    for f in dataset_files(duplicates_dir):
        for r in pq.read_table(f).to_pylist():
            pairs.setdefault(r["id"], []).append(r["duplicate_of"])
    # One record per id is the rule; a page read twice may be removed twice (both kept ids, sorted).
    removed = {k: v[0] if len(v) == 1 else tuple(sorted(v, key=str)) for k, v in pairs.items()}
    return kept, removed, counters


def assert_balanced(counters: dict[str, int], stage: str, reason: str, n_in: int) -> None:
    assert counters[f"{stage}/in"] == n_in
    assert counters[f"{stage}/in"] == counters.get(f"{stage}/kept", 0) + counters.get(f"{stage}/dropped/{reason}", 0)
