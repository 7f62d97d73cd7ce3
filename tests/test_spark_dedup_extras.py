"""Verified MinHash and the cross-run dedup index on a real Spark standalone cluster, against Beam's local runner.

Run 1 (each engine): the bundled sample with ``dedup.minhash.verify`` at a
threshold that rejects some of the sample's near-duplicate candidates, writing
an index. Run 2: the bundled sample again plus a fresh crawl, reading an index:
Beam reads Beam's, Spark reads Spark's, and each engine reads the other's.
Every pair must give the same kept documents, duplicate decisions and counters.

Phase A is not what is compared: its per-file results are made once per
input file and copied into the other runs' output directories (either engine
resumes the other's results), so only the dedup phase runs again.
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from thresher.config import bundled_sample_path, config_from_dict
from thresher.stages.dedup.index import load_index, read_meta
from thresher.engines import open_engine
from thresher.errors import ThresherError
from thresher.run.driver import run_documents
from thresher.run.layout import dataset_files
from thresher.run.plan import build_plan, minhash_params
from thresher.tools.sample.generator import write_sample_crawl
from thresher.stats import is_measurement

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")

pytest_plugins = ["spark_cluster"]

# Between the sample's planted near-duplicate pairs' Jaccards (about 0.90 to 0.95):
# some candidates pass, some are rejected, so verification changes decisions.
VERIFY_THRESHOLD = 0.94
BEAM = {"name": "direct", "workers": 1}


def _config(out: Path, inputs: list[str], runner: dict, dedup: dict) -> dict:
    return {
        "input": {"paths": inputs},
        "output": {"path": str(out)},
        "dedup": {"minhash": {"verify": True, "verify_threshold": VERIFY_THRESHOLD}, **dedup},
        "runner": runner,
    }


def _run(out: Path, inputs: list[str], runner: dict, dedup: dict, phase_a_from: Path | None = None) -> dict:
    """The documents phase of a run (phase A, then dedup); its counters. Shards are not compared here."""
    if phase_a_from is not None:
        shutil.copytree(phase_a_from / "_work" / "phase_a", out / "_work" / "phase_a", dirs_exist_ok=True)
    plan = build_plan(config_from_dict(_config(out, inputs, runner, dedup)))
    engine = open_engine(plan.runner)
    try:
        return run_documents(plan, engine, progress_dir=None)
    finally:
        engine.close()


@pytest.fixture(scope="module")
def spark_runner(spark_cluster) -> dict:
    spark_cluster.wait_ready()
    return {"name": "spark", "options": spark_cluster.runner_options()}


@pytest.fixture(scope="module")
def first_runs(spark_cluster, spark_runner, tmp_path_factory):
    """Run 1 on each engine: verified MinHash over the bundled sample, writing an index."""
    root = tmp_path_factory.mktemp("first")
    inputs = [str(Path(bundled_sample_path()).resolve())]
    beam = _run(root / "beam", inputs, BEAM, {"index": {"write": str(root / "beam-index")}})
    spark = _run(
        root / "spark", inputs, spark_runner, {"index": {"write": str(root / "spark-index")}}, phase_a_from=root / "beam"
    )
    return root, beam, spark


@pytest.fixture(scope="module")
def second_runs(first_runs, spark_runner, tmp_path_factory):
    """Run 2: the bundled sample again plus a new crawl, each engine reading each engine's index."""
    first, _, _ = first_runs
    root = tmp_path_factory.mktemp("second")
    fresh = root / "fresh.warc.gz"
    write_sample_crawl(fresh, pages=40, seed=5)
    inputs = [str(Path(bundled_sample_path()).resolve()), str(fresh)]
    runs = {}
    phase_a = first / "beam"
    for reader, runner in (("beam", BEAM), ("spark", spark_runner)):
        for writer in ("beam", "spark"):
            out = root / f"{reader}-reads-{writer}"
            dedup = {"index": {"read": [str(first / f"{writer}-index")]}}
            runs[reader, writer] = _run(out, inputs, runner, dedup, phase_a_from=phase_a), out
            phase_a = out  # holds the fresh crawl's result too from now on
    return runs


def _rows(out: Path, dataset: str, columns: list[str]) -> list[tuple]:
    files = dataset_files(str(out / "_work" / dataset))
    assert files, f"no committed {dataset} dataset in {out}"
    return sorted(tuple(row[c] for c in columns) for row in pq.read_table(files, columns=columns).to_pylist())


def _decisions(out: Path) -> tuple[list, list]:
    return _rows(out, "documents", ["id"]), _rows(out, "duplicates", ["id", "duplicate_of"])


def _measured(counters: dict[str, int]) -> dict[str, int]:
    """Every counter but measured time, which no two runs share."""
    return {k: v for k, v in counters.items() if not is_measurement(k)}


def _stage_accounts(counters: dict[str, int]) -> None:
    """Every dedup stage that ran: ``in == kept + dropped``."""
    stages = {name.split("/")[0] for name in counters if name.startswith("dedup_") and name.endswith("/in")}
    assert stages
    for stage in stages:
        drops = sum(v for k, v in counters.items() if k.startswith(f"{stage}/dropped/"))
        assert counters[f"{stage}/in"] == counters.get(f"{stage}/kept", 0) + drops, stage


# -- verified MinHash ----------------------------------------------------------------------


def test_verified_minhash_matches_beam(first_runs):
    root, beam, spark = first_runs
    # Not vacuous: verification both kept and rejected candidate edges.
    assert spark["dedup_minhash_verify/verified_edges"] > 0
    assert spark["dedup_minhash_verify/rejected_edges"] > 0
    assert spark["dedup_minhash_verify/candidate_edges"] == (
        spark["dedup_minhash_verify/verified_edges"] + spark["dedup_minhash_verify/rejected_edges"]
    )
    assert _measured(spark) == _measured(beam)
    kept, removed = _decisions(root / "spark")
    assert (kept, removed) == _decisions(root / "beam")
    assert spark["dedup_minhash/dropped/near_duplicate"] > 0
    _stage_accounts(spark)


def test_spark_times_every_dedup_stage(first_runs, second_runs):
    _, _, first = first_runs
    second, _ = second_runs["spark", "spark"]
    for counters, stages in ((first, ("dedup_url", "dedup_exact", "dedup_minhash", "dedup_index")),
                             (second, ("dedup_index",))):
        for stage in stages:  # dedup_index of the first run: writing the index
            assert counters.get(f"{stage}/time_us", 0) > 0, stage
            assert f"{stage}/cpu_us" in counters, stage


# -- the index ------------------------------------------------------------------------------


def test_spark_writes_the_index_beam_writes(first_runs):
    root, _, _ = first_runs
    params = minhash_params(config_from_dict({}))
    spark_meta, beam_meta = read_meta(str(root / "spark-index")), read_meta(str(root / "beam-index"))
    assert spark_meta.settings == beam_meta.settings
    assert spark_meta.rows == beam_meta.rows and spark_meta.rows["urls"] > 0 and spark_meta.rows["bands"] > 0
    for table, names in spark_meta.files.items():
        assert names and all(name.startswith(f"{table}-") for name in names)
    assert not glob.glob(str(root / "spark-index" / ".*"))  # no temporary file left
    spark_index = load_index(str(root / "spark-index"), params)
    assert spark_index == load_index(str(root / "beam-index"), params)
    kept = {doc_id for (doc_id,) in _rows(root / "spark", "documents", ["id"])}
    assert set(spark_index.urls.values()) == kept  # the kept documents, and only those


def test_an_index_read_drops_the_same_documents_on_either_engine(second_runs):
    beam, beam_out = second_runs["beam", "beam"]
    # Not vacuous: every kind of match drops something, and the fresh crawl keeps documents.
    for reason in ("in_index_url", "in_index_text", "in_index_near"):
        assert beam.get(f"dedup_index/dropped/{reason}", 0) > 0, reason
    assert beam["dedup_index/kept"] > 0
    expected = _decisions(beam_out)
    for (reader, writer), (counters, out) in second_runs.items():
        assert _measured(counters) == _measured(beam), (reader, writer)
        assert _decisions(out) == expected, (reader, writer)
        _stage_accounts(counters)
    removed = expected[1]
    # Near matches name no document (band rows carry no id); URL and text matches do.
    assert any(dup is None for _, dup in removed) and any(dup is not None for _, dup in removed)


def test_spark_refuses_an_index_made_with_other_settings(first_runs, spark_runner, tmp_path):
    root, _, _ = first_runs
    dedup = {"index": {"read": [str(root / "spark-index")]}, "minhash": {"bands": 7, "verify": True}}
    with pytest.raises(ThresherError, match=r"built with other settings.*dedup\.minhash\.bands"):
        _run(tmp_path / "out", [str(Path(bundled_sample_path()).resolve())], spark_runner, dedup, root / "beam")
