"""The SparkContext of a run: master and conf from ``runner`` options and engine arguments.

``runner.options`` may hold ``master`` (a Spark master URL), ``partitions``
(how many partitions pages and documents are spread over) and any
``spark.*`` conf key; the arguments after ``--`` on the command line may
hold ``--master URL`` and ``--conf key=value`` (they win over the config).
Without a master the run is local: ``local[N]``, N = ``runner.workers`` or
every core.

One context serves both phases of a run (and later runs with the same
settings): starting one costs seconds of JVM and executor start-up.
"""

from __future__ import annotations

import atexit
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from pyspark import SparkConf, SparkContext

from thresher.errors import ConfigError
from thresher.pipeline.config import PipelineConfig

APP_NAME = "thresher"
_OPTION_KEYS = ("master", "partitions")


@dataclass(frozen=True)
class SparkSettings:
    master: str
    #: Spark conf entries, strings as Spark takes them.
    conf: dict[str, str] = field(default_factory=dict)
    #: Partitions pages and documents are spread over; None: twice the cluster's cores.
    partitions: int | None = None


def spark_settings(config: PipelineConfig, extra_args: list[str] | None = None) -> SparkSettings:
    """Settings from ``config.runner`` and ``--master``/``--conf`` arguments (arguments win)."""
    runner = config.runner
    master = f"local[{runner.workers or os.cpu_count() or 1}]"
    conf: dict[str, str] = {}
    partitions = None
    for key, value in runner.options.items():
        if key == "master":
            master = str(value)
        elif key == "partitions":
            partitions = _positive_int(value, "runner.options.partitions")
        elif key.startswith("spark."):
            conf[key] = _conf_value(value)
        else:
            raise ConfigError(
                f"runner.options.{key}: unknown Spark option (known: {', '.join(_OPTION_KEYS)} and spark.* conf keys)"
            )
    args_master, args_conf = parse_engine_args(extra_args or [])
    conf.update(args_conf)
    return SparkSettings(master=args_master or master, conf=conf, partitions=partitions)


def parse_engine_args(args: list[str]) -> tuple[str | None, dict[str, str]]:
    """``--master URL`` / ``--master=URL`` and ``--conf k=v`` / ``--conf=k=v``, as spark-submit spells them."""
    master: str | None = None
    conf: dict[str, str] = {}
    items = list(args)
    i = 0
    while i < len(items):
        arg = items[i]
        name, _, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in ("--master", "--conf"):
            raise ConfigError(f"Spark runner: unknown argument {arg!r} (expected --master URL or --conf key=value)")
        if "=" in arg:
            value = inline
        elif i + 1 < len(items):
            i += 1
            value = items[i]
        else:
            value = ""
        if not value:
            raise ConfigError(f"Spark runner: {name} needs a value")
        if name == "--master":
            master = value
        else:
            key, sep, conf_value = value.partition("=")
            if not sep or not key:
                raise ConfigError(f"Spark runner: --conf expects key=value, got {value!r}")
            conf[key] = conf_value
        i += 1
    return master, conf


def _conf_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: expected a positive integer, got {value!r}")
    return value


_active: tuple[SparkSettings, SparkContext] | None = None


def spark_context(settings: SparkSettings) -> SparkContext:
    """The context for these settings: the running one if they match, else a new one."""
    global _active
    if _active is not None:
        active_settings, sc = _active
        if active_settings == settings and sc._jsc is not None:
            return sc
        sc.stop()
        _active = None
    # PySpark starts executors' Python workers with $PYSPARK_PYTHON (not the conf key): by
    # default this interpreter, whose environment has thresher installed. On a remote
    # cluster the same path must hold a Python with thresher, or set spark.pyspark.python.
    os.environ["PYSPARK_PYTHON"] = (
        settings.conf.get("spark.pyspark.python") or os.environ.get("PYSPARK_PYTHON") or sys.executable
    )
    conf = SparkConf().setMaster(settings.master).setAppName(APP_NAME)
    for key, value in settings.conf.items():
        conf.set(key, value)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    _active = (settings, sc)
    return sc


def stop_spark_context() -> None:
    """Stop the context this module started, if any (also run at interpreter exit)."""
    global _active
    if _active is not None:
        _active[1].stop()
        _active = None


atexit.register(stop_spark_context)


def default_partitions(sc: SparkContext, settings: SparkSettings) -> int:
    """Partitions for pages and documents: the setting, else twice the cluster's cores.

    Twice: a slow partition (a few huge pages) then leaves others to balance
    the load, while models still load only a few times per core.
    """
    return settings.partitions or max(2, 2 * sc.defaultParallelism)
