"""`preset: fineweb2` decides the same on Beam and on Spark.

FineWeb-2's recipe looks up thresholds per language, splits words per language and runs
MinHash per language: every one of those is a chance for the engines to disagree (an
iteration order, a per-process hash seed). The bundled sample holds seven languages; one
run on each engine must give the same shards, byte for byte, and the same counters,
per language and rule included.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sample_tokenizer import train_on_sample

from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline
from thresher.stats import is_measurement

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")
pytest_plugins = ["spark_cluster"]


@pytest.fixture(scope="module")
def tokenizer_file(tmp_path_factory) -> str:
    return train_on_sample(tmp_path_factory.mktemp("tokenizer") / "tokenizer.json", vocab_size=1024)


def _run(out: Path, tokenizer: str, runner: dict) -> Path:
    run_pipeline(config_from_dict({
        "preset": "fineweb2",
        "output": {"path": str(out), "shard_target_tokens": 20_000},
        "tokenize": {"tokenizer": tokenizer},
        "runner": runner,
    }))
    return out


def _shard_digests(out: Path) -> dict[str, str]:
    shards = sorted(out.glob("shards/*.parquet")) or sorted(out.glob("*.parquet"))
    assert shards, f"no shard in {out}"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in shards}


def _decisions(out: Path) -> dict:
    stats = json.loads((out / "stats.json").read_text())
    counters = {k: v for k, v in stats["counters"].items() if not is_measurement(k)}
    return {"counters": counters, "filters_by_language": stats.get("filters_by_language")}


@pytest.fixture(scope="module")
def runs(spark_cluster, tmp_path_factory, tokenizer_file):
    beam = _run(tmp_path_factory.mktemp("fw2-beam"), tokenizer_file, {"name": "direct", "workers": 1})
    spark_cluster.wait_ready()
    spark = _run(tmp_path_factory.mktemp("fw2-spark"), tokenizer_file,
                 {"name": "spark", "options": spark_cluster.runner_options()})
    return beam, spark


def test_fineweb2_counts_drops_in_several_languages(runs):
    beam, _ = runs
    per_language = _decisions(beam)["filters_by_language"]
    assert per_language, "stats.json has no per-language filter table"
    languages = {lang for table in per_language.values() for lang in table}
    assert len(languages) >= 3, languages


def test_fineweb2_same_decisions_on_both_engines(runs):
    beam, spark = runs
    assert _decisions(beam) == _decisions(spark)


def test_fineweb2_same_shards_on_both_engines(runs):
    beam, spark = runs
    assert _shard_digests(beam) == _shard_digests(spark)
