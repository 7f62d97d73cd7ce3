"""The built wheel: one top-level package (no `tokenize` shadowing the stdlib), resources inside."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_has_one_top_level_package_and_its_resources(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("thresher-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"thresher"}
    assert "thresher/stages/tokenize/encoder.py" in names
    for resource in ("sample.warc.gz", "sample.truth.json", "url_filter/blocklist_domains.txt"):
        assert f"thresher/resources/{resource}" in names
    assert "thresher/stages/filters/fineweb2/thresholds.json" in names  # FineWeb-2's per-language table
