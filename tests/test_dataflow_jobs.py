"""Each phase's Dataflow job built offline, as a user launches it, and nothing sent anywhere.

``thresher run --runner dataflow --dry-run DIR -- --project ... --sdk_container_image ...`` builds
every job of the run (each phase-A pass, dedup, shards) with Beam's real DataflowRunner under
``--dry_run``; Beam then stages the job's files into ``--temp_location`` (here gcp-storage-emulator
on 127.0.0.1) and fills in the job request it would submit. The command runs in a child process whose
sockets refuse every address but loopback (and record the attempt): nothing may reach Google.
Per phase: the job request and its pipeline are written, carry Thresher's transforms and the worker
set-up DATAFLOW.md prescribes (the Dockerfile's SDK container), and hold no planted secret, in any
file written or staged, or any line printed.
"""

from __future__ import annotations

import base64
import bz2
import json
import re
import shutil
import subprocess
import sys
import textwrap
import zlib

import pytest

from object_stores import _clear_caches, gcs_server  # noqa: F401 - the session fixture
from truth_cli import REPO, assert_one_line_error, thresher

try:
    import apache_beam.runners.dataflow.internal.apiclient  # noqa: F401
except ImportError:  # pragma: no cover - depends on the installation
    pytestmark = pytest.mark.skip(
        reason="Beam's Dataflow runner is not installed: pip install 'thresher[dataflow]' (or the test extra)")

IMAGE = "europe-west4-docker.pkg.dev/my-project/thresher/worker:0.1.0"
SECRETS = ("planted-client-secret-5f1c", "planted-refresh-token-9e2a", "planted-env-secret-77b0",
           "planted-input-secret-31d4")

#: Loaded in the child through PYTHONPATH: sockets may reach loopback only; every other attempt
#: (a DNS lookup included) is refused and written down.
GUARD = '''
import os, socket
_LOG = os.environ["THRESHER_TEST_NET_LOG"]
_LOCAL = {"127.0.0.1", "::1", "localhost"}
def _refuse(what):
    with open(_LOG, "a") as fh:
        fh.write(f"{what}\\n")
    raise OSError(f"test network guard: {what} refused")
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOCAL:
        _refuse(f"connect {address}")
    return _connect(self, address)
def getaddrinfo(host, *args, **kwargs):
    if host not in _LOCAL and host is not None:
        _refuse(f"resolve {host}")
    return _getaddrinfo(host, *args, **kwargs)
socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
'''


BASE64 = re.compile(rb"[A-Za-z0-9+/]{24,}={0,2}")


def _texts(data: bytes, depth: int = 0):
    """Bytes and what they decode to: base64 runs inside them (protos in JSON, pickles in protos) and
    bz2 or zlib streams (Beam's pickled functions), a few levels deep."""
    yield data
    if depth >= 5:
        return
    for decompress in (bz2.decompress, zlib.decompress):
        try:
            yield from _texts(decompress(data), depth + 1)
        except Exception:  # noqa: BLE001 - not that encoding
            pass
    for found in BASE64.findall(data):
        # A proto's length byte before a value may itself look like base64: try each alignment.
        for run in (found[skip:] for skip in range(4)):
            try:
                decoded = base64.b64decode(run + b"=" * (-len(run) % 4))
            except Exception:  # noqa: BLE001 - not base64 after all
                continue
            yield from _texts(decoded, depth + 1)


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _holds_secret(data: bytes) -> list[str]:
    return sorted({s for text in _texts(data) for s in SECRETS if s.encode() in text})


def in_process(capsys, *args: str) -> subprocess.CompletedProcess:
    """The command line in this process (Beam is already imported here): status and output as a child's."""
    from thresher.cli import main

    status = main(list(args))
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, out.out, out.err)


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory, gcs_server):  # noqa: F811 - the fixture
    """One dry run of two input files (one per pass) onto the GCS emulator; what it wrote and printed."""
    root = tmp_path_factory.mktemp("dataflow")
    sample = REPO / "thresher" / "resources" / "sample.warc.gz"
    inputs = [shutil.copy(sample, root / f"crawl-{i}.warc.gz") for i in range(2)]
    token = {"type": "authorized_user", "client_id": "x", "client_secret": SECRETS[0], "refresh_token": SECRETS[1]}
    config = root / "run.yaml"
    config.write_text(textwrap.dedent(f"""\
        input:
          paths: {json.dumps([str(p) for p in inputs])}
          storage_options: {{secret: {SECRETS[3]}}}
        output:
          path: {gcs_server.fresh("out")}
          storage_options: {{token: {json.dumps(token)}}}
        runner:
          name: dataflow
          files_per_pass: 1
        dedup: {{minhash: {{max_rounds: 3}}}}   # a smaller graph to build: each round is unrolled
        """))
    guard = root / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    net_log = root / "network.log"
    temp = gcs_server.fresh("tmp")
    jobs = root / "jobs"
    env = {**gcs_server.env, "PYTHONPATH": f"{guard}:{REPO}", "THRESHER_TEST_NET_LOG": str(net_log),
           "AWS_SECRET_ACCESS_KEY": SECRETS[2]}
    result = thresher(
        "run", str(config), "--dry-run", str(jobs), "--",
        "--project=my-project", "--region=europe-west4", f"--temp_location={temp}",
        f"--sdk_container_image={IMAGE}", "--job_name=thresher-test", "--no_auth", env=env,
    )
    with pytest.MonkeyPatch.context() as patch:  # this process reads the emulator too
        for key, value in gcs_server.env.items():
            patch.setenv(key, value)
        _clear_caches()
        staged = {name: gcs_server.read("gs://" + name) for name in gcs_server.listing(temp)}
    _clear_caches()
    return result, jobs, net_log, staged, temp, gcs_server


def test_every_phase_is_described_and_nothing_leaves_loopback(dry_run):
    result, jobs, net_log, staged, temp, _ = dry_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["phase-a-1", "phase-a-2", "dedup", "shards"]
    assert sorted(p.name for p in jobs.iterdir()) == sorted(
        f"{job}{kind}" for job in ("phase-a-1", "phase-a-2", "dedup", "shards") for kind in (".json", ".pipeline.json"))
    assert not net_log.exists(), net_log.read_text()
    # Beam staged each job's pipeline into --temp_location, on the emulator: that is all it wrote.
    assert sum(name.endswith("/pipeline.pb") for name in staged) == 4, sorted(staged)


# What each job must be made of: Thresher's transforms, by the names the engine-neutral jobs give them.
TRANSFORMS = {
    "phase-a-1": ("ProcessUnits", "PiecesByFile", "CommitFiles"),
    "phase-a-2": ("ProcessUnits", "PiecesByFile", "CommitFiles"),
    "dedup": ("LightRecords", "GroupUrl", "GroupExact", "RouteDecisions", "ApplyToFiles", "Write", "Commit"),
    "shards": ("WriteAllShards",),
}


@pytest.mark.parametrize("job", list(TRANSFORMS))
def test_each_job_has_its_transforms_and_the_prescribed_worker_setup(dry_run, job):
    _, jobs, _, staged, temp, _ = dry_run
    request = json.loads((jobs / f"{job}.json").read_text())
    pipeline = json.loads((jobs / f"{job}.pipeline.json").read_text())
    names = {t["uniqueName"].split("/")[0] for t in pipeline["components"]["transforms"].values()}
    assert set(TRANSFORMS[job]) <= names, sorted(names)
    environment = request["environment"]
    options = environment["sdkPipelineOptions"]["options"]
    assert (options["project"], options["region"], options["runner"]) == ("my-project", "europe-west4", "DataflowRunner")
    assert request["name"] == f"thresher-test-{job}"  # each job its own name, so the console tells them apart
    assert options["temp_location"].startswith(temp)
    # Workers run the container the Dockerfile builds: Thresher baked in, nothing installed at start-up.
    pools = environment["workerPools"]
    assert {image["containerImage"] for pool in pools for image in pool["sdkHarnessContainerImages"]} == {IMAGE}
    packages = [package["name"] for pool in pools for package in pool.get("packages", [])]
    assert not any(name.endswith((".tar.gz", ".whl")) for name in packages), packages
    # The job reads the pipeline Beam staged on the emulator, the one described beside it.
    staged_url = options["pipelineUrl"]
    assert staged_url.startswith(temp) and staged_url.split("://", 1)[1] in staged


def test_the_dockerfile_base_image_is_the_sdk_the_jobs_are_built_with(dry_run):
    """The container's Beam and Python must be the launcher's: the Dockerfile names the same SDK image."""
    _, jobs, *_ = dry_run
    request = json.loads((jobs / "dedup.json").read_text())
    capabilities = [c for pool in request["environment"]["workerPools"] for image in pool["sdkHarnessContainerImages"]
                    for c in image["capabilities"] if c.startswith("beam:version:sdk_base:")]
    import apache_beam

    dockerfile = (REPO / "Dockerfile").read_text()
    # The base image follows the build arguments, which DATAFLOW.md takes from the launcher's Python.
    base = re.search(r"^FROM (\S+)", dockerfile, re.M).group(1)
    python = "%d.%d" % sys.version_info[:2]
    built = base.replace("${PYTHON_VERSION}", python).replace("${BEAM_VERSION}", apache_beam.__version__)
    assert capabilities == [f"beam:version:sdk_base:{built}"]
    assert base == "apache/beam_python${PYTHON_VERSION}_sdk:${BEAM_VERSION}"
    guide = (REPO / "docs" / "DATAFLOW.md").read_text()
    for arg, source in (("BEAM_VERSION", "apache_beam.__version__"), ("PYTHON_VERSION", "sys.version_info")):
        assert re.search(rf"--build-arg {arg}=\"\$\(python -c '[^']*{re.escape(source)}", guide), arg
    # pip keeps the base image's Beam (a newer one on PyPI would not be the launcher's).
    assert 'apache-beam[gcp]==${BEAM_VERSION}' in dockerfile
    # Workers write gs:// through gcsfs: the image installs Thresher with the dataflow extra.
    assert re.search(r"^RUN pip install .*'\.\[dataflow\]'", dockerfile, re.M), dockerfile


def test_no_secret_in_any_job_file_staged_object_or_printed_line(dry_run):
    result, jobs, _, staged, _, _ = dry_run
    leaks = {path.name: _holds_secret(path.read_bytes()) for path in jobs.iterdir()}
    leaks.update({name: _holds_secret(data) for name, data in staged.items()})
    leaks["stdout+stderr"] = [s for s in SECRETS if s in result.stdout + result.stderr]
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}
    # The search can fail: a planted value is found where Beam would put it (pickled, bz2, base64, in a
    # proto's bytes, base64 again in the JSON).
    from apache_beam.internal import pickler

    nested = b'{"payload": "' + base64.b64encode(b"\x0a\x02xx" + pickler.dumps({"s": SECRETS[3]})) + b'"}'
    assert _holds_secret(nested) == [SECRETS[3]]


@pytest.mark.parametrize("missing, words", [
    ("--project=my-project", ("--project",)),
    ("--region=europe-west4", ("--region",)),
    ("--temp_location=gs://b/tmp", ("--temp_location",)),
], ids=["project", "region", "temp_location"])
def test_a_missing_dataflow_option_is_one_line_before_any_work(tmp_path, capsys, missing, words):
    given = [a for a in ("--project=my-project", "--region=europe-west4", "--temp_location=gs://b/tmp") if a != missing]
    out = tmp_path / "out"
    result = in_process(capsys, "run", "--runner", "dataflow", "--output", str(out), "--", *given)
    assert_one_line_error(result, 2, "the dataflow runner needs", *words)
    assert "reading" not in result.stderr and not out.exists()


def test_without_the_extra_the_runner_names_it_before_any_work(tmp_path):
    # Beam's GCP libraries are installed here; the child is made to lack them, as a laptop without the extra.
    out = tmp_path / "o"
    code = ("import sys; sys.modules['google.cloud.dataflow'] = None; from thresher.cli import main; "
            f"sys.exit(main(['run', '--runner', 'dataflow', '--output', {str(out)!r}, '--', "
            "'--project=p', '--region=r', '--temp_location=gs://b/t']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert_one_line_error(result, 2, "dataflow runner needs", "pip install 'thresher[dataflow]'")
    assert not out.exists()


def test_beams_own_dry_run_flag_maps_to_one_job_file_per_phase(tmp_path, capsys):
    """``-- --dry_run=True --dataflow_job_file=DIR/job.json``, as Beam users write it: every job described in DIR."""
    config = tmp_path / "run.yaml"
    config.write_text("dedup: {minhash: {max_rounds: 3}}\n")
    result = in_process(capsys, "run", str(config), "--runner", "direct", "--output", str(tmp_path / "out"), "--",
                      "--dry_run=True", f"--dataflow_job_file={tmp_path / 'jobs' / 'job.json'}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.name for p in (tmp_path / "jobs").iterdir()) == [
        "dedup.pipeline.json", "phase-a-1.pipeline.json", "shards.pipeline.json"]
    assert not (tmp_path / "out").exists()


def test_beams_dry_run_flag_without_a_place_for_the_jobs_is_one_line(tmp_path, capsys):
    lone = in_process(capsys, "run", "--runner", "direct", "--output", str(tmp_path / "out"), "--", "--dry_run=True")
    assert_one_line_error(lone, 2, "--dry-run DIR")


def test_an_engine_that_cannot_describe_a_job_says_so(tmp_path, capsys):
    pytest.importorskip("pyspark")
    result = in_process(capsys, "run", "--runner", "spark", "--dry-run", str(tmp_path / "jobs"), "--output", str(tmp_path / "o"))
    assert_one_line_error(result, 2, "--dry-run", "spark runner cannot build a job without running it")
