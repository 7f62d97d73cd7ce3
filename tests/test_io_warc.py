"""The WARC reader over real crawl files: exact counts per record type and reason."""

from __future__ import annotations

import gzip

import pytest

from thresher.io.charset import decode_html
from thresher.io.warc import WarcReadOptions, iter_html_pages
from thresher.stats import DictStats

# file -> (forwarded HTML pages, expected skip/error counters)
EXPECTED = {
    "warc-resiliparse/warcfile.warc.gz": (
        16,
        {"read/skipped/warcinfo": 1, "read/skipped/request": 17, "read/skipped/metadata": 16},
    ),
    "warc-resiliparse/clueweb-quirk.warc.gz": (29, {"read/skipped/warcinfo": 1}),
    "warc-node-warc/books.toscrape.warc": (
        1,
        {"read/skipped/request": 30, "read/skipped/non_html": 29},
    ),
    "warc-node-warc/parseMe.warc.gz": (
        1,
        {
            "read/skipped/warcinfo": 1,
            "read/skipped/metadata": 1,
            "read/skipped/request": 14,
            "read/skipped/http_301": 3,
            "read/skipped/http_307": 2,
            "read/skipped/http_404": 1,
            "read/skipped/non_html": 7,
        },
    ),
    "warc-warcio/example-resource.warc.gz": (
        0,
        {"read/skipped/warcinfo": 2, "read/skipped/resource": 1},
    ),
    "warc-warcio/example.warc.gz": (
        1,
        {"read/skipped/warcinfo": 2, "read/skipped/request": 2, "read/skipped/revisit": 1},
    ),
    "warc-warcio/example-iana.org-chunked.warc": (
        1,
        {"read/skipped/warcinfo": 1, "read/skipped/request": 1},
    ),
}


def _read(path, **kw):
    stats = DictStats()
    pages = list(iter_html_pages(str(path), stats, WarcReadOptions(**kw)))
    return pages, stats


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_warc_counts(shared_data, name):
    forwarded, reasons = EXPECTED[name]
    pages, stats = _read(shared_data / name)
    assert len(pages) == forwarded == stats["read/forwarded"]
    for key, n in reasons.items():
        assert stats[key] == n, key
    other = {k for k in stats.counts if k.startswith(("read/skipped/", "read/error/"))} - set(reasons)
    assert not other, f"unexpected reasons {other}"
    accounted = stats["read/forwarded"] + sum(
        v for k, v in stats.counts.items() if k.startswith(("read/skipped/", "read/error/"))
    )
    assert stats["read/records"] == accounted


def test_every_real_warc_reads_without_crash_and_accounts(shared_data):
    files = sorted(p for p in shared_data.glob("warc-*/*") if ".warc" in p.name or p.suffix == ".arc")
    assert files
    for path in files:
        _pages, stats = _read(path)
        accounted = stats["read/forwarded"] + sum(
            v for k, v in stats.counts.items() if k.startswith(("read/skipped/", "read/error/"))
        )
        assert stats["read/records"] == accounted > 0, path.name


def test_chunked_payload_is_dechunked(shared_data):
    (page,), _ = _read(shared_data / "warc-warcio/example-iana.org-chunked.warc")
    text, _ = decode_html(page.body, page.http_charset)
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert text.rstrip().endswith("</html>")


def test_provenance_on_pages(shared_data):
    pages, _ = _read(shared_data / "warc-resiliparse/warcfile.warc.gz")
    first = pages[0]
    assert first.url == "http://003338.cn/l41/481397.html"
    assert first.record_id == "<urn:uuid:c4c112a5-3503-4483-abf8-51a0dd86dd53>"
    assert first.crawl_date == "2020-08-08T17:27:41Z"
    assert first.offset == 940
    offsets = [p.offset for p in pages]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)


def test_target_uri_in_brackets_is_unwrapped(shared_data):
    (page,), _ = _read(shared_data / "warc-warcio/example-wget-bad-target-uri.warc.gz")
    assert page.url == "http://example.com/"


def test_clueweb_euc_jp_decodes_from_meta(shared_data):
    pages, _ = _read(shared_data / "warc-resiliparse/clueweb-quirk.warc.gz")
    text, charset = decode_html(pages[0].body, pages[0].http_charset)
    assert "吉田かばん" in text
    assert "euc" in charset


def test_oversized_payload_is_counted_and_skipped(shared_data):
    pages, stats = _read(shared_data / "warc-resiliparse/warcfile.warc.gz", max_payload_bytes=20_000)
    assert stats["read/skipped/oversized_payload"] > 0
    assert len(pages) + stats["read/skipped/oversized_payload"] == 16


def test_garbage_after_records_counts_one_error(shared_data, tmp_path):
    good = (shared_data / "warc-warcio/example.warc.gz").read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(good + gzip.compress(b"WARC/1.0\r\nnot a header\r\n\r\n")[:-9] + b"\x00garbage")
    pages, stats = _read(broken)
    assert len(pages) == 1
    errors = sum(v for k, v in stats.counts.items() if k.startswith("read/error/"))
    skipped = sum(v for k, v in stats.counts.items() if k.startswith("read/skipped/"))
    assert stats["read/records"] == 1 + errors + skipped
    assert errors >= 1


def test_missing_file_is_an_error_not_a_crash(tmp_path):
    pages, stats = _read(tmp_path / "nope.warc.gz")
    assert pages == []
    assert stats["read/records"] == 1
    assert sum(v for k, v in stats.counts.items() if k.startswith("read/error/")) == 1
