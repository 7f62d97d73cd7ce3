"""Decode HTML bytes to text: BOM, then HTTP charset, then ``<meta>``/XML declaration, then detection.

Each declared charset is tried strictly in that order and the first that
decodes wins, so a page whose HTTP header lies (says utf-8, sends
windows-1252) still decodes correctly from its meta tag or by detection.
Labels are mapped the way browsers (WHATWG Encoding) map them: latin-1 and
ascii mean windows-1252, shift_jis means its Microsoft superset cp932, and a
``<meta>`` that says utf-16 means utf-8 (a page whose meta tag is readable as
ASCII is not UTF-16).

Two lies are common enough to undo before trusting a declaration:

* a server default of latin-1/windows-1252 over a body that is valid UTF-8
  with multi-byte sequences (accidental valid UTF-8 from windows-1252 text is
  vanishingly rare), so such bodies are read as UTF-8;
* a UTF-8 page with a few broken bytes (a cut multi-byte sequence): when valid
  multi-byte sequences far outnumber the broken ones it is read as UTF-8 with
  replacement characters rather than handed to detection, which would guess.
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
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)

# A valid UTF-8 multi-byte sequence (2, 3 or 4 bytes).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_ASCII_BYTES = bytes(range(0x80))

# Single-byte legacy charsets that servers declare by default, whatever the page holds.
_DEFAULT_SERVER_CHARSETS = frozenset({"cp1252", "latin_1", "iso8859-15", "ascii"})

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
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it (headers carry anything)
        return None
    # A hostile header or meta tag can name any Python codec: bytes-to-bytes ones (base64, zlib, hex...)
    # and str-to-str ones (rot13) are no charsets and make bytes.decode raise LookupError, and
    # ``undefined`` always raises. ``_is_text_encoding`` is the flag bytes.decode itself checks.
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        return None
    return info.name


def meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta>`` tag or an XML declaration names in the first 4 KB."""
    head = body[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.match(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(body: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Return ``(text, charset used)``; never raises on any bytes."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace"), name
    tried: set[str] = set()
    meta_name = normalize_charset(meta_charset(body))
    if meta_name is not None and meta_name.startswith("utf-16"):
        meta_name = "utf-8"
    for name in (normalize_charset(http_charset), meta_name):
        if name is None or name in tried:
            continue
        tried.add(name)
        if name in _DEFAULT_SERVER_CHARSETS and _is_multibyte_utf8(body):
            return body.decode("utf-8"), "utf-8"
        try:
            return body.decode(name), name
        except UnicodeError:  # UnicodeDecodeError, and the plain UnicodeError of punycode ("incomplete punicode string")
            continue
    if "utf-8" not in tried:
        # Valid UTF-8 is read as such whatever comes next: checking it first skips _mostly_utf8's
        # scan of the whole body (a regex over every byte, ~7 ms on a 300 KB page).
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            tried.add("utf-8")
    if _mostly_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8"
    return _detect_and_decode(body, tried)


def _is_multibyte_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(body: bytes) -> bool:
    """Valid UTF-8 but for a few broken bytes (at least 20 good multi-byte sequences per bad byte)."""
    high = len(body.translate(None, _ASCII_BYTES))
    if not high:
        return False
    multibyte = _UTF8_MULTIBYTE.findall(body)
    good_bytes = sum(len(m) for m in multibyte)
    bad_bytes = high - good_bytes
    return bad_bytes > 0 and len(multibyte) >= 20 * bad_bytes


def _detect_and_decode(body: bytes, tried: set[str]) -> tuple[str, str]:
    if "utf-8" not in tried:
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    name = _detect(body)
    if name is not None:
        return body.decode(name, errors="replace"), name
    return body.decode("cp1252", errors="replace"), "cp1252"


# Close calls between single-byte code pages go to windows-1252, the web's most common legacy
# charset (and the WHATWG fallback for Western locales): a short French page otherwise comes out
# as Baltic cp1257 ("crčme brūlée").
_WESTERN_PRIOR_CHAOS = 5.0
_TAGS = re.compile(rb"<[^>]{0,2000}>")


def _detect(body: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # detection is a best effort
        return None
    # Markup is ASCII and says nothing about the charset: detect on the text between tags.
    sample = _TAGS.sub(b" ", body[:400_000])[:200_000]
    matches = from_bytes(sample)
    best = matches.best()
    if best is None or not best.encoding:
        return None
    if best.encoding != "cp1252" and _single_byte(best.encoding):
        for match in matches:
            if "cp1252" in (match.encoding, *match.could_be_from_charset):
                if match.percent_chaos <= best.percent_chaos + _WESTERN_PRIOR_CHAOS:
                    return "cp1252"
                break
    return best.encoding


def _single_byte(name: str) -> bool:
    try:
        return codecs.lookup(name).name.startswith(("cp12", "iso8859", "mac_", "cp7", "cp8", "latin", "koi8"))
    except LookupError:
        return False
