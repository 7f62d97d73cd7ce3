"""Bounded fuzzing of ``iter_input`` with mutated real archives (the suite's share of ``bench/fuzz_inputs.py``).

Each example is a file assembled from 1-4 real records of ``shared/data/warc-*``
(duplicated, shuffled, concatenated), mutated at the WARC, HTTP and byte
layers and packed plain, per-record gzip, whole-file gzip, zstd or bz2 (see
``test_fuzz_mutators``). Reading it must not raise, and the read identity,
page provenance and reject accounting must hold exactly (see
``test_fuzz_checks.check_read``). Derandomized: the same examples every run.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from test_fuzz_cases import FuzzMaterial, gen_read, load_material
from test_fuzz_checks import check_read
from test_fuzz_mutators import build_archive
from test_fuzz_seeds import SeedRecord

# ~15 ms per example: about 5 s here; bench/fuzz_inputs.py runs the same generator for as long as asked.
READ_EXAMPLES = 300

_SETTINGS = settings(
    derandomize=True,
    max_examples=READ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    database=None,
)


@pytest.fixture(scope="module")
def material(shared_data: Path) -> FuzzMaterial:
    return load_material(shared_data)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-warc")


@_SETTINGS
@given(rng=st.randoms(use_true_random=False))
def test_mutated_archives_never_break_the_reader(material: FuzzMaterial, workdir: Path, rng: random.Random):
    case = gen_read(rng, material)
    note(f"{len(case.data)} bytes as *{case.params['suffix']}; head {case.data[:80]!r}")
    pages, stats, _ = check_read(case.data, case.params["suffix"], workdir)
    # A non-empty archive always leaves a trace, and no more pages than records.
    assert len(pages) <= stats["read/records"]
    assert stats["read/records"] >= (1 if case.data else 0)


def _clean(seeds: list[SeedRecord]) -> list[SeedRecord]:
    """WARC records that read as exactly one record alone (not the data's own damaged ones)."""
    damaged = ("clipped", "example-trunc", "wrong-chunks")
    return [s for s in seeds if s.fmt == "warc" and s.plain.startswith(b"WARC/") and not any(d in s.origin for d in damaged)]


@settings(derandomize=True, max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), gzip_members=st.booleans())
def test_concatenated_real_records_are_each_read_once(
    material: FuzzMaterial, workdir: Path, rng: random.Random, gzip_members: bool
):
    """Unmutated records, duplicated and shuffled: the count is exact and each page comes back."""
    import gzip

    pool = _clean(material.seeds)
    picked = [rng.choice(pool) for _ in range(rng.randint(1, 6))]
    picked += picked[: rng.randint(0, len(picked))]  # duplicates
    rng.shuffle(picked)
    data = b"".join(gzip.compress(s.plain, mtime=0) if gzip_members else s.plain for s in picked)
    pages, stats, rejects = check_read(data, ".warc.gz" if gzip_members else ".warc", workdir)
    assert stats["read/records"] == len(picked)
    alone = [check_read(s.plain, ".warc", workdir)[0] for s in picked]
    assert [p.url for p in pages] == [p.url for pages_alone in alone for p in pages_alone]
    assert [p.body if hasattr(p, "body") else p.text for p in pages] == [
        p.body if hasattr(p, "body") else p.text for pages_alone in alone for p in pages_alone
    ]


def test_archive_generator_is_deterministic(material: FuzzMaterial):
    first = build_archive(random.Random(11), material.seeds)
    assert build_archive(random.Random(11), material.seeds) == first

