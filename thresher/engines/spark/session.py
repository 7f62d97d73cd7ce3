"""The SparkContext of a run: master and conf from ``runner`` options and engine arguments.

``runner.options`` may hold ``master`` (a Spark master URL), ``partitions``
(how many partitions pages and documents are spread over), ``pack`` (false:
do not ship Thresher and its dependencies to executors, which by default
happens whenever the master is not local, see :mod:`.packing`) and any
``spark.*`` conf key; the arguments after ``--`` on the command line may
hold ``--master URL`` and ``--conf key=value`` (they win over the config).
Without a master from either, one set by ``spark-submit`` is used, and
failing that the run is local: ``local[N]``, N = ``runner.workers`` or every
core.

One context serves both phases of a run (and later runs with the same
settings): starting one costs seconds of JVM and executor start-up. A
context that something else started (a notebook, a ``spark-submit`` script
that made its own) is used as it is, and left running.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

from pyspark import SparkConf, SparkContext

from thresher.errors import ConfigError, ThresherError
from thresher.engines.base import RunnerPlan
from thresher.engines.spark.packing import ships_packed_env, shipping_conf

APP_NAME = "thresher"
_OPTION_KEYS = ("master", "partitions", "pack")


@dataclass(frozen=True)
class SparkSettings:
    #: The master URL named by the config or the arguments; None leaves it to spark-submit or local mode.
    master: str | None
    #: Cores of the local master used when nothing names one.
    local_cores: int
    #: Spark conf entries, strings as Spark takes them.
    conf: dict[str, str] = field(default_factory=dict)
    #: Partitions pages and documents are spread over; None: twice the cluster's cores.
    partitions: int | None = None
    #: Ship a packed environment to executors (when the master is not local and none is shipped yet).
    pack: bool = True

    @property
    def local(self) -> bool:
        """Executors on this machine: a ``local[...]`` master, or none named and no ``spark-submit``."""
        if self.master:
            return self.master.startswith("local")
        return "PYSPARK_GATEWAY_PORT" not in os.environ

    def spark_conf(self) -> SparkConf:
        """The conf to start a context with, over what ``spark-submit`` set if it launched us."""
        ours = dict(self.conf)
        # Spark's console stage bars would draw over Thresher's own progress (or fill its log).
        ours.setdefault("spark.ui.showConsoleProgress", "false")
        submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started the JVM for us
        if self.master or not submitted:
            ours["spark.master"] = self.master or f"local[{self.local_cores}]"
        if not submitted:
            ours.setdefault("spark.app.name", APP_NAME)
        # Without spark-submit the JVM starts here, with our entries as --conf (the driver's
        # memory only takes effect this way). Under spark-submit it runs already, holding
        # the submit's settings, which SparkConf() loads. Otherwise the JVM's system properties hold
        # only what an earlier context in this process was given (a packed environment's archives,
        # say), which a new context must not inherit.
        SparkContext._ensure_initialized(conf=SparkConf(loadDefaults=False).setAll(ours.items()))
        return SparkConf(loadDefaults=submitted).setAll(ours.items())


def check_java() -> None:
    """PySpark's driver is a JVM it starts as ``$JAVA_HOME/bin/java`` (else ``java`` on the PATH):
    without one, say so before any work instead of PySpark's JAVA_GATEWAY_EXITED traceback."""
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        where = f"JAVA_HOME={java_home} has no bin/java" if java_home else "no java on the PATH"
        raise ThresherError(f"the spark runner needs Java 17 or later: {where}; install a JDK or set JAVA_HOME")


def spark_settings(runner: RunnerPlan) -> SparkSettings:
    """Settings from the runner section and the ``--master``/``--conf`` arguments (arguments win)."""
    master: str | None = None
    conf: dict[str, str] = {}
    partitions = None
    pack = True
    for key, value in runner.options.items():
        if key == "master":
            master = str(value)
        elif key == "pack":
            if not isinstance(value, bool):
                raise ConfigError(f"runner.options.pack: expected true or false, got {value!r}")
            pack = value
        elif key == "partitions":
            partitions = _positive_int(value, "runner.options.partitions")
        elif key.startswith("spark."):
            conf[key] = _conf_value(value)
        else:
            known = ", ".join(_OPTION_KEYS)
            raise ConfigError(f"runner.options.{key}: unknown Spark option (known: {known} and spark.* conf keys)")
    args_master, args_conf = parse_engine_args(list(runner.engine_args))
    conf.update(args_conf)
    return SparkSettings(
        master=args_master or master,
        local_cores=runner.workers or os.cpu_count() or 1,
        conf=conf,
        partitions=partitions,
        pack=pack,
    )


def parse_engine_args(args: list[str]) -> tuple[str | None, dict[str, str]]:
    """``--master URL`` / ``--master=URL`` and ``--conf k=v`` / ``--conf=k=v``, as spark-submit spells them."""
    master: str | None = None
    conf: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        name, has_inline, inline = arg.partition("=")
        if name not in ("--master", "--conf"):
            expected = "expected --master URL or --conf key=value"
            raise ConfigError(f"Spark runner: unknown argument {arg!r} ({expected})")
        if has_inline:
            value = inline
        else:
            i += 1
            value = args[i] if i < len(args) else ""
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


#: The context this module started, with the settings it was started with.
_ours: tuple[SparkSettings, SparkContext] | None = None


#: The user's own $PYSPARK_PYTHON, read before a packed run sets it: a later run in this process
#: that ships no pack must not inherit the packed run's executors' python3.
_USER_PYSPARK_PYTHON = os.environ.get("PYSPARK_PYTHON")


def spark_context(settings: SparkSettings) -> SparkContext:
    """The context for these settings: someone else's active one, ours if they match, else a new one."""
    global _ours
    active = SparkContext._active_spark_context
    if active is not None and (_ours is None or active is not _ours[1]):
        return active  # started outside thresher: its owner decides master and conf
    if _ours is not None:
        if _ours[0] == settings:
            return _ours[1]
        stop_spark_context()
    conf = settings.spark_conf()
    conf.setAll(shipping_conf(settings.pack, conf).items())
    # PySpark starts executors' Python workers with $PYSPARK_PYTHON (not the conf key): by
    # default this interpreter, whose environment has thresher installed, or with a packed
    # environment the executors' own python3 (the pack goes on its path).
    os.environ["PYSPARK_PYTHON"] = conf.get("spark.pyspark.python") or (
        "python3" if ships_packed_env(conf) else _USER_PYSPARK_PYTHON or sys.executable)
    try:
        with warnings.catch_warnings():
            # PySpark's start-up imports its pandas helpers, which warn about the pandas
            # version; thresher never hands pandas to Spark.
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
            on_sigint = signal.getsignal(signal.SIGINT)
            sc = SparkContext(conf=conf)
    finally:
        # The context has read it (and its JVM started): put the user's value back, so that the
        # processes this one starts later (another run, say) do not inherit these executors' python.
        if _USER_PYSPARK_PYTHON is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = _USER_PYSPARK_PYTHON
    if threading.current_thread() is threading.main_thread() and on_sigint is not None:
        # PySpark's own SIGINT handler calls the JVM from inside the handler, which fails (with
        # logged tracebacks) when Ctrl-C lands during another call to it: keep the caller's.
        signal.signal(signal.SIGINT, on_sigint)
    sc.setLogLevel("WARN")
    _ours = (settings, sc)
    return sc


def stop_spark_context() -> None:
    """Stop the context this module started, if any (also run at interpreter exit)."""
    global _ours
    if _ours is not None:
        _ours[1].stop()
        _ours = None


atexit.register(stop_spark_context)


def default_partitions(sc: SparkContext, settings: SparkSettings) -> int:
    """Partitions for pages and documents: the setting, else twice the cluster's cores.

    Twice: a slow partition (a few huge pages) then leaves others to balance
    the load, while models still load only a few times per core.
    """
    return settings.partitions or max(2, 2 * sc.defaultParallelism)
