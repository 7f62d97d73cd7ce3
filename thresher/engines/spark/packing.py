"""Thresher and its dependencies shipped to Spark executors whose own Python has neither.

The archives (:mod:`thresher.engines.environment_pack`) go through ``spark.archives`` (Spark
unpacks each into its executors' working directory, under the name after ``#``) and onto the
Python workers' path through ``spark.executorEnv.PYTHONPATH``. Not packed: PySpark and py4j (Spark
puts its own on every Python worker's path), Apache Beam and datasketch with what only they need
(executors of the Spark engine never import them). Executors run their own Python
(``spark.pyspark.python``, else ``python3`` on their PATH), of this one's minor version.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any

from thresher.engines import environment_pack
from thresher.engines.environment_pack import PackedEnv

#: Where the archives unpack on executors (relative to their working directory).
DEPS_DIR = "thresher_deps"
CODE_DIR = "thresher_code"
#: Distributions executors have already (Spark adds its own PySpark and py4j to every Python
#: worker's path) or never import: the Beam engine's runtime, and datasketch (with the SciPy it
#: pulls in), which only :func:`thresher.stages.dedup.minhash.to_datasketch` imports, a helper for
#: users (the pipeline computes its MinHash signatures itself).
NOT_PACKED = frozenset({"pyspark", "py4j", "apache-beam", "datasketch", "thresher"})
CACHE_ENV = "THRESHER_SPARK_PACK_CACHE"


def spark_conf(packed: PackedEnv) -> dict[str, str]:
    """The conf entries that ship the archives and put them on executors' Python path."""
    return {
        "spark.archives": f"{packed.deps}#{DEPS_DIR},{packed.code}#{CODE_DIR}",
        "spark.executorEnv.PYTHONPATH": f"{CODE_DIR}:{DEPS_DIR}",
    }


def submit_args(packed: PackedEnv, main: Path) -> list[str]:
    """``spark-submit`` arguments that ship the archives and run ``main`` (:func:`submit_main`) on
    this Python: what follows them are Thresher's own arguments (``run CONFIG --runner spark``)."""
    conf = spark_conf(packed)
    return ["--archives", conf["spark.archives"],
            "--conf", f"spark.executorEnv.PYTHONPATH={conf['spark.executorEnv.PYTHONPATH']}",
            "--conf", f"spark.pyspark.driver.python={sys.executable}", str(main)]


def cache_dir() -> Path:
    """``$THRESHER_SPARK_PACK_CACHE``, else ``$XDG_CACHE_HOME/thresher/spark`` (``~/.cache`` by default)."""
    given = os.environ.get(CACHE_ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "thresher" / "spark"


def pack_environment(cache: Path | None = None) -> PackedEnv:
    """The archives for Spark executors, in :func:`cache_dir` unless ``cache`` is given."""
    return environment_pack.pack_environment(cache or cache_dir(), NOT_PACKED)


def submit_main(cache: Path | None = None) -> Path:
    """A script that runs Thresher's command line: ``spark-submit`` takes a Python file, not a module
    (``thresher/cli.py`` itself would put ``thresher/`` first on the path, where ``io`` is Thresher's)."""
    path = (cache or cache_dir()) / "thresher-submit.py"
    text = "import sys\n\nfrom thresher.cli import main\n\nsys.exit(main())\n"
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    return path


def ships_packed_env(conf: Any) -> bool:
    """Whether ``conf`` ships an archive that unpacks as ``thresher_deps`` (ours, or a spark-submit's)."""
    archives = f"{conf.get('spark.archives') or ''},{conf.get('spark.yarn.dist.archives') or ''}"
    return any(a.strip().endswith(f"#{DEPS_DIR}") for a in archives.split(","))


def shipping_conf(pack: bool, conf: Any) -> dict[str, str]:
    """Conf entries that ship the packed environment, over ``conf`` (a SparkConf, spark-submit's
    settings included). None when ``pack`` is off, when the master is local (its executors are this
    machine's processes, running this Python), or when an archive unpacking as ``thresher_deps`` is
    shipped already (a ``spark-submit`` given the arguments :func:`main` prints)."""
    if not pack or (conf.get("spark.master") or "local").startswith("local") or ships_packed_env(conf):
        return {}
    ours = spark_conf(pack_environment())
    archives = [a for a in (conf.get("spark.archives") or "").split(",") if a]
    path = [p for p in (conf.get("spark.executorEnv.PYTHONPATH") or "").split(":") if p]
    return {
        "spark.archives": ",".join([*archives, ours["spark.archives"]]),
        "spark.executorEnv.PYTHONPATH": ":".join([ours["spark.executorEnv.PYTHONPATH"], *path]),
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m thresher.engines.spark.packing``: pack (or find in the cache) and print the
    ``spark-submit`` arguments that ship the archives and run Thresher's command line, e.g.
    ``spark-submit --master URL $(python -m thresher.engines.spark.packing) run cfg.yaml --runner spark``."""
    import shlex

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print("usage: python -m thresher.engines.spark.packing [CACHE_DIR]\n"
              "Packs Thresher and its dependencies for Spark executors (in CACHE_DIR, default\n"
              f"${CACHE_ENV} or ~/.cache/thresher/spark) and prints the spark-submit arguments\n"
              "that ship them and run Thresher: follow them with e.g. 'run cfg.yaml --runner spark'.")
        return 0
    cache = Path(argv[0]) if argv else None
    packed = pack_environment(cache)
    print(" ".join(shlex.quote(arg) for arg in submit_args(packed, submit_main(cache))))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
