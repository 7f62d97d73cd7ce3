"""A file read in byte ranges gives exactly what it gives read whole: the same pages, counters and rejects.

Phase A splits large inputs into work units (ranges); this is what makes that invisible in the
results. Checked on the bundled sample, a crawl with broken gzip members spliced in, every real
archive in ../shared/data, and Parquet files split by row group, at many cut points.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thresher.config import bundled_sample_path
from thresher.io.inputs import InputOptions, iter_input
from thresher.io.rejects import ListRejects
from thresher.stats import DictStats


def read(path: str, byte_range=None) -> tuple[list[tuple], dict[str, int], list[tuple]]:
    stats, rejects = DictStats(), ListRejects()
    pages = [(p.offset, p.url, type(p).__name__, getattr(p, "record_id", ""))
             for p in iter_input(path, stats, InputOptions(), rejects, byte_range=byte_range)]
    return pages, dict(stats.counts), [(r.offset, r.reason, r.url) for r in rejects.items]


def read_in_ranges(path: str, cuts: list[int]) -> tuple[list[tuple], dict[str, int], list[tuple]]:
    bounds = [0, *sorted(set(c for c in cuts if c > 0)), None]
    pages: list[tuple] = []
    counts: dict[str, int] = {}
    rejects: list[tuple] = []
    for start, end in zip(bounds, bounds[1:]):
        p, c, r = read(path, (start, end))
        pages += p
        rejects += r
        for key, value in c.items():
            counts[key] = counts.get(key, 0) + value
    return pages, counts, rejects


def assert_same_in_ranges(path: str, cuts: list[int]) -> None:
    whole = read(path)
    ranged = read_in_ranges(path, cuts)
    assert ranged[0] == whole[0]  # pages, in file order
    assert ranged[1] == whole[1]  # every counter
    assert sorted(ranged[2]) == sorted(whole[2])  # rejects


def _broken_crawl(tmp: Path) -> Path:
    """The sample with garbage and a truncated gzip member spliced between its members."""
    data = Path(bundled_sample_path()).read_bytes()
    members, pos = [], 0
    # Members start where a gzip header follows the end of the previous one.
    import zlib

    while pos < len(data):
        d = zlib.decompressobj(31)
        d.decompress(data[pos:])
        end = len(data) - len(d.unused_data)
        members.append(data[pos:end])
        pos = end
    rng = random.Random(3)
    out = bytearray()
    for i, member in enumerate(members):
        if i in (5, 200, 201, 450):
            out += b"\x00garbage between members\n" * rng.randint(1, 40)
        if i in (100, 333):
            out += member[: len(member) // 2]  # a member cut in half
            continue
        out += member
    path = tmp / "broken.warc.gz"
    path.write_bytes(bytes(out))
    return path


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    return _broken_crawl(tmp_path_factory.mktemp("ranges"))


def _parquet(tmp: Path) -> Path:
    rows = [{"id": f"r{i}", "url": f"https://example.org/{i}", "text": f"page {i} " * (i % 7 + 1) if i % 11 else ""}
            for i in range(500)]
    path = tmp / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=37)
    return path


@given(cuts=st.lists(st.integers(min_value=1, max_value=1_200_000), max_size=5))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_sample_in_ranges(cuts):
    assert_same_in_ranges(bundled_sample_path(), cuts)


@given(cuts=st.lists(st.integers(min_value=1, max_value=1_300_000), max_size=5))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_crawl_with_broken_members_in_ranges(broken, cuts):
    whole = read(str(broken))
    assert any(r[1].startswith("error/") for r in whole[2])  # the damage is seen
    assert_same_in_ranges(str(broken), cuts)


def test_cuts_inside_and_at_every_broken_stretch(broken):
    """Cut points right at, before and after each damaged place (where a range's first member is found)."""
    _, _, rejects = read(str(broken))
    for offset, reason, _ in rejects:
        if reason.startswith("error/"):
            for cut in (offset - 1, offset, offset + 1, offset + 30, offset + 600):
                assert_same_in_ranges(str(broken), [cut])


def test_every_real_archive_in_ranges(shared_data):
    paths = sorted(p for pattern in ("warc-*/*.warc.gz", "warc-*/*.warc", "warc-*/*.arc.gz")
                   for p in shared_data.glob(pattern))
    assert paths
    rng = random.Random(7)
    for path in paths:
        size = path.stat().st_size
        for _ in range(6):
            assert_same_in_ranges(str(path), [rng.randint(1, max(size - 1, 1)) for _ in range(rng.randint(1, 4))])


def test_parquet_in_ranges_by_row_group(tmp_path):
    path = _parquet(tmp_path)
    size = path.stat().st_size
    whole = read(str(path))
    assert len(whole[0]) > 400
    for cuts in ([size // 2], [size // 5, size // 3, size // 2], list(range(100, size, 997))):
        assert_same_in_ranges(str(path), cuts)


def test_files_that_do_not_split_are_read_by_the_first_range(tmp_path):
    # A whole-file gzip (one member): the first range reads everything, later ranges nothing.
    whole_gzip = tmp_path / "whole.warc.gz"
    whole_gzip.write_bytes(gzip.compress(gzip.decompress(Path(bundled_sample_path()).read_bytes())))
    pages, counts, _ = read(str(whole_gzip), (0, 1000))
    assert len(pages) > 200 and read(str(whole_gzip), (1000, None))[0] == []
    assert_same_in_ranges(str(whole_gzip), [1000, 50_000])
    # A file that cannot be opened is counted once, by the first range.
    missing = str(tmp_path / "missing.warc.gz")
    assert read_in_ranges(missing, [10, 20])[1] == read(missing)[1] == {
        "read/records": 1, "read/error/file_not_found": 1}
