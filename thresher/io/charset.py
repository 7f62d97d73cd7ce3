"""Decode HTML bytes to text: BOM, then HTTP charset, then ``<meta>``, then detection.

Each declared charset is tried strictly in that order and the first that
decodes wins, so a page whose HTTP header lies (says utf-8, sends
windows-1252) still decodes correctly from its meta tag or by detection.
Labels are mapped the way browsers (WHATWG Encoding) map them: latin-1 and
ascii mean windows-1252, shift_jis means its Microsoft superset cp932.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# The first 4 KB are enough: HTML requires the meta charset within the first 1024 bytes.
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)

_WHATWG_ALIASES = {
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "euc-jp": "euc_jis_2004",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
}


def normalize_charset(label: str | None) -> str | None:
    """Map a declared charset label to a Python codec name, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Return ``(text, charset used)``; never raises on any bytes."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace"), name
    tried: set[str] = set()
    for label in (http_charset, meta_charset(body)):
        name = normalize_charset(label)
        if name is None or name in tried:
            continue
        tried.add(name)
        try:
            return body.decode(name), name
        except UnicodeDecodeError:
            continue
    return _detect_and_decode(body, tried)


def _detect_and_decode(body: bytes, tried: set[str]) -> tuple[str, str]:
    if "utf-8" not in tried:
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            return body.decode(best.encoding, errors="replace"), best.encoding
    except ImportError:  # detection is a best effort; fall through to cp1252
        pass
    return body.decode("cp1252", errors="replace"), "cp1252"
