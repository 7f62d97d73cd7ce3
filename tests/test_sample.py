"""The sample-crawl generator: deterministic, well-formed WARC, truthful truth file."""

from __future__ import annotations

import gzip
import re
from collections import Counter

import pytest
from fastwarc.warc import ArchiveIterator

from thresher.io.charset import decode_html
from thresher.config import bundled_sample_path
from thresher.tools.sample import SampleTruth, truth_path_for, write_sample_crawl
from thresher.tools.sample.shingles import text_similarity
from thresher.tools.sample.sites import BLOCKLISTED_DOMAINS
from thresher.tools.sample.truth import EXACT_DUPLICATE, GOOD, NEAR_DUPLICATE


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "sample.warc.gz"
    truth = write_sample_crawl(path, pages=300, seed=0)
    return path, truth


class _Record:
    """What a test needs of one record, read while the iterator is on it."""

    def __init__(self, record) -> None:
        self.type = str(record.record_type)
        self.url = record.headers.get("WARC-Target-URI")
        self.status = record.http_headers.status_code if record.is_http else None
        self.content_type = (record.http_headers.get("Content-Type") or "") if record.is_http else ""
        self.declared_length = record.http_headers.get("Content-Length") if record.is_http else None
        self.http_charset = record.http_charset if record.is_http else None
        self.body = record.reader.read()


def _records(path) -> list[_Record]:
    return [_Record(r) for r in ArchiveIterator(str(path), parse_http=True, auto_decode="none")]


def test_bundled_sample_equals_a_fresh_generation(fresh):
    path, _ = fresh
    with open(bundled_sample_path(), "rb") as bundled:
        assert bundled.read() == path.read_bytes()
    assert open(truth_path_for(bundled_sample_path()), encoding="utf-8").read() == open(
        truth_path_for(path), encoding="utf-8"
    ).read()


def test_generation_is_deterministic_and_seed_dependent(tmp_path):
    a, b, c = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz", tmp_path / "c.warc.gz"
    write_sample_crawl(a, pages=60, seed=7)
    write_sample_crawl(b, pages=60, seed=7)
    write_sample_crawl(c, pages=60, seed=8)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_bundled_sample_is_small_enough_to_ship():
    import os

    assert os.path.getsize(bundled_sample_path()) < 3 * 1024 * 1024


def test_warc_is_well_formed_with_one_gzip_member_per_record(fresh):
    path, truth = fresh
    records = _records(path)
    counts = Counter(r.type for r in records)
    assert dict(counts) == truth.record_counts
    assert records[0].type == "warcinfo"
    raw = path.read_bytes()
    assert raw.count(b"\x1f\x8b\x08") >= len(records)  # a gzip header per record
    assert gzip.decompress(raw).startswith(b"WARC/1.0\r\n")
    statuses = Counter()
    for record in records:
        if record.type == "response":
            statuses[record.status] += 1
            assert record.declared_length is None or int(record.declared_length) == len(record.body)
    assert statuses[200] == len(truth.planted_pages) + sum(truth.non_html_responses.values())
    for code, n in truth.non_200_responses.items():
        assert statuses[int(code)] == n


def test_truth_covers_every_planted_category(fresh):
    _, truth = fresh
    assert set(truth.category_counts) == {"good", "exact_duplicate", "near_duplicate", "spam_url", "low_quality"}
    assert set(truth.kind_counts) >= {"word_salad", "link_list", "repeated_lines", "too_short", "spam_word", "blocklisted_domain"}
    assert len(truth.language_counts) >= 6
    assert {"windows-1252", "shift_jis"} <= set(truth.charset_counts)
    assert all(any(d.endswith(b) for b in BLOCKLISTED_DOMAINS) for d in truth.blocklisted_domains)
    round_trip = SampleTruth.from_json(truth.to_json())
    assert round_trip == truth


def test_legacy_charsets_are_declared_only_in_meta(fresh):
    path, truth = fresh
    legacy = {p.url: p for p in truth.planted_pages if p.charset in ("windows-1252", "shift_jis")}
    seen = 0
    for record in _records(path):
        if record.type != "response" or record.url not in legacy:
            continue
        page = legacy[record.url]
        assert "charset" not in record.content_type.lower()
        body = record.body
        text, used = decode_html(body, record.http_charset)
        assert used in ("cp1252", "cp932")
        assert page.title.split()[0] in text or page.title[:4] in text
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        seen += 1
    assert seen == len(legacy) >= 4


def test_duplicates_are_what_the_truth_says(fresh):
    _, truth = fresh
    near = truth.by_category(NEAR_DUPLICATE)
    assert near and all(p.similarity is not None and p.similarity >= 0.8 for p in near)
    by_url = {p.url: p for p in truth.planted_pages}
    for page in truth.by_category(EXACT_DUPLICATE):
        assert page.text_sha1 == by_url[page.duplicate_of].text_sha1
    for page in near:
        assert page.text_sha1 != by_url[page.duplicate_of].text_sha1


def test_good_pages_do_not_look_like_near_duplicates_of_each_other(fresh, tmp_path):
    """MinHash dedup (threshold ~0.72) must not merge two different good pages."""
    path, truth = fresh
    import trafilatura

    good = {p.url: p for p in truth.by_category(GOOD) if p.language in ("en", "de", "fr")}
    texts = {}
    for record in _records(path):
        if record.type == "response" and record.url in good and len(texts) < 60:
            html, _ = decode_html(record.body, record.http_charset)
            texts[record.url] = trafilatura.extract(html, favor_precision=True, include_comments=False) or ""
    urls = sorted(texts)
    worst = max(
        text_similarity(texts[a], texts[b]) for i, a in enumerate(urls) for b in urls[i + 1 :]
    )
    assert worst < 0.3, worst
    assert all(re.search(r"\w{4,}", t) for t in texts.values())


def test_large_samples_finish(tmp_path):
    """Past ~3,200 pages the spam host x filler combinations run out; generation must still end."""
    truth = write_sample_crawl(tmp_path / "big.warc.gz", pages=3600, seed=2)
    spam = [p.url for p in truth.planted_pages if p.category == "spam_url"]
    assert len(truth.planted_pages) == 3600 and len(set(spam)) == len(spam)
