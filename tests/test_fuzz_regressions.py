"""Every failure fuzzing found, replayed: the minimized inputs of ``tests/fuzz_corpus/``.

Each corpus file is one :class:`~test_fuzz_checks.FuzzCase` (JSON, base64
data) whose ``note`` names the bug, where it was and how it was fixed.
``bench/fuzz_inputs.py`` writes new ones there; once the bug is fixed the
case is renamed for what it shows and stays here for good. Beyond the
oracles every fuzz case must pass, the tests below pin what each fix means.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Iterator

import pytest

from thresher.io.charset import decode_html, normalize_charset

from test_fuzz_checks import CORPUS_DIR, TARGETS, FuzzCase, FuzzContext, check_read, corpus_cases, run_case

CASES = corpus_cases()


def _case(name: str) -> FuzzCase:
    return FuzzCase.from_json((CORPUS_DIR / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzContext]:
    ctx = FuzzContext(tmp_path_factory.mktemp("fuzz-regressions"))
    if any(case.target == "extract" for _, case in CASES):
        from thresher.stages.extract import build_extractor

        ctx.extractor = build_extractor("trafilatura", {"timeout_s": 5.0})
    yield ctx
    if ctx.extractor is not None:
        ctx.extractor.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name,case", CASES, ids=[name for name, _ in CASES])
def test_corpus_case_passes_every_oracle(name: str, case: FuzzCase, context: FuzzContext):
    # run_case asserts every oracle of the case's target (the check_* functions in
    # test_fuzz_checks): on the code before the fixes these cases failed.
    assert run_case(case, context) == case.target


def test_corpus_is_small_documented_and_covers_reader_and_charsets():
    assert len(CASES) >= 10
    for path in sorted(CORPUS_DIR.glob("*.json")):
        raw = json.loads(path.read_text())
        assert raw["target"] in TARGETS, path.name
        assert path.stat().st_size < 4096, f"{path.name}: keep corpus inputs minimized"
        # The note says what broke, where and how it was fixed.
        assert ".py" in raw["note"] and "Fix:" in raw["note"], path.name
    assert {case.target for _, case in CASES} >= {"read", "decode_html"}


# --- what each fix means ---------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["base64", "quoted_printable", "hex", "zlib", "rot13", "bz2", "undefined", "utf-8\x00"])
def test_labels_that_are_no_charsets_are_ignored(label: str):
    assert normalize_charset(label) is None
    text, charset = decode_html("<p>café</p>".encode("utf-8"), label)
    assert (text, charset) == ("<p>café</p>", "utf-8")


def test_meta_tag_naming_a_codec_that_is_no_charset_falls_through_to_http():
    body = '<meta charset="base64"><p>café</p>'.encode("cp1252")
    assert decode_html(body, "windows-1252") == ('<meta charset="base64"><p>café</p>', "cp1252")


def test_empty_body_under_a_non_text_codec_label_is_utf8():
    case = _case("decode_html-hex-label-empty-body")
    assert decode_html(case.data, case.params["http_charset"]) == ("", "utf-8")


@pytest.mark.parametrize("name", ["read-negative-content-length", "read-huge-content-length"])
def test_absurd_content_length_is_one_counted_record(name: str, tmp_path: Path):
    case = _case(name)
    pages, stats, _ = check_read(case.data, case.params["suffix"], tmp_path)
    assert pages == [] and stats["read/records"] == 1


def test_file_without_records_is_rejected_at_offset_zero(tmp_path: Path):
    case = _case("read-one-byte-no-record-offset")
    _, stats, rejects = check_read(case.data, case.params["suffix"], tmp_path)
    assert [(r.reason, r.offset) for r in rejects.items] == [("error/malformed_record", 0)]
    assert stats["read/records"] == 1


@pytest.mark.parametrize("name,reason", [
    ("read-whole-gzip-cut-short", "read/error/corrupt_compression"),
    ("read-whole-gzip-cut-in-payload", "read/error/truncated_record"),
])
def test_whole_file_gzip_cut_short_is_counted_not_raised(name: str, reason: str, tmp_path: Path):
    case = _case(name)
    pages, stats, _ = check_read(case.data, case.params["suffix"], tmp_path)
    assert pages == [] and stats[reason] == 1


def test_arc_record_with_a_lying_length_keeps_a_real_offset(tmp_path: Path):
    case = _case("read-arc-negative-offset")
    _, stats, rejects = check_read(case.data, case.params["suffix"], tmp_path)
    assert stats["read/records"] == 3 and rejects.items
    assert all(0 <= r.offset <= len(case.data) for r in rejects.items)


def test_whole_file_gzip_with_a_lying_first_length_gives_stream_offsets(tmp_path: Path):
    case = _case("read-whole-gzip-lying-first-length")
    pages, stats, _ = check_read(case.data, case.params["suffix"], tmp_path)
    stream = gzip.decompress(case.data)
    assert len(pages) == 2 and stats["read/records"] == 3
    # Offsets in the decompressed stream, each at its record (they were both the file's end).
    assert all(stream[p.offset:p.offset + 8] == b"WARC/1.0" for p in pages)
    assert len({p.offset for p in pages}) == 2


def test_whole_file_gzip_with_a_bad_crc_is_still_read_as_one_stream(tmp_path: Path):
    from thresher.io.fs import first_gzip_member_holds_several_records, open_input

    case = _case("read-whole-gzip-bad-crc")
    path = tmp_path / "bad-crc.warc.gz"
    path.write_bytes(case.data)
    opened = open_input(str(path))
    try:
        # Detection used to lose the whole member's output to the CRC error and say "per-record".
        assert first_gzip_member_holds_several_records(opened)
    finally:
        opened.close()


def test_corrupt_deflate_in_a_whole_file_gzip_is_counted_not_raised(tmp_path: Path):
    case = _case("read-whole-gzip-corrupt-deflate")
    pages, stats, rejects = check_read(case.data, case.params["suffix"], tmp_path)
    assert pages == [] and stats["read/error/corrupt_compression"] == 1
    assert [r.offset for r in rejects.items] == [0]
