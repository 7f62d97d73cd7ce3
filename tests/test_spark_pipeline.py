"""The whole pipeline on a real Spark standalone cluster, against Beam's DirectRunner.

One Spark run and one Beam run of the bundled sample, with the same config
and the same tokenizer (trained here first, so both encode with the identical
``tokenizer.json``), shared by every test of the module. The cluster's JVMs
boot while Beam runs.
"""

from __future__ import annotations

import glob
import json
import math
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sample_tokenizer import train_on_sample

from thresher.tools.inspect import validate_run
from thresher.tools.loader import open_run
from thresher.config import bundled_sample_path, config_from_dict
from thresher.run.driver import run_pipeline
from thresher.tools.sample.truth import SampleTruth, truth_path_for
from thresher.stats import is_measurement

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")
pytest_plugins = ["spark_cluster"]


@pytest.fixture(scope="module")
def tokenizer_file(tmp_path_factory) -> str:
    """A small BPE trained on the sample's pages: both engines get this very file."""
    return train_on_sample(tmp_path_factory.mktemp("tokenizer") / "tokenizer.json", vocab_size=2048)


BYTE_TARGET = 100_000


def _config(out: Path, tokenizer: str, runner: dict) -> dict:
    return {
        # The byte target asks for more shards than the token target: both engines size by bytes.
        "output": {"path": str(out), "shard_target_tokens": 20_000, "shard_target_bytes": BYTE_TARGET},
        "tokenize": {"tokenizer": tokenizer},
        "runner": runner,
    }


@pytest.fixture(scope="module")
def beam_run(spark_cluster, tmp_path_factory, tokenizer_file):
    # One worker: Beam's in-memory mode, the quickest for a small input (and the same
    # corpus as any worker count: see test_end_to_end).
    out = tmp_path_factory.mktemp("beam-run")
    return run_pipeline(config_from_dict(_config(out, tokenizer_file, {"name": "direct", "workers": 1}))), out


@pytest.fixture(scope="module")
def spark_run(beam_run, spark_cluster, tmp_path_factory, tokenizer_file):
    spark_cluster.wait_ready()
    out = tmp_path_factory.mktemp("spark-run")
    runner = {"name": "spark", "options": spark_cluster.runner_options()}
    return run_pipeline(config_from_dict(_config(out, tokenizer_file, runner))), out


def _rows(out: Path, pattern: str, columns: list[str]) -> list[tuple]:
    files = glob.glob(str(out / pattern))
    assert files, f"no file matches {pattern} in {out}"
    return sorted(tuple(row[c] for c in columns) for row in pq.read_table(files, columns=columns).to_pylist())


def _measured(counters: dict[str, int]) -> dict[str, int]:
    """Every counter but measured time, which no two runs share."""
    return {name: value for name, value in counters.items() if not is_measurement(name)}


# -- the Spark run on its own -------------------------------------------------------------


def test_spark_run_accounts_for_every_record(spark_run):
    result, _ = spark_run
    stats = result.stats
    truth = SampleTruth.load(truth_path_for(bundled_sample_path()))
    assert stats["identity"]["holds"], stats["identity"]
    assert stats["records_read"] == sum(truth.record_counts.values())
    assert stats["kept_documents"] > 0
    for stage in stats["stages"]:
        assert stage["in"] == stage["kept"] + sum(stage["dropped"].values()), stage["stage"]


def test_spark_stats_time_each_phase_and_phase_a_stages(spark_run):
    stats = spark_run[0].stats
    phases = stats["timings"]["phases"]
    assert list(phases) == ["documents", "tokenizer", "shards"] and all(s > 0 for s in phases.values())
    assert sum(phases.values()) <= stats["wall_seconds"] + 0.01
    rows = {row["stage"]: row for row in stats["timings"]["stages"]}
    for stage in ("extract", "langid"):  # timed inside the executors, summed over them
        assert rows[stage]["busy_seconds"] > 0 and rows[stage]["cpu_seconds"] > 0


def test_spark_manifest_validates(spark_run):
    result, out = spark_run
    report = validate_run(open_run(str(out)))
    assert report.ok, [str(p) for p in report.problems]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["totals"]["shards"] >= 3  # the corpus spread over several shards
    assert manifest["totals"]["documents"] == result.stats["kept_documents"] == report.documents


def test_spark_writes_one_document_file_per_partition_from_executors(spark_run):
    _, out = spark_run
    names = sorted(Path(p).name for p in glob.glob(str(out / "_work/documents/*.parquet")))
    assert names and all(name.startswith("part-") for name in names)
    assert not glob.glob(str(out / "_work/**/.*.tmp"), recursive=True)  # every write completed


# -- Spark against Beam -------------------------------------------------------------------


def test_same_counters_as_beam(spark_run, beam_run):
    spark_counters = spark_run[0].stats["counters"]
    beam_counters = beam_run[0].stats["counters"]
    assert _measured(spark_counters) == _measured(beam_counters)
    # Time is measured where Beam measures it, too.
    timed = lambda counters: {name for name in counters if name.endswith("/time_us")}  # noqa: E731
    assert timed(spark_counters) == timed(beam_counters)


def test_same_kept_documents_and_duplicate_decisions_as_beam(spark_run, beam_run):
    (_, spark_out), (_, beam_out) = spark_run, beam_run
    kept = _rows(spark_out, "_work/documents/*.parquet", ["id", "url", "text"])
    assert kept == _rows(beam_out, "_work/documents/*.parquet", ["id", "url", "text"])
    removed = _rows(spark_out, "_work/duplicates/*.parquet", ["id", "duplicate_of"])
    assert removed == _rows(beam_out, "_work/duplicates/*.parquet", ["id", "duplicate_of"])
    assert len(removed) > 0  # the sample plants duplicates: the comparison is not vacuous
    rejects = ["source", "offset", "reason"]
    assert _rows(spark_out, "_work/phase_a/*/piece-*.rejects.parquet", rejects) == _rows(
        beam_out, "_work/phase_a/*/piece-*.rejects.parquet", rejects
    )


def test_same_shards_and_token_ids_as_beam(spark_run, beam_run):
    (_, spark_out), (_, beam_out) = spark_run, beam_run
    spark_manifest = json.loads((spark_out / "manifest.json").read_text())
    beam_manifest = json.loads((beam_out / "manifest.json").read_text())
    assert spark_manifest["tokenizer"]["sha256"] == beam_manifest["tokenizer"]["sha256"]
    assert [s["name"] for s in spark_manifest["shards"]] == [s["name"] for s in beam_manifest["shards"]]
    for shard in spark_manifest["shards"]:
        columns = ["id", "token_ids"]
        spark_table = pq.read_table(spark_out / shard["name"], columns=columns).to_pylist()
        beam_table = pq.read_table(beam_out / shard["name"], columns=columns).to_pylist()
        assert spark_table == beam_table, shard["name"]
    # Byte-identical, even: same rows, same order, same writer.
    assert [s["sha256"] for s in spark_manifest["shards"]] == [s["sha256"] for s in beam_manifest["shards"]]
    assert spark_manifest["languages"] == beam_manifest["languages"]


def test_byte_target_sets_the_shard_count_on_both_engines(spark_run, beam_run):
    from thresher.io.shards import row_payload_bytes

    for _, out in (spark_run, beam_run):
        manifest = json.loads((out / "manifest.json").read_text())
        sizing = manifest["sizing"]
        assert (sizing["target_tokens"], sizing["target_bytes"]) == (20_000, BYTE_TARGET)
        # The measure, recomputed from the files, is what the count was planned on.
        rows = pq.read_table([out / s["name"] for s in manifest["shards"]]).to_pylist()
        assert sum(row_payload_bytes(row, keep_text=True) for row in rows) == sizing["payload_bytes"]
        by_bytes = math.ceil(sizing["payload_bytes"] / BYTE_TARGET)
        assert manifest["totals"]["shards"] == by_bytes > math.ceil(manifest["totals"]["tokens"] / 20_000)
    spark_counters, beam_counters = spark_run[0].stats["counters"], beam_run[0].stats["counters"]
    for name in ("tokenize/time_us", "tokenize/cpu_us", "shards/time_us", "shards/cpu_us"):
        assert spark_counters[name] > 0 and beam_counters[name] > 0, name


def test_same_audit_sample_as_beam(spark_run, beam_run):
    (_, spark_out), (_, beam_out) = spark_run, beam_run
    spark_audit = json.loads((spark_out / "audit.json").read_text())
    assert spark_audit and spark_audit == json.loads((beam_out / "audit.json").read_text())
