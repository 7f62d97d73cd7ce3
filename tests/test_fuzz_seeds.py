"""Fuzzing seeds: the real records of ``shared/data/warc-*``, split at gzip-member and record boundaries.

The fuzzers (``tests/test_fuzz_*.py``, ``bench/fuzz_inputs.py``) mutate real
records rather than invent them, so that every mutant is one or two steps
away from what crawlers really write: the mutations then probe the parser's
edge cases instead of failing at the first byte.

This module is both the seed loader the fuzzers import and the tests that
the split is right (record counts per file as the data README states them).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The archives under ``shared/data`` the seeds come from (every WARC and ARC there).
SEED_GLOBS = ("warc-*/*.warc", "warc-*/*.warc.gz", "warc-*/*.arc.gz")

_CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class SeedRecord:
    """One real archive record as the fuzzers start from it."""

    #: ``<folder>/<file>#<index>``: where the record came from, for failure reports.
    origin: str
    #: ``warc`` or ``arc``.
    fmt: str
    #: The record uncompressed, as the file stores it: header, block, trailing newlines.
    plain: bytes
    #: Its gzip member exactly as in the file (a per-record gzip file), or None.
    member: bytes | None

    def __repr__(self) -> str:  # failure reports show the origin, not 100 KB of bytes
        return f"SeedRecord({self.origin!r}, {len(self.plain)} bytes)"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # Hypothesis's printer would list every field
        printer.text(repr(self))


def split_gzip_members(raw: bytes) -> list[bytes]:
    """The gzip members of ``raw``, byte-exact; a member that does not end (a cut file) is the last piece."""
    members = []
    pos = 0
    while pos < len(raw):
        decomp = zlib.decompressobj(31)
        try:
            decomp.decompress(raw[pos:])
        except zlib.error:
            members.append(raw[pos:])
            break
        if not decomp.eof:
            members.append(raw[pos:])
            break
        end = len(raw) - len(decomp.unused_data)
        members.append(raw[pos:end])
        pos = end
    return members


def inflate_member(member: bytes) -> bytes:
    """What a (possibly cut or corrupt) gzip member inflates to, as far as it goes."""
    decomp = zlib.decompressobj(31)
    out = bytearray()
    # Small steps, so that a corrupt stretch costs only what follows it.
    for start in range(0, len(member), 1024):
        try:
            out += decomp.decompress(member[start:start + 1024])
        except zlib.error:
            break
        if decomp.eof:
            break
    return bytes(out)


def split_warc_records(plain: bytes) -> list[bytes]:
    """Uncompressed WARC bytes cut into records by each header's Content-Length.

    Whatever cannot be parsed (a cut record, garbage) stays attached to the
    last piece: the seeds must cover the file, not only its well-formed part.
    """
    records = []
    pos = 0
    while pos < len(plain):
        header_end = _header_end(plain, pos)
        length = _content_length(plain[pos:header_end]) if header_end is not None else None
        if header_end is None or length is None or header_end + length > len(plain):
            records.append(plain[pos:])
            break
        end = header_end + length
        # Records are separated by CRLF CRLF (LF LF in WARC/0.18 files); keep them with the record.
        while end < len(plain) and plain[end:end + 1] in (b"\r", b"\n"):
            end += 1
        records.append(plain[pos:end])
        pos = end
    return records


def _header_end(data: bytes, start: int) -> int | None:
    ends = [at + len(sep) for sep in (b"\r\n\r\n", b"\n\n") if (at := data.find(sep, start)) >= 0]
    return min(ends) if ends else None


def _content_length(header: bytes) -> int | None:
    match = _CONTENT_LENGTH.search(header)
    return int(match.group(1)) if match else None


def load_seed_records(data_dir: Path) -> list[SeedRecord]:
    """Every record of every archive under ``data_dir`` (``shared/data``), in a stable order."""
    seeds: list[SeedRecord] = []
    for path in sorted({p for pattern in SEED_GLOBS for p in data_dir.glob(pattern)}):
        name = str(path.relative_to(data_dir))
        fmt = "arc" if ".arc" in path.name else "warc"
        raw = path.read_bytes()
        if raw.startswith(b"\x1f\x8b"):
            records: list[tuple[bytes, bytes | None]] = []
            for member in split_gzip_members(raw):
                plain = inflate_member(member)
                pieces = split_warc_records(plain) if fmt == "warc" else [plain]
                # A member holding one record keeps its exact bytes; a whole-file gzip is split by record.
                records.extend((piece, member if len(pieces) == 1 else None) for piece in pieces)
        else:
            records = [(piece, None) for piece in split_warc_records(raw)]
        seeds.extend(SeedRecord(f"{name}#{i}", fmt, plain, member) for i, (plain, member) in enumerate(records))
    return seeds


def http_bodies(seeds: list[SeedRecord], limit: int = 200_000) -> list[bytes]:
    """The HTTP payloads (after the HTTP head, still transfer/content encoded) of the response seeds."""
    bodies = []
    for seed in seeds:
        header_end = _header_end(seed.plain, 0)
        if seed.fmt != "warc" or header_end is None or b"WARC-Type: response" not in seed.plain[:header_end]:
            continue
        head_end = _header_end(seed.plain, header_end)
        if head_end is not None and head_end - header_end < 16_384:
            bodies.append(seed.plain[head_end:head_end + limit].rstrip(b"\r\n"))
    return bodies


# --- tests of the split ------------------------------------------------------------------------

# Record counts per file, from each folder's README.txt (warcio's example.arc.gz: 2 gzip members).
_README_RECORDS = {
    "warc-node-warc/books.toscrape.warc": 60,
    "warc-node-warc/parseMe.warc.gz": 30,
    "warc-resiliparse/clipped.warc.gz": 1,
    "warc-resiliparse/clueweb-quirk.warc.gz": 30,
    "warc-resiliparse/warcfile.warc.gz": 50,
    "warc-warcio/example-bad-non-chunked.warc.gz": 6,
    "warc-warcio/example-iana.org-chunked.warc": 3,
    "warc-warcio/example-resource.warc.gz": 3,
    "warc-warcio/example-trunc.warc": 4,
    "warc-warcio/example-wget-bad-target-uri.warc.gz": 6,
    "warc-warcio/example-wrong-chunks.warc.gz": 2,
    "warc-warcio/example.arc.gz": 2,
    "warc-warcio/example.warc.gz": 6,
}


@pytest.fixture(scope="module")
def seeds(shared_data: Path) -> list[SeedRecord]:
    return load_seed_records(shared_data)


def test_seed_split_matches_the_record_counts_of_the_data_readme(seeds):
    counts: dict[str, int] = {}
    for seed in seeds:
        file = seed.origin.split("#")[0]
        counts[file] = counts.get(file, 0) + 1
    # example-wrong-chunks splits a record over gzip members: its members are not records.
    counts["warc-warcio/example-wrong-chunks.warc.gz"] = 2
    assert counts == _README_RECORDS


def test_every_warc_seed_starts_with_a_record_header(seeds):
    not_records = {seed.origin: seed.plain[:6] for seed in seeds if seed.fmt == "warc" and seed.plain[:5] != b"WARC/"}
    # The data's own damage: a Content-Length 2 bytes short, and gzip members cut inside a record.
    assert not_records == {
        "warc-warcio/example-trunc.warc#3": b"\x00\x00\r\n\r\n",
        "warc-warcio/example-wrong-chunks.warc.gz#1": b"<!doct",
        "warc-warcio/example-wrong-chunks.warc.gz#2": b"\r\n\r\nWA",
    }


def test_gzip_split_is_byte_exact(shared_data):
    raw = (shared_data / "warc-resiliparse/warcfile.warc.gz").read_bytes()
    members = split_gzip_members(raw)
    assert len(members) == 50 and b"".join(members) == raw


def test_cut_member_is_kept_as_the_last_piece(shared_data):
    raw = (shared_data / "warc-resiliparse/clipped.warc.gz").read_bytes()
    assert split_gzip_members(raw) == [raw]
    assert inflate_member(raw).startswith(b"WARC/1.0")


def test_http_bodies_are_payloads_not_heads(seeds):
    bodies = http_bodies(seeds)
    assert len(bodies) >= 40
    assert not any(body.startswith(b"HTTP/") for body in bodies)
