"""The report of a real sample run renders in headless Chromium with every chart drawn.

Runs the pipeline once (~30 s) on the bundled sample crawl, writes report.html, then asks
Chromium for a screenshot and for the DOM after rendering. Skips when Chromium is not
installed (``scripts/install-test-system-deps.sh`` installs it).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from test_report import (
    bars,
    charts_by_id,
    expected_funnel,
    expected_timings,
    funnel_cells,
    parse_page,
    timing_numbers,
)

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (run scripts/install-test-system-deps.sh as root)"
)

EXPECTED_CHARTS = (
    "chart-funnel-documents",
    "chart-funnel-tokens",
    "chart-drops",
    "chart-languages-documents",
    "chart-languages-tokens",
    "chart-length-characters",
    "chart-length-tokens",
    "chart-dedup-clusters",
    "chart-timings-busy",
    "chart-timings-cpu",
    "chart-timings-phases",
)
BAR_BLUE = (0x3B, 0x6E, 0xA8)  # charts.BAR_FILL: seen in the screenshot only if bars were painted


@pytest.fixture(scope="module")
def sample_report(sample_run, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from thresher.tools.report.html import write_report

    _result, run_dir = sample_run  # the session's shared run of the bundled sample
    report = tmp_path_factory.mktemp("report") / "report.html"
    return Path(run_dir), Path(write_report(str(run_dir), str(report)))


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    profile.mkdir(parents=True)
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=True)


def test_screenshot_is_a_rendered_page_with_charts(sample_report, tmp_path: Path):
    from PIL import Image

    _run_dir, report = sample_report
    png = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={png}", "--window-size=1400,4000", report.as_uri())
    assert png.stat().st_size > 50_000
    with Image.open(png) as image:
        assert image.size == (1400, 4000)
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the page rendered as (nearly) one colour"
    counts = {colour: n for n, colour in colours}
    non_white = sum(n for colour, n in counts.items() if colour != (255, 255, 255))
    assert non_white > 0.02 * 1400 * 4000
    assert counts.get(BAR_BLUE, 0) > 10_000, "no chart bars were painted"


def test_rendered_dom_has_every_chart_and_the_exact_funnel(sample_report, tmp_path: Path):
    run_dir, report = sample_report
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    elements = parse_page(dom)
    charts = charts_by_id(elements)
    for chart_id in EXPECTED_CHARTS:
        assert chart_id in charts, f"{chart_id} missing from the rendered page"
        assert bars(charts[chart_id]), f"{chart_id} has no bars"

    stats = json.loads((run_dir / "stats.json").read_text())
    assert funnel_cells(elements) == expected_funnel(stats)
    kept_bars = {b.attrs["data-stage"]: int(b.attrs["data-value"]) for b in bars(charts["chart-funnel-documents"])}
    assert kept_bars == {"input": stats["stages"][0]["in"], **{s["stage"]: s["kept"] for s in stats["stages"]}}
    summary = {el.attrs["data-summary"]: el.text for el in elements if "data-summary" in el.attrs}
    assert summary["kept_documents"] == f"{stats['kept_documents']:,}"
    assert summary["tokens"] == f"{stats['tokens']:,}"

    manifest = json.loads((run_dir / "manifest.json").read_text())
    language_bars = bars(charts["chart-languages-documents"])
    languages = {b.attrs["data-language"]: int(b.attrs["data-value"]) for b in language_bars}
    assert languages == {lang: v["documents"] for lang, v in manifest["languages"].items()}
    histogram_total = sum(int(b.attrs["data-value"]) for b in bars(charts["chart-length-tokens"]))
    assert histogram_total == stats["kept_documents"]

    # Documents removed as duplicates = Σ clusters × (size − 1).
    removed = pq.read_table(sorted(glob.glob(os.path.join(run_dir, "_work", "duplicates", "*.parquet")))).num_rows
    clusters = bars(charts["chart-dedup-clusters"])
    assert sum(int(b.attrs["data-value"]) * (int(b.attrs["data-size"]) - 1) for b in clusters) == removed

    # One busy and one CPU bar per timed stage, one bar per phase, each equal to stats.json's figure.
    assert timing_numbers(elements) == expected_timings(stats)
    timed = [row["stage"] for row in stats["timings"]["stages"]]
    assert len(bars(charts["chart-timings-cpu"])) == len(timed) >= 4
    assert {"extract", "langid"} <= set(timed) and any(t.startswith("filters/") for t in timed)

    audit = json.loads((run_dir / "audit.json").read_text())
    reasons = {el.attrs["data-reason"] for el in elements if "audit-reason" in el.attrs.get("class", "")}
    assert reasons == set(audit)


def test_rendered_dom_shows_kept_documents_domains_and_duplicate_pairs(sample_report, tmp_path: Path):
    from thresher.tools.report.domains import domain_of

    run_dir, report = sample_report
    elements = parse_page(_chromium(tmp_path, "--dump-dom", report.as_uri()).stdout)
    shards = pq.read_table(sorted(glob.glob(os.path.join(run_dir, "shard-*.parquet"))),
                           columns=["id", "url", "language"]).to_pylist()

    # Every language of the manifest, with the three smallest ids of its kept documents.
    shown: dict[str, list[str]] = {}
    for el in elements:
        if el.tag == "article" and "example" in el.attrs.get("class", ""):
            shown.setdefault(el.attrs["data-language"], []).append(el.attrs["data-id"])
    by_language: dict[str, list[str]] = {}
    for row in shards:
        by_language.setdefault(row["language"] or "unknown", []).append(row["id"])
    assert shown == {lang: sorted(ids)[:3] for lang, ids in by_language.items()}

    # The kept-domains table's counts are the shards' URLs, per host.
    kept = Counter(domain_of(row["url"]) for row in shards)
    cells = {el.attrs["data-domain"]: int(el.attrs["data-kept"]) for el in elements
             if el.tag == "td" and "domains-kept-table" in el.ancestor_ids and "data-kept" in el.attrs}
    # The top 20 by kept documents, ties by name.
    assert cells == dict(sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))[:20])

    # Duplicate pairs of both dedup stages that removed documents; exact duplicates have Jaccard 1.
    stats = json.loads((run_dir / "stats.json").read_text())
    removing = {s["stage"] for s in stats["stages"] if s["stage"].startswith("dedup_") and s["dropped"]}
    pairs = [el for el in elements if el.tag == "div" and el.attrs.get("class") == "pair"]
    assert {p.attrs["data-stage"] for p in pairs} == removing
    assert all(float(p.attrs["data-exact"]) == 1.0 for p in pairs if p.attrs["data-stage"] == "dedup_exact")
    near = [float(p.attrs["data-exact"]) for p in pairs if p.attrs["data-stage"] == "dedup_minhash"]
    assert near and all(0.5 < s <= 1.0 for s in near)


@pytest.mark.parametrize("width", [1400, 420])
def test_screenshots_at_desktop_and_phone_widths_render(sample_report, tmp_path: Path, width: int):
    from PIL import Image

    _run_dir, report = sample_report
    png = tmp_path / f"report-{width}.png"
    _chromium(tmp_path, f"--screenshot={png}", f"--window-size={width},6000", "--hide-scrollbars", report.as_uri())
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        # The page's right margin stays white: nothing overflows the viewport sideways.
        right_edge = [rgb.getpixel((width - 3, y)) for y in range(0, 6000, 5)]
    assert sum(1 for pixel in right_edge if pixel != (255, 255, 255)) < 0.02 * len(right_edge)
