"""A Spark run on a cluster that shares no disk with the launcher: only the S3 server is common.

The cluster (:mod:`spark_isolated_cluster`) has two workers, each in a private mount namespace
that hides the launcher's folders. ``thresher run --runner spark -- --master spark://...`` reads
its input from S3 and writes its output there; its shards must be byte for byte those of a local
run of the same input, and a probe on the same cluster shows that its executors could not have
read the launcher's files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sample_crawls import write_small_crawls

from thresher import cli
from thresher.config import config_from_dict
from thresher.run.driver import run_pipeline

pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra (pyspark)")
pytest_plugins = ["spark_isolated_cluster"]

#: What executors import to run the stages: each must come from the shipped archives.
PIPELINE_MODULES = ["thresher.run.pages", "thresher.stages.dedup.minhash", "thresher.engines.spark.flow",
                    "pyarrow.parquet", "numpy", "fasttext", "tokenizers", "fastwarc", "resiliparse", "trafilatura",
                    "s3fs", "zstandard", "xxhash", "yaml", "warcio", "brotli", "charset_normalizer", "lxml.etree"]


@pytest.fixture(scope="module")
def s3_env(s3_server):
    """The launcher reaches the store through its environment, as the workers do through theirs."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in s3_server.env.items():
            patch.setenv(key, value)
        yield s3_server


@pytest.fixture(scope="module")
def crawl(s3_env, tmp_path_factory) -> tuple[str, list[str]]:
    """A small crawl uploaded to S3: the glob of its objects, and the launcher's local copies."""
    local = write_small_crawls(tmp_path_factory.mktemp("crawl"), files=2, pages=10, first_seed=41)
    prefix = s3_env.fresh("isolated-crawl")
    for path in local:
        s3_env.upload(path, f"{prefix}/{Path(path).name}")
    return f"{prefix}/*.warc.gz", local


@pytest.fixture(scope="module")
def local_run(crawl, tmp_path_factory) -> dict[str, bytes]:
    """The same input, run by Beam on this machine into a local folder."""
    out = tmp_path_factory.mktemp("local") / "out"
    run_pipeline(config_from_dict({"input": {"paths": [crawl[0]]}, "output": {"path": str(out)},
                                   "runner": {"workers": 1}}))
    names = sorted(p.name for p in out.glob("shard-*.parquet")) + ["tokenizer.json"]
    return {name: (out / name).read_bytes() for name in names}


@pytest.fixture(scope="module")
def cluster_run(isolated_spark_cluster, spark_pack_cache, crawl, local_run, s3_env) -> str:
    isolated_spark_cluster.wait_ready()
    out = s3_env.fresh("isolated-out")
    status = cli.main(["run", "--runner", "spark", "--input", crawl[0], "--output", out, "--quiet",
                       "--", *isolated_spark_cluster.engine_args()])
    assert status == 0
    return out


def test_shards_on_a_cluster_without_shared_disk_match_a_local_run(cluster_run, local_run, s3_env):
    assert any(name.startswith("shard-") for name in local_run)
    assert {name: s3_env.read(f"{cluster_run}/{name}") for name in local_run} == local_run
    listed = [name.rsplit("/", 1)[-1] for name in s3_env.listing(cluster_run)]
    assert "manifest.json" in listed and "stats.json" in listed


def test_the_packed_runs_python_does_not_leak_into_later_processes(cluster_run):
    """The run set $PYSPARK_PYTHON to the executors' python3 for its context: put back after, so a
    process this one starts later (a local Spark run) does not send its workers there."""
    from thresher.engines.spark import session

    assert os.environ.get("PYSPARK_PYTHON") == session._USER_PYSPARK_PYTHON


def test_executors_could_not_read_the_launchers_files(cluster_run, isolated_spark_cluster, crawl, tmp_path):
    """Both workers' executors, in one barrier stage (one task each, at once), look for what the
    launcher has: a file planted now, the crawl's local copies, the checkout and this Python; and
    import every module the stages need, each from the archives Spark unpacked for them."""
    from pyspark import SparkContext

    planted = tmp_path / "planted.txt"
    planted.write_text("only the launcher can read this")
    import thresher

    launcher_paths = [str(planted), *crawl[1], thresher.__file__, sys.executable]
    assert all(os.path.exists(path) for path in launcher_paths)

    def probe(_):
        import importlib
        import os as os_
        import subprocess
        import sys as sys_

        import thresher as shipped

        bare = dict(os_.environ)
        bare.pop("PYTHONPATH", None)
        own = subprocess.run([sys_.executable, "-c", "import thresher"], env=bare, capture_output=True)
        try:
            import apache_beam  # noqa: F401
            beam = True
        except ImportError:
            beam = False
        yield {"worker": os_.environ.get("THRESHER_TEST_WORKER"), "seen": [p for p in launcher_paths if os_.path.exists(p)],
               "python": sys_.executable, "thresher_from": shipped.__file__, "cwd": os_.getcwd(),
               "own_python_has_thresher": own.returncode == 0, "beam": beam,
               "found": {name: importlib.import_module(name).__file__ for name in PIPELINE_MODULES}}

    sc = SparkContext._active_spark_context
    assert sc is not None and sc.master == isolated_spark_cluster.master_url  # the run's own context
    reports = sc.parallelize(range(2), 2).barrier().mapPartitions(probe).collect()
    assert sorted(r["worker"] for r in reports) == ["worker-0", "worker-1"]
    for report in reports:
        assert report["seen"] == [], report
        assert report["python"] == "/usr/bin/python3"
        assert not report["own_python_has_thresher"]
        # Thresher came with the job: unpacked in the executor's own working directory.
        assert report["thresher_from"].startswith(report["cwd"] + "/thresher_code/"), report
        # So did every module the stages need (and no Beam, which the pack leaves out).
        packs = (f"{report['cwd']}/thresher_deps/", f"{report['cwd']}/thresher_code/")
        assert {name: path for name, path in report["found"].items() if not path.startswith(packs)} == {}
        assert not report["beam"]


def test_spark_submit_line_from_the_docs_runs_on_the_cluster(cluster_run, isolated_spark_cluster, spark_pack_cache,
                                                            crawl, local_run, s3_env):
    """docs/SPARK.md's line, as a user types it: ``spark-submit --master URL $(python -m
    thresher.engines.spark.packing) run ...``. The driver is spark-submit's own process (client mode),
    the executors get Thresher only from the shipped archives; the shards match a local run."""
    import shlex
    import subprocess

    from spark_cluster import spark_home

    from thresher.engines.spark.session import stop_spark_context

    # The cluster has one core per worker: this process's application would hold them all.
    stop_spark_context()
    env = {**os.environ, "SPARK_HOME": str(spark_home())}
    packed = subprocess.run([sys.executable, "-m", "thresher.engines.spark.packing", str(spark_pack_cache)],
                            env=env, capture_output=True, text=True, timeout=600)
    assert packed.returncode == 0, packed.stderr
    submit_args = shlex.split(packed.stdout)
    assert "--archives" in submit_args and submit_args[-1].endswith("thresher-submit.py")
    out = s3_env.fresh("submitted-out")
    submitted = subprocess.run([str(spark_home() / "bin" / "spark-submit"), *isolated_spark_cluster.engine_args(),
                                *submit_args, "run", "--runner", "spark", "--input", crawl[0], "--output", out,
                                "--quiet"], env=env, capture_output=True, text=True, timeout=900)
    assert submitted.returncode == 0, submitted.stderr[-3000:]
    assert {name: s3_env.read(f"{out}/{name}") for name in local_run} == local_run
    listed = [name.rsplit("/", 1)[-1] for name in s3_env.listing(out)]
    assert "manifest.json" in listed and "stats.json" in listed
