"""Thresher and its dependencies packed for Spark executors whose own Python has neither.

The archives (:mod:`thresher.engines.spark.packing`) are built once per test session into one
cache; the executors are those of :mod:`spark_isolated_cluster`, whose system ``python3`` has no
Thresher, NumPy or PyArrow, and which cannot see this checkout. That the executors import every
module the stages need from the archives is checked on the run's own context, in
``test_spark_no_shared_disk.py`` (one Spark application fewer).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tarfile

import pytest

from thresher.engines.spark import packing

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")
pytest_plugins = ["spark_isolated_cluster"]


@pytest.fixture(scope="module")
def packed(spark_pack_cache) -> packing.PackedEnv:
    return packing.pack_environment()


def _top_level(archive) -> set[str]:
    with tarfile.open(archive) as tar:
        return {name.split("/", 1)[0] for name in tar.getnames()}


def test_the_pack_holds_the_dependencies_but_not_what_executors_have(packed):
    names = _top_level(packed.deps)
    assert {"pyarrow", "numpy", "fasttext", "tokenizers", "fastwarc", "resiliparse", "trafilatura", "fsspec",
            "s3fs"} <= names
    # Spark gives every Python worker its own PySpark; executors of the Spark engine never import Beam.
    assert not names & {"pyspark", "py4j", "apache_beam", "scipy"}
    with tarfile.open(packed.deps) as tar:
        assert not [n for n in tar.getnames() if "/tests/" in n or n.endswith(".h")][:1]


def test_the_code_pack_is_thresher_with_its_resources(packed):
    with tarfile.open(packed.code) as tar:
        names = tar.getnames()
    assert {"thresher/__init__.py", "thresher/engines/spark/flow.py", "thresher/resources/sample.warc.gz"} <= set(names)
    assert all(n.startswith("thresher/") and "__pycache__" not in n for n in names)


def test_a_second_pack_reuses_the_archives(packed):
    stamps = (packed.deps.stat().st_mtime_ns, packed.code.stat().st_mtime_ns)
    again = packing.pack_environment()
    assert not again.built
    assert (again.deps, again.code) == (packed.deps, packed.code)
    assert (again.deps.stat().st_mtime_ns, again.code.stat().st_mtime_ns) == stamps


def test_shipping_is_decided_by_the_master_and_what_is_shipped_already(packed):
    remote = {"spark.master": "spark://10.0.0.1:7077"}
    assert packing.shipping_conf(True, {"spark.master": "local[2]"}) == {}
    assert packing.shipping_conf(True, {}) == {}  # no master anywhere: local
    assert packing.shipping_conf(False, remote) == {}
    assert packing.shipping_conf(True, {**remote, "spark.archives": "/x/env.tar#thresher_deps"}) == {}
    conf = packing.shipping_conf(True, {**remote, "spark.archives": "hdfs:///models.tar#models",
                                        "spark.executorEnv.PYTHONPATH": "extra"})
    assert conf["spark.archives"] == f"hdfs:///models.tar#models,{packed.deps}#thresher_deps,{packed.code}#thresher_code"
    assert conf["spark.executorEnv.PYTHONPATH"] == "thresher_code:thresher_deps:extra"
    assert packing.ships_packed_env(conf)


def test_the_spark_submit_arguments(packed, spark_pack_cache, capsys):
    assert packing.main([str(spark_pack_cache)]) == 0
    args = shlex.split(capsys.readouterr().out)
    assert args[:2] == ["--archives", f"{packed.deps}#thresher_deps,{packed.code}#thresher_code"]
    assert "spark.executorEnv.PYTHONPATH=thresher_code:thresher_deps" in args
    assert f"spark.pyspark.driver.python={sys.executable}" in args
    main = args[-1]
    assert main.endswith(".py") and os.path.dirname(main) == str(spark_pack_cache)
    # spark-submit runs it as a script; what follows it are Thresher's own arguments.
    ran = subprocess.run([sys.executable, main, "run", "--help"], capture_output=True, text=True)
    assert ran.returncode == 0 and "usage: thresher run" in ran.stdout


def test_the_pack_option_is_checked():
    from thresher.config import config_from_dict
    from thresher.engines.spark.session import spark_settings
    from thresher.errors import ConfigError
    from thresher.run.plan import runner_plan

    def settings(options):
        return spark_settings(runner_plan(config_from_dict({"runner": {"name": "spark", "options": options}})))

    assert settings({"pack": False}).pack is False and settings({}).pack is True
    with pytest.raises(ConfigError, match=r"runner\.options\.pack: expected true or false"):
        settings({"pack": "yes"})
