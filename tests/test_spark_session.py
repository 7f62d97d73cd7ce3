"""Spark settings from the config and the engine arguments (no JVM needed)."""

from __future__ import annotations

import pytest

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")

from thresher.errors import ConfigError  # noqa: E402
from thresher.config import config_from_dict  # noqa: E402
from thresher.engines.spark.session import parse_engine_args, spark_settings  # noqa: E402
from thresher.run.plan import runner_plan  # noqa: E402


def _config(**runner):
    return config_from_dict({"runner": {"name": "spark", **runner}})


def test_engine_args_in_both_spellings():
    master, conf = parse_engine_args(
        ["--master", "spark://host:7077", "--conf", "spark.executor.memory=8g", "--conf=spark.extra=a=b"]
    )
    assert master == "spark://host:7077"
    assert conf == {"spark.executor.memory": "8g", "spark.extra": "a=b"}
    assert parse_engine_args(["--master=local[3]"]) == ("local[3]", {})


@pytest.mark.parametrize(
    "args, message",
    [
        (["--runner", "x"], "unknown argument '--runner'"),
        (["--conf"], "--conf needs a value"),
        (["--conf", "spark.executor.memory"], "expects key=value"),
        (["--master="], "--master needs a value"),
    ],
)
def test_bad_engine_args_are_named(args, message):
    with pytest.raises(ConfigError, match=message):
        parse_engine_args(args)


def test_options_then_arguments_win():
    options = {"master": "spark://a:7077", "partitions": 12}
    options.update({"spark.executor.memory": "4g", "spark.ui.enabled": False})
    config = _config(workers=3, options=options)
    settings = spark_settings(runner_plan(config))
    assert settings.master == "spark://a:7077"
    assert settings.partitions == 12
    assert settings.local_cores == 3
    assert settings.conf == {"spark.executor.memory": "4g", "spark.ui.enabled": "false"}

    overridden = spark_settings(runner_plan(config, ["--master", "spark://b:7077", "--conf", "spark.executor.memory=8g"]))
    assert overridden.master == "spark://b:7077"
    assert overridden.conf["spark.executor.memory"] == "8g"


def test_without_a_master_the_run_is_local_on_the_configured_cores():
    settings = spark_settings(runner_plan(_config(workers=2)))
    assert settings.master is None and settings.local_cores == 2 and settings.partitions is None


@pytest.mark.parametrize(
    "options, message",
    [
        ({"num_workers": 4}, r"runner\.options\.num_workers: unknown Spark option"),
        ({"partitions": 0}, r"runner\.options\.partitions: expected a positive integer"),
        ({"partitions": "many"}, r"runner\.options\.partitions: expected a positive integer"),
    ],
)
def test_bad_options_are_named(options, message):
    with pytest.raises(ConfigError, match=message):
        spark_settings(runner_plan(_config(options=options)))
