"""Star-contraction connected components as a Spark loop, on the test cluster."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")

from thresher.dedup.components import ConvergenceError, connected_components  # noqa: E402
from thresher.engines.spark.dedup import Deduplicator  # noqa: E402
from thresher.engines.spark.stats import SparkStats  # noqa: E402

pytest_plugins = ["spark_cluster"]


def _chain(nodes: list[str]) -> list[tuple[str, str]]:
    return list(zip(nodes, nodes[1:]))


@pytest.fixture(scope="module")
def graph() -> list[tuple[str, str]]:
    """A 40-node chain in random id order (the slow case: several rounds) beside a small star."""
    rng = random.Random(7)
    chain = [f"c{i:04d}" for i in range(40)]
    rng.shuffle(chain)
    star = [(f"s{i}", "s0") for i in range(1, 6)]
    return _chain(chain) + star


def _dedup(sc, tmp_path) -> Deduplicator:
    return Deduplicator(SparkStats(sc), str(tmp_path / "removed"), partitions=2)


def test_labels_match_the_in_memory_reference(spark_sc, tmp_path, graph):
    dedup = _dedup(spark_sc, tmp_path)
    try:
        labels = dict(dedup.components(spark_sc.parallelize(graph, 4), max_rounds=20).collect())
    finally:
        dedup.release_all()
    assert labels == connected_components(graph)
    assert set(labels.values()) == {"c0000", "s0"}


def test_too_few_rounds_fail_naming_the_setting(spark_sc, tmp_path, graph):
    dedup = _dedup(spark_sc, tmp_path)
    try:
        with pytest.raises(ConvergenceError, match=r"max_rounds=1 .*`dedup\.minhash`"):
            dedup.components(spark_sc.parallelize(graph, 4), max_rounds=1)
    finally:
        dedup.release_all()
