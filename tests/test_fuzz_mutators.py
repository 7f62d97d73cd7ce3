"""Mutations of real archive records: the hostile inputs the fuzzers feed the readers.

Every mutator takes a ``random.Random`` and bytes and returns new bytes, so
the same code serves the bounded fuzz tests (Hypothesis hands over a
``Random`` it controls, and shrinks) and ``bench/fuzz_inputs.py`` (a seeded
``Random`` for long runs).

Three layers, because a parser fails at a layer:

* WARC record headers: bad/huge/negative ``Content-Length``, unknown record
  types, garbage target URIs and dates, broken version lines, LF-only lines;
* HTTP heads and payloads inside response records: broken status lines, wrong
  ``Transfer-Encoding``/``Content-Encoding``, bad chunk sizes, truncated or
  bomb-sized compressed bodies, lying charsets;
* bytes: flips, truncations, insertions, deletions, duplications, then whole
  files assembled from duplicated, shuffled and concatenated records under
  every container the reader meets (plain, per-record and whole-file gzip,
  per-record and whole-file zstd, bz2, xz), with the compressed bytes themselves damaged too.

This module is also the tests that the mutators do what their names say.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import random
import zlib
from typing import Callable

import pytest

from test_fuzz_seeds import SeedRecord

Mutator = Callable[[random.Random, bytes], bytes]

# --- byte level ----------------------------------------------------------------------------------

_INTERESTING_BYTES = (b"\x00", b"\xff", b"\r", b"\n", b"\r\n", b"\r\n\r\n", b":", b";", b"<", b"\x1f\x8b\x08",
                      b"WARC/1.0\r\n", b"HTTP/1.1 200 OK\r\n", b"0\r\n\r\n", b"\xef\xbb\xbf", b"\xfe\xff")


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8) if rng.random() < 0.7 else rng.randrange(1, 256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert_bytes(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    if rng.random() < 0.5:
        piece = rng.choice(_INTERESTING_BYTES)
    else:
        piece = rng.randbytes(rng.randint(1, 64))
    return data[:at] + piece + data[at:]


def delete_range(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 256):]


def duplicate_range(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    piece = data[start:start + rng.randint(1, 512)]
    return data[:start] + piece * rng.randint(2, 4) + data[start + len(piece):]


BYTE_MUTATORS: tuple[Mutator, ...] = (flip_bytes, truncate, insert_bytes, delete_range, duplicate_range)


# --- record structure ----------------------------------------------------------------------------


def split_head(data: bytes) -> tuple[list[bytes], bytes, bytes] | None:
    """``(header lines, line ending, rest)`` of a header block ended by a blank line, or None."""
    ends = [(at, sep) for sep in (b"\r\n\r\n", b"\n\n") if (at := data.find(sep)) >= 0]
    if not ends:
        return None
    at, sep = min(ends)
    eol = sep[: len(sep) // 2]
    return data[:at].split(eol), eol, data[at + len(sep):]


def join_head(lines: list[bytes], eol: bytes, rest: bytes) -> bytes:
    return eol.join(lines) + eol + eol + rest


def set_header(lines: list[bytes], name: bytes, value: bytes) -> list[bytes]:
    """``lines`` with header ``name`` set to ``value`` (replaced in place, else appended)."""
    key = name.lower() + b":"
    out = [line for line in lines]
    for i, line in enumerate(out[1:], 1):
        if line.lower().startswith(key):
            out[i] = name + b": " + value
            return out
    return out + [name + b": " + value]


def get_header(lines: list[bytes], name: bytes) -> bytes | None:
    key = name.lower() + b":"
    for line in lines[1:]:
        if line.lower().startswith(key):
            return line[len(key):].strip()
    return None


_HUGE_LENGTHS = (b"1000000000000", b"9223372036854775807", b"9223372036854775808", b"18446744073709551621",
                 b"1" + b"0" * 40, b"-1", b"-9223372036854775808", b"", b"abc", b"0x10", b" 12 ", b"1e3", b"+5",
                 b"\xff\xfe", b"0")
_RECORD_TYPES = (b"response", b"resource", b"conversion", b"request", b"metadata", b"revisit", b"warcinfo",
                 b"continuation", b"RESPONSE", b"", b"x" * 300, b"\x00response")
_TARGET_URIS = (b"", b"<>", b"<http://example.com/", b"http://", b"https://\xff\xfe/\x00", b"javascript:alert(1)",
                b"http://" + b"a" * 20_000, b"  http://example.com/  ", b"\xc3\x28", b"<<http://x/>>")
_DATES = (b"", b"2008-10-294T10:00:00Z", b"9999-99-99T99:99:99Z", b"0000-00-00", b"yesterday",
          b"2020-02-30T00:00:00Z", b"2020-08-08T17:00:00.123456789Z", b"\xff" * 10, b"-1", b"1" * 100)
_VERSION_LINES = (b"WARC/0.18", b"WARC/0.17", b"WARC/9.9", b"WARC/", b"WARX/1.0", b"WARC/1.0 extra", b"warc/1.0",
                  b"WARC/1.0\x00", b"WARC/1.1\r", b"")


def mutate_warc_header(rng: random.Random, record: bytes) -> bytes:
    """One WARC header field made hostile; the block is left as it is."""
    parts = split_head(record)
    if parts is None:
        return insert_bytes(rng, record)
    lines, eol, rest = parts
    choice = rng.randrange(12)
    if choice == 0:
        lines = set_header(lines, b"Content-Length", rng.choice(_HUGE_LENGTHS))
    elif choice == 1:
        length = get_header(lines, b"Content-Length")
        declared = int(length) if length and length.isdigit() else len(rest)
        delta = rng.choice((-1, 1)) * rng.choice((1, 2, 3, 4, 100, 1000, 100_000))
        lines = set_header(lines, b"Content-Length", str(max(declared + delta, 0)).encode())
    elif choice == 2:
        lines = set_header(lines, b"WARC-Type", rng.choice(_RECORD_TYPES))
    elif choice == 3:
        lines = set_header(lines, b"WARC-Target-URI", rng.choice(_TARGET_URIS))
    elif choice == 4:
        lines = set_header(lines, b"WARC-Date", rng.choice(_DATES))
    elif choice == 5:
        lines = set_header(lines, b"WARC-Truncated", rng.choice((b"length", b"time", b"", b"disconnect")))
    elif choice == 6:
        lines[0] = rng.choice(_VERSION_LINES)
    elif choice == 7 and len(lines) > 1:
        del lines[rng.randrange(1, len(lines))]
    elif choice == 8 and len(lines) > 1:
        at = rng.randrange(1, len(lines))
        lines.insert(at, lines[at])
    elif choice == 9:
        garbage = rng.choice((b"no colon here", b": empty name", b"X-Long: " + b"v" * 70_000, b"X\x00Nul: 1",
                              b" folded continuation", b"WARC-Type:", b"\xff\xfe: \x80"))
        lines.insert(rng.randrange(1, len(lines) + 1), garbage)
    elif choice == 10:
        lines = set_header(lines, b"WARC-Identified-Payload-Type",
                           rng.choice((b"text/html", b"application/xhtml+xml", b"image/png", b"", b";;")))
    else:
        eol = b"\n" if eol == b"\r\n" else b"\r\n"  # the other line ending (WARC/0.18 writers use LF)
    return join_head(lines, eol, rest)


def with_content_length(record: bytes) -> bytes:
    """``record`` with its WARC Content-Length set to the block's real length (after a block mutation)."""
    parts = split_head(record)
    if parts is None:
        return record
    lines, eol, rest = parts
    block = rest.rstrip(b"\r\n") if rest.endswith(b"\r\n\r\n") or rest.endswith(b"\n\n") else rest
    trailer = rest[len(block):]
    return join_head(set_header(lines, b"Content-Length", str(len(block)).encode()), eol, block + trailer)


_STATUS_LINES = (b"HTTP/1.1 200", b"HTTP/1.1 2000 OK", b"HTTP/1.1 -1 X", b"HTTP/1.1 OK", b"HTTP/9 200 OK",
                 b"ICY 200 OK", b"HTTP/1.1 200 OK\x00", b"", b"garbage", b"HTTP/1.1 99999999999999999999 OK",
                 b"HTTP/1.0 301 Moved", b"HTTP/1.1  200  OK")
CONTENT_ENCODINGS = (b"gzip", b"x-gzip", b"deflate", b"br", b"zstd", b"identity", b"compress", b"gzip, br",
                      b"GZIP", b"", b"\xff")
_CONTENT_TYPES = (b"text/html", b"text/html; charset=utf-8", b"text/html; charset=base64",
                  b"text/html; charset=rot13", b"text/html; charset=undefined", b"text/html; charset=utf-16",
                  b"text/html; charset=\"\"", b"text/html; charset=x-unknown", b"text/html;;;charset==;",
                  b"application/octet-stream", b"", b"image/png", b"text/html; charset=idna",
                  b"text/html; charset=hex", b"text/html; charset=zlib", b"text/html; charset=unicode_escape",
                  b"application/xhtml+xml; charset=utf-32", b"text/xml", b"\xff\xfe/\x00")
META_CHARSETS = (b"base64", b"rot13", b"undefined", b"utf-16", b"utf-32", b"idna", b"punycode", b"hex",
                  b"zlib_codec", b"uu", b"quopri", b"unicode_escape", b"raw_unicode_escape", b"utf-7",
                  b"euc-jp", b"shift_jis", b"x", b"utf-8-sig", b"cp65001", b"mbcs", b"bz2")


def chunk(rng: random.Random, body: bytes, *, honest: bool) -> bytes:
    """``body`` in Transfer-Encoding chunks; dishonest chunks lie about their size or miss the end."""
    out = bytearray()
    pos = 0
    while pos < len(body):
        size = min(rng.randint(1, 4096), len(body) - pos)
        out += b"%x\r\n" % size + body[pos:pos + size] + b"\r\n"
        pos += size
    out += b"0\r\n\r\n"
    if honest:
        return bytes(out)
    lie = rng.randrange(5)
    if lie == 0:
        return b"%x\r\n" % (len(body) + rng.randint(1, 1 << 20)) + body + b"\r\n0\r\n\r\n"
    if lie == 1:
        return b"ffffffffffffffff\r\n" + body
    if lie == 2:
        return b"zz\r\n" + body
    if lie == 3:
        return bytes(out[:-5])  # no last chunk
    return b"%x;ext=\xff\r\n" % max(len(body) - 1, 0) + body + b"\r\n0\r\n\r\n"


def content_encode(rng: random.Random, body: bytes, encoding: bytes) -> bytes:
    """``body`` compressed as ``encoding`` says (sometimes cut short)."""
    if encoding.lower() in (b"gzip", b"x-gzip"):
        out = gzip.compress(body, mtime=0)
    elif encoding == b"deflate":
        out = zlib.compress(body) if rng.random() < 0.5 else zlib.compress(body)[2:-4]  # zlib or raw deflate
    elif encoding == b"br":
        import brotli

        out = brotli.compress(body, quality=1)
    elif encoding == b"zstd":
        import zstandard

        out = zstandard.ZstdCompressor(level=1).compress(body)
    else:
        out = body
    if rng.random() < 0.3:
        out = out[: rng.randrange(len(out) + 1)]
    return out


def bomb(encoding: bytes, size: int) -> bytes:
    """A small body that inflates to ``size`` zero bytes (a decompression bomb past the payload cap)."""
    zeros = b"<html>" + b"\x00" * size
    if encoding == b"br":
        import brotli

        return brotli.compress(zeros, quality=1)
    if encoding == b"zstd":
        import zstandard

        return zstandard.ZstdCompressor(level=1).compress(zeros)
    return gzip.compress(zeros, mtime=0)


def mutate_http(rng: random.Random, record: bytes) -> bytes:
    """One HTTP-level mutation of a response record's block (its WARC Content-Length usually fixed up)."""
    outer = split_head(record)
    if outer is None:
        return insert_bytes(rng, record)
    warc_lines, warc_eol, block = outer
    block = block.rstrip(b"\r\n") if block.endswith((b"\r\n\r\n", b"\n\n")) else block
    inner = split_head(block)
    if inner is None:
        head, eol, body = [b"HTTP/1.1 200 OK", b"Content-Type: text/html"], b"\r\n", block
    else:
        head, eol, body = inner
    choice = rng.randrange(8)
    if choice == 0:
        head[0] = rng.choice(_STATUS_LINES)
    elif choice == 1:
        head = set_header(head, b"Transfer-Encoding", b"chunked")
        if rng.random() < 0.6:
            body = chunk(rng, body, honest=rng.random() < 0.4)
    elif choice == 2:
        encoding = rng.choice(CONTENT_ENCODINGS)
        head = set_header(head, b"Content-Encoding", encoding)
        if rng.random() < 0.7:
            body = content_encode(rng, body, encoding)
    elif choice == 3:
        encoding = rng.choice((b"gzip", b"deflate", b"br", b"zstd"))
        head = set_header(head, b"Content-Encoding", encoding)
        # Past the fuzzers' payload cap (FUZZ_MAX_PAYLOAD_BYTES) while staying a few KB on disk.
        body = bomb(encoding, rng.choice((300_000, 2_000_000)))
    elif choice == 4:
        head = set_header(head, b"Content-Type", rng.choice(_CONTENT_TYPES))
    elif choice == 5:
        meta = b'<meta charset="' + rng.choice(META_CHARSETS) + b'">'
        body = meta + body if rng.random() < 0.5 else body.replace(b"<head>", b"<head>" + meta, 1)
    elif choice == 6:
        body = rng.choice(BYTE_MUTATORS)(rng, body)
    else:
        head = [rng.choice(BYTE_MUTATORS)(rng, line) for line in head]
    record = join_head(warc_lines, warc_eol, join_head(head, eol, body) + b"\r\n\r\n")
    # Mostly keep the WARC framing honest, so the mutation reaches the HTTP layer.
    return with_content_length(record) if rng.random() < 0.85 else record


def mutate_record(rng: random.Random, record: bytes) -> bytes:
    """0-3 mutations at any layer."""
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        layer = rng.random()
        if layer < 0.35:
            record = mutate_warc_header(rng, record)
        elif layer < 0.75:
            record = mutate_http(rng, record)
        else:
            record = rng.choice(BYTE_MUTATORS)(rng, record)
    return record


# --- whole files -------------------------------------------------------------------------------

CONTAINERS = ("plain", "member_gzip", "member_gzip", "whole_gzip", "zstd", "member_zstd", "bz2", "xz")

#: The payload cap the fuzzers read with: small, so that bombs and huge declared lengths are cheap to test.
FUZZ_MAX_PAYLOAD_BYTES = 1_000_000


def build_archive(rng: random.Random, seeds: list[SeedRecord]) -> tuple[bytes, str]:
    """A mutant archive file assembled from 1-4 real records: ``(bytes, file name suffix)``."""
    fmt = "arc" if rng.random() < 0.05 else "warc"
    pool = [seed for seed in seeds if seed.fmt == fmt and len(seed.plain) < 150_000]
    picked = [rng.choice(pool) for _ in range(rng.choice((1, 1, 2, 3, 4)))]
    if len(picked) > 1 and rng.random() < 0.3:
        picked.append(picked[0])  # a duplicated record
    rng.shuffle(picked)
    container = rng.choice(CONTAINERS)
    parts = []
    for seed in picked:
        mutated = mutate_record(rng, seed.plain)
        if container == "member_zstd":
            import zstandard

            parts.append(zstandard.ZstdCompressor(level=1).compress(mutated))  # one frame per record
        elif container != "member_gzip":
            parts.append(mutated)
        elif mutated == seed.plain and seed.member is not None:
            parts.append(seed.member)  # the real member, byte-exact (the clipped one stays clipped)
        else:
            member = gzip.compress(mutated, compresslevel=rng.choice((1, 6, 9)), mtime=0)
            # Damage the compressed bytes themselves now and then.
            parts.append(rng.choice(BYTE_MUTATORS)(rng, member) if rng.random() < 0.15 else member)
        if rng.random() < 0.05:
            parts.append(rng.choice(_INTERESTING_BYTES) * rng.randint(1, 3))  # garbage between records
    data = b"".join(parts)
    if container == "whole_gzip":
        data = gzip.compress(data, compresslevel=1, mtime=0)
    elif container == "zstd":
        import zstandard

        data = zstandard.ZstdCompressor(level=1).compress(data)
    elif container == "bz2":
        data = bz2.compress(data, compresslevel=1)
    elif container == "xz":
        data = lzma.compress(data, preset=0)
    if rng.random() < 0.2:
        data = rng.choice(BYTE_MUTATORS)(rng, data)
    suffix = {"plain": "", "member_gzip": ".gz", "whole_gzip": ".gz", "zstd": ".zst", "member_zstd": ".zst",
              "bz2": ".bz2", "xz": ".xz"}[container]
    # The name breaks ties in format detection: sometimes it says the truth, sometimes nothing.
    name = rng.choice((f".{fmt}{suffix}", f".{fmt}{suffix}", ".bin", ".wet" + suffix))
    return data, name


# --- tests of the mutators ------------------------------------------------------------------------

_RECORD = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/\r\nContent-Length: 59\r\n\r\n"
           b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>hi</html>\r\n\r\n")


def test_record_fixture_is_well_formed():
    lines, eol, rest = split_head(_RECORD)
    assert int(get_header(lines, b"Content-Length")) == len(rest) - 4 and eol == b"\r\n"


@pytest.mark.parametrize("mutator", [*BYTE_MUTATORS, mutate_warc_header, mutate_http, mutate_record])
def test_mutators_are_deterministic_per_seed(mutator):
    assert mutator(random.Random(3), _RECORD) == mutator(random.Random(3), _RECORD)
    outputs = {mutator(random.Random(seed), _RECORD) for seed in range(30)}
    assert len(outputs) > 3  # and they do mutate


def test_with_content_length_makes_the_framing_honest_again():
    lines, eol, rest = split_head(_RECORD)
    grown = join_head(lines, eol, rest[:-4] + b"<p>more</p>\r\n\r\n")
    fixed_lines, _, fixed_rest = split_head(with_content_length(grown))
    assert int(get_header(fixed_lines, b"Content-Length")) == len(fixed_rest) - 4 == 59 + 11


def test_dishonest_chunks_lie_and_honest_ones_do_not():
    from thresher.io.http import PayloadError, dechunk

    body = b"<html>" + b"x" * 10_000 + b"</html>"
    assert dechunk(chunk(random.Random(1), body, honest=True)) == body
    lies = 0
    for seed in range(20):
        try:
            lies += dechunk(chunk(random.Random(seed), body, honest=False)) != body
        except PayloadError:
            lies += 1
    assert lies >= 15


def test_bomb_is_small_on_disk_and_large_inflated():
    blob = bomb(b"gzip", 2_000_000)
    assert len(blob) < 5_000 and len(gzip.decompress(blob)) > FUZZ_MAX_PAYLOAD_BYTES


def test_build_archive_covers_every_container(shared_data):
    from test_fuzz_seeds import load_seed_records

    seeds = load_seed_records(shared_data)
    names = {build_archive(random.Random(seed), seeds)[1] for seed in range(80)}
    assert {".warc", ".warc.gz", ".warc.zst", ".warc.bz2", ".warc.xz", ".bin"} <= names
