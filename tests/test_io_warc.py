"""The WARC/ARC readers over real crawl files: exact counts per record type and reason, and damage.

Every file in ``shared/data/warc-*`` is read through :func:`iter_input`, and
for each the forwarded pages, every skip and error reason, and the read
identity ``records == forwarded + skipped + errors`` are asserted exactly.
"""

from __future__ import annotations

import gzip
import random
import zlib

import pytest

from thresher.io.charset import decode_html
from thresher.io.inputs import InputOptions, iter_input
from thresher.io.rejects import ListRejects
from thresher.io.warc import WarcReadOptions, iter_html_pages
from thresher.stats import DictStats

# file -> (forwarded pages, every other counter except read/records and read/forwarded)
EXPECTED = {
    "warc-node-warc/books.toscrape.warc": (1, {
        "read/skipped/request": 30, "read/skipped/non_html": 29,
        "read/non_html/image": 20, "read/non_html/script": 5, "read/non_html/css": 3, "read/non_html/binary": 1,
    }),
    "warc-node-warc/parseMe.warc.gz": (1, {
        "read/skipped/warcinfo": 1, "read/skipped/metadata": 1, "read/skipped/request": 14,
        "read/skipped/http_301": 3, "read/skipped/http_307": 2, "read/skipped/http_404": 1,
        "read/skipped/non_html": 7, "read/non_html/css": 1, "read/non_html/image": 3, "read/non_html/script": 3,
    }),
    # The one response's gzip member is cut: 74,970 of 88,038 declared bytes.
    "warc-resiliparse/clipped.warc.gz": (0, {"read/error/truncated_record": 1}),
    # WARC/0.18, LF line ends, WARC-Date '2008-10-294T...' (a day-of-year), repaired on every page.
    "warc-resiliparse/clueweb-quirk.warc.gz": (29, {"read/skipped/warcinfo": 1, "read/warning/repaired_date": 29}),
    "warc-resiliparse/warcfile.warc.gz": (16, {
        "read/skipped/warcinfo": 1, "read/skipped/request": 17, "read/skipped/metadata": 16,
    }),
    # One gzip member for the whole file (warcio refuses it); offsets come from the decompressed stream.
    "warc-warcio/example-bad-non-chunked.warc.gz": (1, {
        "read/skipped/warcinfo": 2, "read/skipped/request": 2, "read/skipped/revisit": 1,
    }),
    "warc-warcio/example-iana.org-chunked.warc": (1, {"read/skipped/warcinfo": 1, "read/skipped/request": 1}),
    # A webrecorder snapshot stored as a resource record with text/html: a page.
    "warc-warcio/example-resource.warc.gz": (1, {"read/skipped/warcinfo": 2}),
    # Content-Length 2 bytes short: the gzip payload lacks its trailer.
    "warc-warcio/example-trunc.warc": (0, {
        "read/skipped/warcinfo": 2, "read/skipped/request": 1, "read/error/truncated_payload": 1,
    }),
    # wget: target URI in <brackets>; its log and argument list are resource records.
    "warc-warcio/example-wget-bad-target-uri.warc.gz": (1, {
        "read/skipped/warcinfo": 1, "read/skipped/request": 1, "read/skipped/metadata": 1,
        "read/skipped/resource": 2,
    }),
    # gzip members split in the wrong places (warcio refuses it); the record itself is whole.
    "warc-warcio/example-wrong-chunks.warc.gz": (1, {"read/skipped/request": 1}),
    # Legacy ARC, read through warcio: the filedesc header becomes a warcinfo record.
    "warc-warcio/example.arc.gz": (1, {"read/skipped/warcinfo": 1}),
    "warc-warcio/example.warc.gz": (1, {
        "read/skipped/warcinfo": 2, "read/skipped/request": 2, "read/skipped/revisit": 1,
    }),
}


def _read(path, rejects=None, **options):
    stats = DictStats()
    pages = list(iter_input(str(path), stats, InputOptions(**options), rejects))
    return pages, stats


def _accounted(stats: DictStats) -> int:
    return stats["read/forwarded"] + sum(
        v for k, v in stats.counts.items() if k.startswith(("read/skipped/", "read/error/"))
    )


def test_expectations_cover_every_shared_archive(shared_data):
    files = {
        str(p.relative_to(shared_data))
        for p in shared_data.glob("warc-*/*")
        if p.suffix not in (".json", ".txt")
    }
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_archive_counts(shared_data, name):
    forwarded, others = EXPECTED[name]
    rejects = ListRejects()
    pages, stats = _read(shared_data / name, rejects)
    assert len(pages) == forwarded == stats["read/forwarded"]
    rest = {k: v for k, v in stats.counts.items() if k not in ("read/records", "read/forwarded")}
    assert rest == others
    assert stats["read/records"] == _accounted(stats)
    # Every error and every non-structural skip is in the rejects sink, with its provenance.
    structural = {"warcinfo", "request", "metadata", "revisit", "resource"}
    expected_rejects = sum(
        v for k, v in others.items()
        if k.startswith("read/error/") or (k.startswith("read/skipped/") and k.split("/")[2] not in structural)
    )
    assert len(rejects.items) == expected_rejects
    assert all(r.source == str(shared_data / name) and r.offset >= 0 for r in rejects.items)


def test_every_page_has_provenance(shared_data):
    for name in EXPECTED:
        pages, _ = _read(shared_data / name)
        for page in pages:
            assert page.url.startswith("http") and page.source.endswith(name.split("/")[1])
            assert page.offset >= 0 and len(page.crawl_date) == 20, (name, page.crawl_date)
        offsets = [p.offset for p in pages]
        assert len(set(offsets)) == len(offsets), name


def test_provenance_of_common_crawl_pages(shared_data):
    pages, _ = _read(shared_data / "warc-resiliparse/warcfile.warc.gz")
    first = pages[0]
    assert first.url == "http://003338.cn/l41/481397.html"
    assert first.record_id == "<urn:uuid:c4c112a5-3503-4483-abf8-51a0dd86dd53>"
    assert first.crawl_date == "2020-08-08T17:27:41Z"
    assert first.offset == 940  # the record's gzip member: a Common Crawl index range starts here
    raw = (shared_data / "warc-resiliparse/warcfile.warc.gz").read_bytes()
    assert zlib.decompressobj(31).decompress(raw[first.offset:first.offset + 4000])[:8] == b"WARC/1.0"


def test_clueweb_day_of_year_date_is_repaired(shared_data):
    pages, _ = _read(shared_data / "warc-resiliparse/clueweb-quirk.warc.gz")
    # '2008-10-294T05:21:46-0700': day 294 of 2008 is 20 October; -07:00 → UTC.
    assert pages[0].crawl_date == "2008-10-20T12:21:46Z"


def test_clueweb_euc_jp_decodes_from_meta(shared_data):
    pages, _ = _read(shared_data / "warc-resiliparse/clueweb-quirk.warc.gz")
    text, charset = decode_html(pages[0].body, pages[0].http_charset)
    assert "吉田かばん" in text
    assert "euc" in charset


def test_chunked_payload_is_dechunked(shared_data):
    (page,), _ = _read(shared_data / "warc-warcio/example-iana.org-chunked.warc")
    text, _ = decode_html(page.body, page.http_charset)
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert text.rstrip().endswith("</html>")


def test_gzip_content_encoding_is_inflated(shared_data):
    (page,), _ = _read(shared_data / "warc-warcio/example.warc.gz")
    assert b"<title>Example Domain</title>" in page.body


def test_target_uri_in_brackets_is_unwrapped(shared_data):
    (page,), _ = _read(shared_data / "warc-warcio/example-wget-bad-target-uri.warc.gz")
    assert page.url == "http://example.com/"


def test_arc_page_has_provenance_and_stable_id(shared_data):
    (page,), _ = _read(shared_data / "warc-warcio/example.arc.gz")
    assert page.url == "http://example.com/"
    assert page.crawl_date == "2014-02-16T05:02:21Z"
    assert page.offset == 171
    assert page.record_id == ""  # ARC has no ids; warcio's invented ones would change every run
    (again,), _ = _read(shared_data / "warc-warcio/example.arc.gz")
    assert page.document_id == again.document_id
    assert b"Example Domain" in page.body


def test_clipped_record_is_an_error_not_a_page(shared_data):
    rejects = ListRejects()
    pages, stats = _read(shared_data / "warc-resiliparse/clipped.warc.gz", rejects)
    assert pages == []
    (reject,) = rejects.items
    assert reject.reason == "error/truncated_record"
    assert reject.url.startswith("http://www.houstonpress.com/music/")
    assert reject.offset == 0


@pytest.mark.parametrize("container", ["plain", "whole-file-gzip", "zstd"])
def test_containers_give_the_same_pages(shared_data, tmp_path, container):
    raw = gzip.decompress((shared_data / "warc-resiliparse/warcfile.warc.gz").read_bytes())
    if container == "plain":
        path, blob = tmp_path / "x.warc", raw
    elif container == "whole-file-gzip":
        path, blob = tmp_path / "x.warc.gz", gzip.compress(raw)
    else:
        zstandard = pytest.importorskip("zstandard")
        path, blob = tmp_path / "x.warc.zst", zstandard.ZstdCompressor().compress(raw)
    path.write_bytes(blob)
    reference, _ = _read(shared_data / "warc-resiliparse/warcfile.warc.gz")
    pages, stats = _read(path)
    assert [p.body for p in pages] == [p.body for p in reference]
    assert stats["read/records"] == 50 == _accounted(stats)
    if container != "zstd":
        # Offsets are in the uncompressed stream, so each one starts its record.
        assert all(raw[p.offset:p.offset + 8] == b"WARC/1.0" for p in pages)


def _corrupt(data: bytes, start: int, length: int) -> bytes:
    bad = bytearray(data)
    for i in range(start, start + length):
        bad[i] ^= 0xFF
    return bytes(bad)


def test_corrupt_member_costs_one_record_and_reading_resumes(shared_data, tmp_path):
    data = (shared_data / "warc-resiliparse/warcfile.warc.gz").read_bytes()
    path = tmp_path / "bad.warc.gz"
    # Bytes inside the response member at 12685: that page is lost, every later one is read.
    path.write_bytes(_corrupt(data, 12900, 100))
    rejects = ListRejects()
    pages, stats = _read(path, rejects)
    assert len(pages) == 15
    assert stats["read/records"] == 50 == _accounted(stats)
    assert stats["read/error/corrupt_compression"] == 1
    assert [(r.reason, r.offset) for r in rejects.items] == [("error/corrupt_compression", 12685)]


def test_random_damage_never_breaks_the_identity(shared_data, tmp_path):
    data = (shared_data / "warc-resiliparse/warcfile.warc.gz").read_bytes()
    rng = random.Random(7)
    path = tmp_path / "damaged.warc.gz"
    exact = 0
    for _ in range(40):
        path.write_bytes(_corrupt(data, rng.randrange(len(data) - 10), rng.choice([1, 10])))
        pages, stats = _read(path)
        assert stats["read/records"] == _accounted(stats) > 0
        exact += stats["read/records"] == 50
    # One damaged member costs one record: the count stays exact unless a flip spans two members.
    assert exact >= 38


def test_garbage_after_records_counts_one_error(shared_data, tmp_path):
    good = (shared_data / "warc-warcio/example.warc.gz").read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(good + gzip.compress(b"WARC/1.0\r\nnot a header\r\n\r\n")[:-9] + b"\x00garbage")
    pages, stats = _read(broken)
    assert len(pages) == 1
    assert stats["read/records"] == 7 == _accounted(stats)
    assert stats["read/error/corrupt_compression"] == 1


def test_uncompressed_file_cut_inside_a_header_counts_an_error(shared_data, tmp_path):
    raw = gzip.decompress((shared_data / "warc-warcio/example.warc.gz").read_bytes())
    cut = raw.find(b"WARC/1.0", 3000) + 40
    path = tmp_path / "cut.warc"
    path.write_bytes(raw[:cut])
    _, stats = _read(path)
    assert stats["read/error/malformed_record"] == 1
    assert stats["read/records"] == _accounted(stats)


def test_oversized_payload_is_counted_and_skipped(shared_data):
    pages, stats = _read(shared_data / "warc-resiliparse/warcfile.warc.gz", max_payload_bytes=20_000)
    assert stats["read/skipped/oversized_payload"] > 0
    assert len(pages) + stats["read/skipped/oversized_payload"] == 16


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    rejects = ListRejects()
    pages, stats = _read(tmp_path / "nope.warc.gz", rejects)
    assert pages == []
    assert stats["read/records"] == 1 == stats["read/error/file_not_found"]
    assert rejects.reasons() == ["error/file_not_found"]


def test_arc_read_as_warc_does_not_vanish(shared_data):
    _, stats = _read(shared_data / "warc-warcio/example.arc.gz", format="warc")
    assert stats["read/records"] == 1 == _accounted(stats) - stats["read/forwarded"]
    assert stats["read/error/malformed_record"] == 1


def test_iter_html_pages_still_reads_warc(shared_data):
    stats = DictStats()
    pages = list(iter_html_pages(str(shared_data / "warc-resiliparse/warcfile.warc.gz"), stats, WarcReadOptions()))
    assert len(pages) == 16 and stats["read/records"] == 50


def test_lf_only_warc_0_18_uncompressed_reads_clean(shared_data, tmp_path):
    # ClueWeb's LF-only headers, uncompressed: the end-of-file check must find nothing left over.
    path = tmp_path / "clueweb.warc"
    path.write_bytes(gzip.decompress((shared_data / "warc-resiliparse/clueweb-quirk.warc.gz").read_bytes()))
    pages, stats = _read(path)
    assert len(pages) == 29 and stats["read/records"] == 30
    assert not [k for k in stats.counts if k.startswith("read/error/")]
