"""WET, JSONL and Parquet inputs (generated here), format detection, and bad rows."""

from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from thresher.io.inputs import InputOptions, detect_format, format_from_name, iter_input
from thresher.io.fs import open_input
from thresher.io.pages import HtmlPage, TextPage
from thresher.io.rejects import ListRejects
from thresher.record import document_id
from thresher.stats import DictStats


def _read(path, rejects=None, **options):
    stats = DictStats()
    pages = list(iter_input(str(path), stats, InputOptions(**options), rejects))
    return pages, stats


def _accounted(stats: DictStats) -> int:
    return stats["read/forwarded"] + sum(
        v for k, v in stats.counts.items() if k.startswith(("read/skipped/", "read/error/"))
    )


# --- WET --------------------------------------------------------------------------------------

def _warc_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def _conversion(n: int, text: str, language: str = "eng") -> bytes:
    return _warc_record(
        [
            ("WARC-Type", "conversion"),
            ("WARC-Target-URI", f"https://example.org/page/{n}"),
            ("WARC-Date", f"2024-05-0{n + 1}T10:00:00Z"),
            ("WARC-Record-ID", f"<urn:uuid:00000000-0000-0000-0000-00000000000{n}>"),
            ("WARC-Identified-Content-Language", language),
            ("Content-Type", "text/plain"),
        ],
        text.encode("utf-8"),
    )


def _write_wet(path) -> list[int]:
    """Per-record gzip WET file: a warcinfo and four conversion records (one empty). Member offsets."""
    members = [gzip.compress(_warc_record([("WARC-Type", "warcinfo"), ("Content-Type", "application/warc-fields")],
                                          b"isPartOf: test\r\n"))]
    members += [
        gzip.compress(_conversion(0, "Erste Seite.\nMit zwei Zeilen: Größe und Maß.", "deu,eng")),
        gzip.compress(_conversion(1, "Second page, plain text already extracted.")),
        gzip.compress(_conversion(2, "   \n  ")),
        gzip.compress(_conversion(3, "日本語のテキスト。", "jpn")),
    ]
    offsets, pos = [], 0
    for member in members:
        offsets.append(pos)
        pos += len(member)
    path.write_bytes(b"".join(members))
    return offsets


def test_wet_conversion_records_become_text_pages(tmp_path):
    path = tmp_path / "CC-MAIN-test.warc.wet.gz"
    offsets = _write_wet(path)
    rejects = ListRejects()
    pages, stats = _read(path, rejects)
    assert all(isinstance(p, TextPage) for p in pages)
    assert [p.url for p in pages] == ["https://example.org/page/0", "https://example.org/page/1",
                                      "https://example.org/page/3"]
    assert pages[0].text == "Erste Seite.\nMit zwei Zeilen: Größe und Maß."
    assert pages[0].language_hint == "deu"
    assert pages[2].text == "日本語のテキスト。"
    assert [p.offset for p in pages] == [offsets[1], offsets[2], offsets[4]]
    assert pages[1].crawl_date == "2024-05-02T10:00:00Z"
    assert pages[1].record_id == "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    assert dict(stats.counts) == {
        "read/records": 5, "read/forwarded": 3, "read/skipped/warcinfo": 1, "read/skipped/empty_payload": 1,
    }
    assert [(r.reason, r.offset) for r in rejects.items] == [("skipped/empty_payload", offsets[3])]


def test_wet_detected_by_name_and_conversion_skipped_when_format_is_warc(tmp_path):
    path = tmp_path / "segment.wet.gz"
    _write_wet(path)
    opened = open_input(str(path))
    try:
        assert detect_format(str(path), opened) == "wet"
    finally:
        opened.close()
    pages, stats = _read(path, format="warc")
    assert pages == [] and stats["read/skipped/conversion"] == 4


# --- JSONL ------------------------------------------------------------------------------------

ROWS = [
    {"id": "doc-1", "url": "https://a.example/1", "text": "First document text.", "date": "2023-01-02T03:04:05Z"},
    {"url": "https://a.example/2", "text": "Second, without id.", "date": 1700000000},
    {"text": "Third: neither id nor url."},
    {"id": "doc-4", "url": "https://a.example/4", "text": ""},
    {"id": "doc-5", "url": "https://a.example/5"},
    {"id": "doc-6", "url": "https://a.example/6", "text": "Bad date.", "date": "yesterday-ish"},
]


def _jsonl_bytes(rows, broken_line: bool = True) -> bytes:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    if broken_line:
        lines.insert(3, '{"id": "broken", "text": ')
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def _check_jsonl_pages(pages, stats, source):
    assert [p.text for p in pages] == ["First document text.", "Second, without id.", "Third: neither id nor url.",
                                       "Bad date."]
    first, second, third, bad_date = pages
    assert first.record_id == "doc-1" and first.crawl_date == "2023-01-02T03:04:05Z" and first.offset == 0
    # No id field: the id derives from URL and date, as for a WARC page without record id.
    assert second.record_id == "" and second.crawl_date == "2023-11-14T22:13:20Z"
    assert second.document_id == document_id("", "https://a.example/2", "2023-11-14T22:13:20Z")
    # Neither id nor URL: the row's place keeps ids unique.
    assert third.record_id == f"{source}#2" and third.url == ""
    assert bad_date.crawl_date == ""
    assert stats["read/records"] == 7 == _accounted(stats)
    assert stats["read/forwarded"] == 4
    assert stats["read/error/malformed_json"] == 1
    assert stats["read/skipped/empty_text"] == 1
    assert stats["read/error/missing_text_field"] == 1
    assert stats["read/warning/malformed_date"] == 1


@pytest.mark.parametrize("suffix", ["jsonl", "jsonl.gz", "jsonl.zst"])
def test_jsonl_rows_become_text_pages(tmp_path, suffix):
    data = _jsonl_bytes(ROWS)
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
    elif suffix.endswith(".zst"):
        zstandard = pytest.importorskip("zstandard")
        data = zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"corpus.{suffix}"
    path.write_bytes(data)
    rejects = ListRejects()
    pages, stats = _read(path, rejects, date_field="date")
    _check_jsonl_pages(pages, stats, str(path))
    assert sorted(r.reason for r in rejects.items) == [
        "error/malformed_json", "error/missing_text_field", "skipped/empty_text",
    ]


def test_jsonl_nested_fields_dolma_style(tmp_path):
    path = tmp_path / "dolma.json.gz"
    rows = [{"id": "x1", "text": "Nested url row.", "metadata": {"url": "https://n.example/", "crawl": "20240101"}}]
    path.write_bytes(gzip.compress(_jsonl_bytes(rows, broken_line=False)))
    (page,), _ = _read(path, url_field="metadata.url", date_field="metadata.crawl")
    assert page.url == "https://n.example/" and page.crawl_date == "2024-01-01T00:00:00Z"


def test_truncated_jsonl_gz_keeps_rows_and_counts_the_rest(tmp_path):
    full = gzip.compress(_jsonl_bytes(ROWS[:2] * 200, broken_line=False))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(full[: len(full) // 2])
    pages, stats = _read(path)
    assert 0 < len(pages) < 400
    assert stats["read/error/truncated_file"] == 1
    assert stats["read/records"] == len(pages) + 1 == _accounted(stats)


def test_oversized_jsonl_line_is_skipped_without_reading_it_whole(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "small"}) + "\n")
    pages, stats = _read(path, max_payload_bytes=1000)
    assert [p.text for p in pages] == ["small"] and pages[0].offset == 1
    assert stats["read/skipped/oversized_payload"] == 1


# --- Parquet ----------------------------------------------------------------------------------

def test_parquet_rows_with_configured_fields(tmp_path):
    path = tmp_path / "part-0.parquet"
    table = pa.table({
        "doc_id": ["p1", None, "p3"],
        "page_url": ["https://p.example/1", "https://p.example/2", None],
        "content": ["Parquet text one.", "Parquet text two.", None],
        "ts": ["2022-02-02T02:02:02Z", None, None],
    })
    pq.write_table(table, path)
    rejects = ListRejects()
    pages, stats = _read(path, rejects, text_field="content", url_field="page_url", id_field="doc_id",
                         date_field="ts")
    assert [(p.record_id, p.url, p.text, p.offset) for p in pages] == [
        ("p1", "https://p.example/1", "Parquet text one.", 0),
        ("", "https://p.example/2", "Parquet text two.", 1),
    ]
    assert pages[0].crawl_date == "2022-02-02T02:02:02Z"
    assert stats["read/records"] == 3 == _accounted(stats)
    assert rejects.reasons() == ["error/missing_text_field"]


def test_parquet_without_the_text_column_counts_one_error(tmp_path):
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"body": ["a", "b"]}), path)
    pages, stats = _read(path)
    assert pages == [] and stats["read/error/missing_text_column"] == 1 == stats["read/records"]


# --- detection ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, expected",
    [
        ("CC-MAIN-2024-10/segments/x/warc/f.warc.gz", "warc"),
        ("f.warc.wet.gz", "wet"),
        ("f.wet", "wet"),
        ("IA-001.arc.gz", "arc"),
        ("c4-train.00000-of-01024.json.gz", "jsonl"),
        ("shard.jsonl.zst", "jsonl"),
        ("s3://bucket/data/train-0001.parquet", "parquet"),
        ("mystery.bin", None),
    ],
)
def test_format_from_name(name, expected):
    assert format_from_name(name) == expected


def test_magic_bytes_beat_a_misleading_name(shared_data, tmp_path):
    # An ARC file named .warc.gz, and a WARC with no telling name at all.
    arc = tmp_path / "misnamed.warc.gz"
    arc.write_bytes((shared_data / "warc-warcio/example.arc.gz").read_bytes())
    pages, stats = _read(arc)
    assert len(pages) == 1 and isinstance(pages[0], HtmlPage) and stats["read/skipped/warcinfo"] == 1
    blob = tmp_path / "download.bin"
    blob.write_bytes((shared_data / "warc-warcio/example.warc.gz").read_bytes())
    pages, _ = _read(blob)
    assert len(pages) == 1


def test_unknown_format_is_one_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    rejects = ListRejects()
    pages, stats = _read(path, rejects)
    assert pages == [] and stats["read/error/unknown_format"] == 1 == stats["read/records"]
    assert rejects.items[0].source == str(path)


def test_input_options_reject_unknown_format():
    with pytest.raises(ValueError):
        InputOptions(format="csv")
