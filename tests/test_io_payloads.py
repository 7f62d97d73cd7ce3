"""HTTP payloads end to end: one crafted WARC with every kind of response a crawl holds.

Each response below is checked by what it becomes: a page (with the right
bytes), or exactly one counted, rejected reason.
"""

from __future__ import annotations

import gzip

import pytest

from thresher.io.inputs import InputOptions, iter_input
from thresher.io.rejects import ListRejects
from thresher.stats import DictStats

brotli = pytest.importorskip("brotli")

HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello payload world.</p></body></html>"


def _chunked(body: bytes, size: int = 20) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def _response(n: int, status_line: bytes, headers: list[tuple[str, str]], body: bytes,
              warc_headers: list[tuple[str, str]] = (), url: str | None = None,
              date: str = "2024-03-01T12:00:00Z") -> bytes:
    http = status_line + b"\r\n" + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers) + b"\r\n" + body
    fields = [("WARC-Type", "response"), ("WARC-Date", date),
              ("WARC-Record-ID", f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>"),
              ("Content-Type", "application/http; msgtype=response")]
    if url is None:
        url = f"http://site.example/{n}"
    if url:
        fields.append(("WARC-Target-URI", url))
    fields += list(warc_headers)
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + f"Content-Length: {len(http)}\r\n\r\n"
    return gzip.compress(head.encode() + http + b"\r\n\r\n")


OK = b"HTTP/1.1 200 OK"
GZ_HTML = gzip.compress(HTML * 50)

# name -> (record, expected outcome: "page" or the reject reason)
CASES = {
    "chunked_gzip": (_response(1, OK, [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked"),
                                      ("Content-Encoding", "gzip")], _chunked(GZ_HTML)), "page"),
    "brotli": (_response(2, OK, [("Content-Type", "text/html"), ("Content-Encoding", "br")],
                         brotli.compress(HTML)), "page"),
    "xhtml": (_response(3, OK, [("Content-Type", "application/xhtml+xml")], HTML), "page"),
    "sniffed_octet_stream": (_response(4, OK, [("Content-Type", "application/octet-stream")], HTML), "page"),
    "no_content_type": (_response(5, OK, [], HTML), "page"),
    "pdf": (_response(6, OK, [("Content-Type", "application/pdf")], b"%PDF-1.4 ..."), "skipped/non_html/pdf"),
    "png": (_response(7, OK, [("Content-Type", "image/png")], b"\x89PNG\r\n"), "skipped/non_html/image"),
    "script": (_response(8, OK, [("Content-Type", "application/javascript")], b"var x;"),
               "skipped/non_html/script"),
    "identified_pdf": (_response(9, OK, [("Content-Type", "application/octet-stream")], b"%PDF-1.4",
                                 [("WARC-Identified-Payload-Type", "application/pdf")]), "skipped/non_html/pdf"),
    "server_error": (_response(10, b"HTTP/1.1 500 Internal Server Error", [("Content-Type", "text/html")], HTML),
                     "skipped/http_500"),
    "redirect": (_response(11, b"HTTP/1.1 302 Found", [("Location", "/x")], b""), "skipped/http_302"),
    "bad_status_line": (_response(12, b"HTTP/1.1 abc", [("Content-Type", "text/html")], HTML),
                        "error/malformed_http"),
    "truncated_gzip": (_response(13, OK, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                 GZ_HTML[:-40]), "error/truncated_payload"),
    "crawler_truncated_gzip": (_response(14, OK, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                         GZ_HTML[:-40], [("WARC-Truncated", "length")]), "page"),
    "truncated_chunks": (_response(15, OK, [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
                                   _chunked(HTML)[:-30]), "error/truncated_payload"),
    "bad_chunks": (_response(16, OK, [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
                             _chunked(HTML).replace(b"\r\n14\r\n", b"\r\nzz\r\n", 1)), "error/bad_chunked_encoding"),
    "empty": (_response(17, OK, [("Content-Type", "text/html")], b"  \r\n"), "skipped/empty_payload"),
    "binary_as_html": (_response(18, OK, [("Content-Type", "text/html")], bytes(range(32)) * 40),
                       "error/undecodable_payload"),
    "bomb": (_response(19, OK, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                       gzip.compress(b"<p>" + b"a" * 3_000_000)), "skipped/decompression_bomb"),
    "unknown_encoding": (_response(20, OK, [("Content-Type", "text/html"), ("Content-Encoding", "compress")],
                                   b"\x1f\x9d\x90binary"), "error/unsupported_content_encoding"),
    "no_target_uri": (_response(21, OK, [("Content-Type", "text/html")], HTML, url=""),
                      "error/missing_target_uri"),
    "malformed_date": (_response(22, OK, [("Content-Type", "text/html")], HTML, date="sometime in 2024"), "page"),
    "stored_decoded": (_response(23, OK, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], HTML),
                       "page"),
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    path = tmp_path_factory.mktemp("payloads") / "payloads.warc.gz"
    path.write_bytes(b"".join(record for record, _ in CASES.values()))
    rejects = ListRejects()
    stats = DictStats()
    pages = list(iter_input(str(path), stats, InputOptions(max_payload_bytes=2_000_000), rejects))
    return pages, stats, rejects


def test_each_response_ends_where_expected(crawl):
    pages, stats, rejects = crawl
    urls = {f"http://site.example/{i + 1}": name for i, name in enumerate(CASES)}
    outcomes = {urls[p.url]: "page" for p in pages}
    for reject in rejects.items:
        name = urls.get(reject.url, "no_target_uri")
        assert name not in outcomes, name
        outcomes[name] = reject.reason
    assert outcomes == {name: expected for name, (_, expected) in CASES.items()}
    assert stats["read/records"] == len(CASES) == stats["read/forwarded"] + len(rejects.items)


def test_decoded_bodies(crawl):
    pages, _, _ = crawl
    by_name = {p.url.rsplit("/", 1)[1]: p for p in pages}
    assert by_name["1"].body == HTML * 50  # de-chunked, then inflated
    assert by_name["2"].body == HTML  # brotli
    assert by_name["1"].http_charset == "utf-8"
    cut = by_name["14"].body  # the crawler said it cut the payload: what is there is kept
    assert cut and (HTML * 50).startswith(cut) and len(cut) < len(HTML) * 50
    assert by_name["23"].body == HTML  # said gzip, stored decoded


def test_counters_by_reason_and_type(crawl):
    _, stats, _ = crawl
    assert stats["read/skipped/non_html"] == 4
    assert (stats["read/non_html/pdf"], stats["read/non_html/image"], stats["read/non_html/script"]) == (2, 1, 1)
    assert stats["read/error/truncated_payload"] == 2
    assert stats["read/warning/malformed_date"] == 1


def test_malformed_date_leaves_an_empty_crawl_date(crawl):
    pages, _, _ = crawl
    (page,) = [p for p in pages if p.url.endswith("/22")]
    assert page.crawl_date == "" and page.record_id.endswith("000000000022>")
