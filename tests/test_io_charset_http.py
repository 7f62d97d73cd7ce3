"""Charset decoding order and HTTP payload decoding, on crafted bytes."""

from __future__ import annotations

import gzip
import zlib

import pytest

from thresher.io.charset import decode_html, normalize_charset
from thresher.io.http import PayloadError, decode_content, dechunk

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
