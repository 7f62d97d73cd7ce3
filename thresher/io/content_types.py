"""Which payloads are HTML, and a short family name for the ones that are not.

Skipped payloads are counted as ``read/skipped/non_html/<family>`` (pdf,
image, script...) so a run's stats show what the crawl held besides pages.
A missing or generic type (``application/octet-stream``, XML) is decided by
sniffing the first bytes, the way browsers do.
"""

from __future__ import annotations

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml+xhtml", "application/vnd.wap.xhtml+xml"})

# Types that say nothing reliable about the bytes: the body decides.
_SNIFFED_TYPES = frozenset(
    {"", "application/octet-stream", "unknown/unknown", "application/unknown", "text/xml", "application/xml",
     "application/x-unknown-content-type", "binary/octet-stream"}
)

_FAMILIES = (
    ("application/pdf", "pdf"),
    ("application/x-pdf", "pdf"),
    ("image/", "image"),
    ("video/", "video"),
    ("audio/", "audio"),
    ("font/", "font"),
    ("application/font", "font"),
    ("application/x-font", "font"),
    ("text/css", "css"),
    ("text/javascript", "script"),
    ("application/javascript", "script"),
    ("application/x-javascript", "script"),
    ("application/ecmascript", "script"),
    ("application/json", "json"),
    ("application/ld+json", "json"),
    ("text/plain", "text"),
    ("text/csv", "text"),
    ("application/rss+xml", "feed"),
    ("application/atom+xml", "feed"),
    ("text/xml", "xml"),
    ("application/xml", "xml"),
    ("application/zip", "archive"),
    ("application/gzip", "archive"),
    ("application/x-gzip", "archive"),
    ("application/x-tar", "archive"),
    ("application/msword", "office"),
    ("application/vnd.", "office"),
    ("application/octet-stream", "binary"),
)


def mime_type(header_value: str | None) -> str:
    """``text/html; charset=utf-8`` → ``text/html`` (lower case, parameters dropped)."""
    return (header_value or "").split(";", 1)[0].strip().lower()


def family(mime: str) -> str:
    for prefix, name in _FAMILIES:
        if mime.startswith(prefix):
            return name
    return "other" if mime else "unknown"


def needs_sniffing(mime: str) -> bool:
    return mime in _SNIFFED_TYPES


def looks_like_html(body: bytes) -> bool:
    # Browsers sniff the first 512 bytes for a tag; 1 KB also covers a leading BOM and comments.
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return True
    return b"<html" in head or (head.startswith(b"<?xml") and b"xhtml" in head)
