"""Charset decoding order and HTTP payload decoding, on crafted bytes."""

from __future__ import annotations

import gzip
import zlib

import pytest

from thresher.io.charset import decode_html, normalize_charset
from thresher.io.http import PayloadError, decode_content, decode_payload, dechunk

CP1252_TEXT = "“Café” costs 5 € — naïve Müller"


def test_meta_charset_windows_1252():
    html = f'<html><head><meta charset="windows-1252"></head><body>{CP1252_TEXT}</body></html>'
    text, charset = decode_html(html.encode("cp1252"))
    assert CP1252_TEXT in text
    assert charset == "cp1252"


def test_http_header_that_lies_falls_back_to_meta():
    html = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body>{CP1252_TEXT}</body></html>'
    text, charset = decode_html(html.encode("cp1252"), http_charset="utf-8")
    assert CP1252_TEXT in text and charset == "cp1252"


def test_latin1_label_means_windows_1252():
    assert normalize_charset("ISO-8859-1") == "cp1252"
    text, _ = decode_html("<p>€</p>".encode("cp1252"), http_charset="iso-8859-1")
    assert "€" in text


def test_shift_jis_from_meta():
    jp = "日本語のページです。東京の天気は晴れ。"
    html = f'<html><head><meta charset="Shift_JIS"></head><body>{jp}</body></html>'
    text, charset = decode_html(html.encode("shift_jis"))
    assert jp in text and charset == "cp932"


def test_bom_wins():
    text, charset = decode_html(b"\xef\xbb\xbf<p>\xc3\xa9</p>", http_charset="cp1252")
    assert text == "<p>é</p>" and charset == "utf-8"


def test_undeclared_bytes_never_raise():
    text, _ = decode_html(bytes(range(256)) * 10)
    assert isinstance(text, str) and text


def test_dechunk():
    assert dechunk(b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n") == b"hello world"
    assert dechunk(b"<html>not chunked</html>") == b"<html>not chunked</html>"


def test_content_encodings():
    body = b"<html>" + b"x" * 1000 + b"</html>"
    assert decode_content(gzip.compress(body), "gzip", 10_000) == body
    assert decode_content(zlib.compress(body), "deflate", 10_000) == body
    raw = zlib.compressobj(wbits=-15)
    assert decode_content(raw.compress(body) + raw.flush(), "deflate", 10_000) == body
    # Declared gzip but stored decoded: keep the bytes.
    assert decode_content(body, "gzip", 10_000) == body


def test_brotli():
    brotli = pytest.importorskip("brotli")
    body = b"<p>brotli</p>" * 10
    assert decode_content(brotli.compress(body), "br", 10_000) == body


def test_decompression_bomb_is_refused():
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(PayloadError) as info:
        decode_content(bomb, "gzip", 1_000_000)
    assert info.value.reason == "decompression_bomb"


# --- charsets the way real servers get them wrong ------------------------------------------------

JP_TEXT = "日本語のページです。東京の天気は晴れ、気温は二十度です。"


def test_shift_jis_from_http_header_only():
    html = f"<html><body><p>{JP_TEXT}</p></body></html>"
    text, charset = decode_html(html.encode("shift_jis"), http_charset="Shift_JIS")
    assert JP_TEXT in text and charset == "cp932"


def test_windows_1252_page_whose_header_says_utf8_and_has_no_meta():
    body = (
        "<html><body><p>Le café de la gare propose un menu à 15 € : crème brûlée, "
        "pâté et thé. « Très bien », dit le garçon ; l’addition arrive — déjà.</p></body></html>"
    ).encode("cp1252")
    text, charset = decode_html(body, http_charset="utf-8")
    assert "crème brûlée" in text and "15 €" in text and "l’addition" in text
    assert "\ufffd" not in text
    assert charset == "cp1252"


def test_latin1_server_default_over_utf8_body_is_read_as_utf8():
    body = "<html><body><p>Straße, Größe, naïve café — “quoted”</p></body></html>".encode("utf-8")
    text, charset = decode_html(body, http_charset="ISO-8859-1")
    assert "Straße, Größe, naïve café — “quoted”" in text and charset == "utf-8"


def test_utf8_page_with_one_broken_byte_stays_utf8():
    body = ("<p>" + "Ελληνικά κείμενα και ρωσικά: Русский текст. " * 20 + "</p>").encode("utf-8")
    cut = body.find(b" ", 200)
    body = body[:cut] + b"\xff" + body[cut:]
    text, charset = decode_html(body)
    assert charset == "utf-8" and "Русский текст" in text and text.count("\ufffd") == 1


def test_xml_declaration_names_the_charset():
    body = '<?xml version="1.0" encoding="windows-1251"?><html><body>Привет, мир</body></html>'.encode("cp1251")
    text, charset = decode_html(body)
    assert "Привет, мир" in text and charset == "cp1251"


def test_meta_utf16_on_an_ascii_readable_page_means_utf8():
    body = '<html><head><meta charset="utf-16"></head><body>café</body></html>'.encode("utf-8")
    text, charset = decode_html(body)
    assert "café" in text and charset == "utf-8"


def test_common_crawl_pages_decode_as_common_crawl_detected(shared_data):
    import json

    from thresher.io.inputs import iter_input
    from thresher.stats import DictStats

    labels = {
        r["response_record_id"]: r["charset_detected"]
        for r in json.loads((shared_data / "warc-resiliparse/cc_metadata_lid.json").read_text())["records"]
    }
    pages = list(iter_input(str(shared_data / "warc-resiliparse/warcfile.warc.gz"), DictStats()))
    assert len(pages) == 16
    for page in pages:
        text, charset = decode_html(page.body, page.http_charset)
        # GB2312/GBK are subsets of GB18030; ISO-8859-1 is read as its superset windows-1252.
        assert normalize_charset(labels[page.record_id]) in {charset, normalize_charset(charset)}, page.url
        assert "\ufffd" not in text[:5000], page.url


# --- HTTP payloads that are broken or cut short ------------------------------------------------

def test_chunked_with_lf_only_lines():
    assert dechunk(b"5\nhello\n6\n world\n0\n\n") == b"hello world"


def test_bad_chunk_size_mid_stream_is_an_error():
    with pytest.raises(PayloadError) as info:
        dechunk(b"5\r\nhello\r\nzz\r\n world\r\n0\r\n\r\n")
    assert info.value.reason == "bad_chunked_encoding"


def test_chunk_stream_without_last_chunk_is_truncated():
    with pytest.raises(PayloadError) as info:
        dechunk(b"5\r\nhello\r\n6\r\n wor")
    assert info.value.reason == "truncated_payload"
    assert decode_payload(b"5\r\nhello\r\n6\r\n wor", "chunked", None, 1000, allow_truncated=True) == b"hello wor"


def test_truncated_gzip_is_an_error_unless_the_crawler_said_so():
    body = gzip.compress(b"<html>" + bytes(range(256)) * 100 + b"</html>")[:-100]
    with pytest.raises(PayloadError) as info:
        decode_content(body, "gzip", 1_000_000)
    assert info.value.reason == "truncated_payload"
    partial = decode_content(body, "gzip", 1_000_000, allow_truncated=True)
    assert partial.startswith(b"<html>") and len(partial) > 1000


def test_corrupt_gzip_is_an_error():
    body = bytearray(gzip.compress(bytes(range(256)) * 100))
    body[30:60] = b"\xff" * 30
    with pytest.raises(PayloadError) as info:
        decode_content(bytes(body), "gzip", 1_000_000)
    assert info.value.reason in ("bad_content_encoding", "truncated_payload")


def test_truncated_brotli_is_an_error():
    brotli = pytest.importorskip("brotli")
    body = brotli.compress(bytes(range(256)) * 200)[:-20]
    with pytest.raises(PayloadError) as info:
        decode_content(body, "br", 1_000_000)
    assert info.value.reason == "truncated_payload"


def test_zstd_content_encoding():
    zstandard = pytest.importorskip("zstandard")
    body = b"<p>zstd</p>" * 50
    assert decode_content(zstandard.ZstdCompressor().compress(body), "zstd", 10_000) == body


def test_unknown_content_encoding():
    with pytest.raises(PayloadError) as info:
        decode_content(b"\x00\x01binary", "compress", 10_000)
    assert info.value.reason == "unsupported_content_encoding"
