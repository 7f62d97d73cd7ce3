"""What every fuzz input must satisfy (the oracles), one fuzz case format, and the crash corpus.

A :class:`FuzzCase` is one input to one target: a mutant archive file for
``iter_input``, bytes and a label for ``decode_html``, bytes and an encoding
for ``decode_content``, HTML for ``extract``. :func:`run_case` runs it and
raises :class:`InvariantBroken` when an oracle fails; any other exception is
a crash that escaped the code under test. The same cases are saved as small
JSON files in ``tests/fuzz_corpus/`` (by ``bench/fuzz_inputs.py``) and
replayed as regression tests (``tests/test_fuzz_regressions.py``).

This module is also the tests that the oracles can fail.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from thresher.stages.extract.base import ExtractionBoundHit, Extractor
from thresher.io.charset import decode_html
from thresher.io.http import PayloadError, decode_content, decode_payload, dechunk
from thresher.io.inputs import InputOptions, iter_input
from thresher.io.pages import HtmlPage, TextPage
from thresher.io.rejects import ListRejects
from thresher.stats import DictStats

from test_fuzz_mutators import FUZZ_MAX_PAYLOAD_BYTES
from test_fuzz_seeds import inflate_member, split_gzip_members

CORPUS_DIR = Path(__file__).resolve().parent / "fuzz_corpus"

TARGETS = ("read", "decode_html", "dechunk", "decode_content", "decode_payload", "extract")

#: The reasons http.py documents for PayloadError; any other reason is a bug too.
PAYLOAD_REASONS = frozenset(
    {"bad_chunked_encoding", "truncated_payload", "bad_content_encoding", "unsupported_content_encoding",
     "decompression_bomb"}
)

#: No fuzz archive is over ~1 MB; reading one takes milliseconds. Minutes mean a loop.
READ_TIME_LIMIT_S = 20.0


class InvariantBroken(AssertionError):
    """The code under test returned, but its result breaks a promise (the read identity...)."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise InvariantBroken(message)


@dataclass(frozen=True)
class FuzzCase:
    """One input to one target, JSON-serializable for the corpus."""

    target: str
    data: bytes
    #: Target arguments besides the bytes (JSON scalars only).
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self, note: str = "") -> str:
        return json.dumps(
            {"target": self.target, "params": self.params, "note": note,
             "data_b64": base64.b64encode(self.data).decode("ascii")},
            indent=1, sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> "FuzzCase":
        raw = json.loads(text)
        return cls(raw["target"], base64.b64decode(raw["data_b64"]), raw.get("params") or {})

    def digest(self) -> str:
        blob = self.target.encode() + json.dumps(self.params, sort_keys=True).encode() + self.data
        return hashlib.sha1(blob).hexdigest()[:12]


@dataclass
class FuzzContext:
    """What running cases needs besides the case: a scratch directory, and one extractor (a worker process)."""

    workdir: Path
    extractor: Extractor | None = None


def run_case(case: FuzzCase, ctx: FuzzContext) -> str:
    """Run ``case`` against its target and return the target checked.

    Every oracle of the target asserts inside: a broken one raises InvariantBroken, and
    anything else that escapes the code under test propagates.
    """
    if case.target == "read":
        check_read(case.data, case.params.get("suffix", ".warc"), ctx.workdir)
    elif case.target == "decode_html":
        check_decode_html(case.data, case.params.get("http_charset"))
    elif case.target == "dechunk":
        check_dechunk(case.data)
    elif case.target == "decode_content":
        check_decode_content(case.data, case.params.get("encoding"), int(case.params.get("max_bytes", 1 << 20)),
                             bool(case.params.get("allow_truncated", False)))
    elif case.target == "decode_payload":
        check_decode_payload(case.data, case.params.get("transfer_encoding"), case.params.get("content_encoding"),
                             int(case.params.get("max_bytes", 1 << 20)), bool(case.params.get("allow_truncated")))
    elif case.target == "extract":
        assert ctx.extractor is not None, "the extract target needs an extractor"
        check_extract(ctx.extractor, case.data.decode("utf-8", "surrogatepass"), case.params.get("url", ""))
    else:
        raise ValueError(f"unknown fuzz target {case.target!r}")
    return case.target


# --- reading archives ------------------------------------------------------------------------------


def check_read(data: bytes, suffix: str, workdir: Path) -> tuple[list, DictStats, ListRejects]:
    """Write ``data`` to a file and read it with ``iter_input``; every promise of the reader must hold."""
    path = workdir / f"mutant{suffix}"
    path.write_bytes(data)
    stats, rejects = DictStats(), ListRejects()
    started = time.perf_counter()
    pages = list(iter_input(str(path), stats, InputOptions(max_payload_bytes=FUZZ_MAX_PAYLOAD_BYTES), rejects))
    elapsed = time.perf_counter() - started
    check_read_outcome(pages, stats, rejects, nonempty_input=bool(data))
    check_page_offsets(data, pages)
    expect(elapsed < READ_TIME_LIMIT_S, f"reading {len(data)} bytes took {elapsed:.1f} s")
    return pages, stats, rejects


def check_page_offsets(data: bytes, pages: list) -> None:
    """Each page's offset leads back to its record: a gzip member, or a position in the plain stream.

    Checked for uncompressed and gzip WARCs only: an ARC offset is warcio's, and a zstd offset is
    no position a reader can seek to. A known FastWARC limit is allowed for: a record that does not
    start its gzip member (junk before it, or a member holding several records) gets the compressed
    position its reading had reached, the end of that member.
    """
    if data[:2] == b"\x1f\x8b":
        members = split_gzip_members(data)
        stream = b"".join(inflate_member(member) for member in members)
        boundaries = {sum(len(m) for m in members[:i]) for i in range(len(members) + 1)}
    elif data[:4] in (b"\x28\xb5\x2f\xfd", b"BZh9", b"BZh1") or data[:6] == b"\xfd7zXZ\x00":
        return
    else:
        stream, boundaries = data, set()
    if not stream.startswith(b"WARC/"):
        return  # an ARC, or garbage the reader resynchronized from: no offset convention to hold it to
    for page in pages:
        at = page.offset
        member_start = data[at:at + 2] == b"\x1f\x8b" and inflate_member(data[at:at + 65536]).startswith(b"WARC/")
        expect(member_start or stream[at:at + 5] == b"WARC/" or at in boundaries,
               f"page offset {at} starts no record: {data[at:at + 12]!r} / {stream[at:at + 12]!r}")


def check_read_outcome(pages: list, stats: DictStats, rejects: ListRejects, *, nonempty_input: bool) -> None:
    counts = stats.counts
    records = counts["read/records"]
    forwarded = counts["read/forwarded"]
    skipped = sum(v for k, v in counts.items() if k.startswith("read/skipped/"))
    errors = sum(v for k, v in counts.items() if k.startswith("read/error/"))
    expect(records == forwarded + skipped + errors,
           f"read identity: records {records} != forwarded {forwarded} + skipped {skipped} + errors {errors}")
    expect(forwarded == len(pages), f"read/forwarded {forwarded} but {len(pages)} pages yielded")
    expect(len(pages) <= records, f"{len(pages)} pages out of {records} records")
    # A non-empty file always leaves a trace, even when it holds no record at all.
    expect(records >= 1 or not nonempty_input, "a non-empty file left no trace in the stats")
    expect(all(v >= 0 for v in counts.values()), "a negative counter")
    for page in pages:
        expect(isinstance(page, (HtmlPage, TextPage)), f"a page of type {type(page).__name__}")
        expect(isinstance(page.url, str) and bool(page.url), f"page url {page.url!r}")
        expect(isinstance(page.offset, int) and page.offset >= 0, f"page offset {page.offset!r}")
        if isinstance(page, HtmlPage):
            expect(isinstance(page.body, bytes) and bool(page.body.strip()), "an HTML page without a body")
        else:
            expect(isinstance(page.text, str) and bool(page.text.strip()), "a text page without text")
    reasons = Counter(item.reason for item in rejects.items)
    expect(all(r.startswith(("skipped/", "error/")) for r in reasons), f"reject reasons {sorted(reasons)}")
    expect(sum(n for r, n in reasons.items() if r.startswith("error/")) == errors,
           f"{errors} errors counted but rejects say {sorted(reasons.items())}")
    for reason, n in reasons.items():
        kind, name = reason.split("/", 2)[:2]
        expect(n <= counts[f"read/{kind}/{name}"], f"{n} rejects {reason!r} but counter says fewer")
    for item in rejects.items:
        # A reject must lead back to its bytes: a file and an offset in it.
        expect(isinstance(item.offset, int) and item.offset >= 0, f"reject {item.reason} at offset {item.offset}")


# --- HTTP payloads and charsets --------------------------------------------------------------------


def check_decode_html(body: bytes, http_charset: str | None) -> None:
    text, charset = decode_html(body, http_charset)  # documented: never raises on any bytes
    expect(isinstance(text, str), f"decode_html returned {type(text).__name__}")
    expect(isinstance(charset, str) and bool(charset), f"decode_html says charset {charset!r}")
    expect(_is_text_codec(charset), f"decode_html says charset {charset!r}, which is no text codec")
    expect(decode_html(body, http_charset) == (text, charset), "decode_html is not deterministic")


def _is_text_codec(name: str) -> bool:
    try:
        return getattr(codecs.lookup(name), "_is_text_encoding", True)
    except LookupError:
        return False


def _expect_payload_error(exc: PayloadError) -> None:
    expect(exc.reason in PAYLOAD_REASONS, f"undocumented PayloadError reason {exc.reason!r}")


def check_dechunk(body: bytes) -> None:
    try:
        out = dechunk(body)
    except PayloadError as exc:
        _expect_payload_error(exc)
        expect(exc.reason in ("bad_chunked_encoding", "truncated_payload"), f"dechunk raised {exc.reason}")
        return
    expect(isinstance(out, bytes) and len(out) <= len(body), "dechunk grew the body")


def check_decode_content(body: bytes, encoding: str | None, max_bytes: int, allow_truncated: bool) -> None:
    try:
        out = decode_content(body, encoding, max_bytes, allow_truncated=allow_truncated)
    except PayloadError as exc:
        _expect_payload_error(exc)
        return
    expect(isinstance(out, bytes), f"decode_content returned {type(out).__name__}")
    # Inflated output never passes the cap; a body kept as stored (not encoded after all) is its own size.
    expect(out == body or len(out) <= max_bytes, f"decode_content inflated to {len(out)} > {max_bytes} bytes")


def check_decode_payload(
    body: bytes, transfer_encoding: str | None, content_encoding: str | None, max_bytes: int, allow_truncated: bool
) -> None:
    try:
        out = decode_payload(body, transfer_encoding, content_encoding, max_bytes, allow_truncated=allow_truncated)
    except PayloadError as exc:
        _expect_payload_error(exc)
        return
    expect(isinstance(out, bytes), f"decode_payload returned {type(out).__name__}")
    expect(len(out) <= max(max_bytes, len(body)), f"decode_payload inflated to {len(out)} > {max_bytes} bytes")


# --- extraction ------------------------------------------------------------------------------------


def check_extract(extractor: Extractor, html: str, url: str) -> None:
    try:
        text = extractor.extract(html, url)
    except ExtractionBoundHit as exc:
        expect(isinstance(exc.reason, str) and bool(exc.reason), "a bound hit without a reason")
        return
    expect(text is None or isinstance(text, str), f"extract returned {type(text).__name__}")


# --- the corpus --------------------------------------------------------------------------------------


def corpus_cases() -> list[tuple[str, FuzzCase]]:
    """``(file name, case)`` for every saved case, sorted by name."""
    return [(p.name, FuzzCase.from_json(p.read_text())) for p in sorted(CORPUS_DIR.glob("*.json"))]


def save_case(case: FuzzCase, note: str, directory: Path = CORPUS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{case.target}-{case.digest()}.json"
    path.write_text(case.to_json(note) + "\n")
    return path


# --- tests of the oracles -------------------------------------------------------------------------------


def test_fuzz_case_round_trips_through_json():
    case = FuzzCase("decode_html", b"\x00\xff<p>", {"http_charset": "base64"})
    assert FuzzCase.from_json(case.to_json("note")) == case
    assert case.digest() != FuzzCase("decode_html", b"\x00\xff<p>", {"http_charset": None}).digest()


def test_read_oracle_catches_a_broken_identity():
    stats = DictStats()
    stats.inc("read/records", 2)
    stats.inc("read/forwarded")
    with pytest.raises(InvariantBroken, match="read identity"):
        check_read_outcome([], stats, ListRejects(), nonempty_input=True)


def test_read_oracle_catches_a_bad_page_and_a_vanished_file():
    stats = DictStats()
    stats.inc("read/records")
    stats.inc("read/forwarded")
    page = HtmlPage(url="", crawl_date="", record_id="", source="f", offset=-1, body=b"<p>", http_charset=None)
    with pytest.raises(InvariantBroken, match="page url"):
        check_read_outcome([page], stats, ListRejects(), nonempty_input=True)
    with pytest.raises(InvariantBroken, match="left no trace"):
        check_read_outcome([], DictStats(), ListRejects(), nonempty_input=True)


def test_read_oracle_catches_an_uncounted_reject():
    stats = DictStats()
    stats.inc("read/records")
    stats.inc("read/skipped/warcinfo")
    rejects = ListRejects()
    rejects.reject("", "f", 0, "error/malformed_record")
    with pytest.raises(InvariantBroken, match="errors counted"):
        check_read_outcome([], stats, rejects, nonempty_input=True)


def test_read_oracle_passes_a_real_archive(shared_data, tmp_path):
    data = (shared_data / "warc-warcio/example.warc.gz").read_bytes()
    pages, stats, _ = check_read(data, ".warc.gz", tmp_path)
    assert len(pages) == 1 and stats["read/records"] == 6


def test_payload_oracles_accept_documented_errors_only(monkeypatch):
    check_dechunk(b"5\r\nab")  # truncated_payload: documented
    check_decode_content(b"\x1f\x8bgarbage", "gzip", 100, False)  # bad_content_encoding: documented
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "decode_content", lambda body, enc, cap, allow_truncated: b"x" * (cap + 1))
    with pytest.raises(InvariantBroken, match="inflated"):
        check_decode_content(b"abc", "gzip", 10, False)

    def undocumented(body: bytes) -> bytes:
        raise PayloadError("something_else")

    monkeypatch.setattr(this, "dechunk", undocumented)
    with pytest.raises(InvariantBroken, match="undocumented"):
        check_dechunk(b"1\r\n")


def test_extract_oracle_rejects_a_non_text_result():
    class Bytes:
        name = "bytes"

        def extract(self, html: str, url: str = "") -> bytes:
            return html.encode()

    with pytest.raises(InvariantBroken, match="returned bytes"):
        check_extract(Bytes(), "<p>x</p>", "")
