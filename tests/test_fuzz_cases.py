"""Fuzz case generators: from a ``random.Random`` and the real material to one :class:`FuzzCase` per target.

The material (:class:`FuzzMaterial`) is built once from ``shared/data``:
the split archive records, the HTTP payloads of the responses, and the
decoded HTML of the pages the reader forwards. Generators are plain
functions of a ``Random``, so the Hypothesis tests (``st.randoms``) and the
seeded loop of ``bench/fuzz_inputs.py`` produce cases the same way.

This module is also the tests that the generators reach every target.
"""

from __future__ import annotations

import encodings.aliases
import functools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from thresher.io.charset import _WHATWG_ALIASES, decode_html
from thresher.io.inputs import iter_input
from thresher.stats import NullStats

from test_fuzz_checks import FuzzCase
from test_fuzz_mutators import (
    BYTE_MUTATORS,
    CONTENT_ENCODINGS,
    META_CHARSETS,
    bomb,
    build_archive,
    chunk,
    content_encode,
)
from test_fuzz_seeds import SeedRecord, http_bodies, load_seed_records

#: Every charset label Python or a browser knows, and the codecs that are no charset at all
#: (base64, rot13...), which a hostile page can still name in its headers or meta tag.
CHARSET_LABELS: tuple[str, ...] = tuple(sorted(
    set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()) | set(_WHATWG_ALIASES)
    | {label.decode() for label in META_CHARSETS}
    | {"utf-8", "UTF-8", " utf-8 ", "'utf-8'", "x-user-defined", "unicode-1-1-utf-7", "", "\x00", "utf-8\x00"}
))

#: Content-Encoding values: real, stacked, unknown and charset-like ones servers send by mistake.
ENCODING_LABELS: tuple[str, ...] = tuple(e.decode("latin-1") for e in CONTENT_ENCODINGS) + (
    "utf-8", "binary", "none", "deflate ", " gzip", "x-deflate", "identity, gzip", "zstd,gzip",
)

#: HTML mutations that stress a parser's structure rather than its bytes.
_NESTING_BOMBS = ("<div>", "<table><tr><td>", "<ul><li>", "<b><i>", "<p>", "<span>", "<svg>", "<math>")
_HOSTILE_SNIPPETS = (
    "\x00", "\x0b\x0c\x1b", "\ufeff", "\ud800", "\udfff", "\U0010ffff", "<!--", "-->", "<![CDATA[", "]]>",
    "<script>", "</script>", "<style>", "<?xml version='1.0'?>", "<!DOCTYPE html [<!ENTITY a 'aaaa'>]>",
    "&#0;", "&#xD800;", "&#99999999999;", "&" * 50, "<" * 50, "<a href='" + "x" * 10_000 + "'>",
    "<html><html><body><body>", "</html></body>", "<base href='javascript:'>", "<meta charset=base64>",
)


@dataclass(frozen=True)
class FuzzMaterial:
    """The real data the generators start from."""

    seeds: list[SeedRecord]
    #: HTTP payloads of the real responses (still transfer/content encoded).
    bodies: list[bytes]
    #: Decoded HTML of the real pages the reader forwards (each cut to 100,000 characters).
    pages: list[tuple[str, str]]

    def __repr__(self) -> str:  # Hypothesis prints fixtures in failure reports: keep it to a line
        return f"FuzzMaterial({len(self.seeds)} records, {len(self.bodies)} payloads, {len(self.pages)} pages)"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # Hypothesis's printer would list every field
        printer.text(repr(self))


@functools.lru_cache(maxsize=2)
def load_material(data_dir: Path) -> FuzzMaterial:
    """Built once per process (each fuzz module asks for it); callers must not mutate it."""
    seeds = load_seed_records(data_dir)
    pages = []
    for path in sorted(data_dir.glob("warc-*/*.*")):
        if path.suffix in (".json", ".txt"):
            continue
        for page in iter_input(str(path), NullStats()):
            body = getattr(page, "body", None)
            if body is not None:
                pages.append((page.url, decode_html(body, page.http_charset)[0][:100_000]))
    return FuzzMaterial(seeds, http_bodies(seeds), pages)


def _mutate_bytes(rng: random.Random, data: bytes, rounds: tuple[int, ...] = (0, 1, 1, 2, 3)) -> bytes:
    for _ in range(rng.choice(rounds)):
        data = rng.choice(BYTE_MUTATORS)(rng, data)
    return data


def _label(rng: random.Random, labels: tuple[str, ...]) -> str | None:
    pick = rng.random()
    if pick < 0.15:
        return None
    if pick < 0.25:
        return "".join(chr(rng.randrange(1, 0x250)) for _ in range(rng.randint(0, 12)))  # any text at all
    return rng.choice(labels)


def gen_read(rng: random.Random, material: FuzzMaterial) -> FuzzCase:
    data, suffix = build_archive(rng, material.seeds)
    return FuzzCase("read", data, {"suffix": suffix})


def gen_decode_html(rng: random.Random, material: FuzzMaterial) -> FuzzCase:
    source = rng.random()
    if source < 0.4:
        body = rng.choice(material.bodies)
    elif source < 0.8:
        # A real page re-encoded in some charset, its meta tag sometimes naming another (or no charset).
        _, html = rng.choice(material.pages)
        codec = rng.choice(("utf-8", "cp1252", "utf-16", "euc_jp", "shift_jis", "gb18030", "koi8_r", "utf-32"))
        body = html[: rng.randint(0, 20_000)].encode(codec, errors="replace")
        if rng.random() < 0.5:
            body = b'<meta charset="' + rng.choice(CHARSET_LABELS).encode("utf-8", "replace") + b'">' + body
    else:
        body = rng.randbytes(rng.randint(0, 2048))
    return FuzzCase("decode_html", _mutate_bytes(rng, body), {"http_charset": _label(rng, CHARSET_LABELS)})


def gen_dechunk(rng: random.Random, material: FuzzMaterial) -> FuzzCase:
    body = rng.choice(material.bodies)[: rng.randint(0, 30_000)]
    if rng.random() < 0.8:
        body = chunk(rng, body, honest=rng.random() < 0.5)
    return FuzzCase("dechunk", _mutate_bytes(rng, body))


def _encoded_body(rng: random.Random, material: FuzzMaterial, encoding: str | None) -> bytes:
    raw = rng.choice(material.bodies)[: rng.randint(0, 50_000)]
    label = (encoding or "").strip().lower().encode("latin-1", "replace")
    if rng.random() < 0.1:
        return bomb(label if label in (b"br", b"zstd") else b"gzip", rng.choice((10_000, 300_000, 2_000_000)))
    if rng.random() < 0.8:
        raw = content_encode(rng, raw, label)
    return _mutate_bytes(rng, raw)


def gen_decode_content(rng: random.Random, material: FuzzMaterial) -> FuzzCase:
    encoding = _label(rng, ENCODING_LABELS)
    params = {"encoding": encoding, "max_bytes": rng.choice((1, 100, 10_000, 1 << 20)),
              "allow_truncated": rng.random() < 0.3}
    return FuzzCase("decode_content", _encoded_body(rng, material, encoding), params)


def gen_decode_payload(rng: random.Random, material: FuzzMaterial) -> FuzzCase:
    encoding = _label(rng, ENCODING_LABELS)
    body = _encoded_body(rng, material, encoding)
    transfer = rng.choice((None, "chunked", "CHUNKED", "gzip, chunked", "identity", "chunked\x00"))
    if transfer and rng.random() < 0.7:
        body = _mutate_bytes(rng, chunk(rng, body, honest=rng.random() < 0.6), rounds=(0, 0, 1))
    params = {"transfer_encoding": transfer, "content_encoding": encoding,
              "max_bytes": rng.choice((100, 10_000, 1 << 20)), "allow_truncated": rng.random() < 0.3}
    return FuzzCase("decode_payload", body, params)


def mutate_html(rng: random.Random, html: str) -> str:
    """0-3 structural or byte mutations of a page's HTML."""
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        at = rng.randrange(len(html) + 1)
        kind = rng.randrange(6)
        if kind == 0:
            html = html[:at] + rng.choice(_NESTING_BOMBS) * rng.choice((100, 3_000, 50_000)) + html[at:]
        elif kind == 1:
            html = html[:at] + rng.choice(_HOSTILE_SNIPPETS) * rng.randint(1, 5) + html[at:]
        elif kind == 2:
            html = html.replace("</", "<", rng.randint(1, 500))  # closing tags turned into opening ones
        elif kind == 3:
            html = html[:at]  # cut
        elif kind == 4:
            # Bytes damage, then a decoding that keeps undecodable bytes as lone surrogates.
            html = _mutate_bytes(rng, html.encode("utf-8", "surrogatepass"), (1,)).decode("utf-8", "surrogateescape")
        else:
            html = html[:at] + html[at:at + rng.randint(1, 5_000)] * rng.randint(2, 20) + html[at:]
    return html


def gen_extract(rng: random.Random, material: FuzzMaterial) -> FuzzCase:
    url, html = rng.choice(material.pages)
    html = mutate_html(rng, html[: rng.choice((2_000, 20_000, 100_000))])
    url = rng.choice((url, url, "", "not a url", "http://\udcff/"))
    return FuzzCase("extract", html.encode("utf-8", "surrogatepass"), {"url": url})


GENERATORS: dict[str, Callable[[random.Random, FuzzMaterial], FuzzCase]] = {
    "read": gen_read,
    "decode_html": gen_decode_html,
    "dechunk": gen_dechunk,
    "decode_content": gen_decode_content,
    "decode_payload": gen_decode_payload,
    "extract": gen_extract,
}


# --- tests of the generators ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def material(shared_data: Path) -> FuzzMaterial:
    return load_material(shared_data)


def test_material_holds_real_pages_and_payloads(material):
    assert len(material.pages) >= 40 and len(material.bodies) >= 40
    assert all(url.startswith("http") for url, _ in material.pages)


def test_charset_labels_include_the_codecs_that_are_no_charsets():
    assert {"base64", "rot13", "undefined", "utf-16", "euc-jp"} <= set(CHARSET_LABELS)


@pytest.mark.parametrize("target", sorted(GENERATORS))
def test_generators_make_varied_cases_of_their_target(material, target):
    cases = [GENERATORS[target](random.Random(seed), material) for seed in range(20)]
    assert {case.target for case in cases} == {target}
    assert len({case.digest() for case in cases}) >= 15
    # Every case survives the trip through the corpus format.
    assert all(FuzzCase.from_json(case.to_json()) == case for case in cases)
