"""Bounded fuzzing of the HTTP payload and charset layer: ``decode_html``, ``dechunk``, ``decode_content``.

Two sources of input per function: arbitrary bytes and labels straight from
Hypothesis (it shrinks them to the smallest failing pair), and real payloads
of ``shared/data/warc-*`` encoded, chunked, re-encoded in other charsets and
then damaged (``test_fuzz_cases``). ``decode_html`` must never raise; the
others may only raise :class:`~thresher.io.http.PayloadError` with a
documented reason, and never inflate past their cap.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_fuzz_cases import (
    CHARSET_LABELS,
    ENCODING_LABELS,
    FuzzMaterial,
    gen_decode_content,
    gen_decode_html,
    gen_decode_payload,
    gen_dechunk,
    load_material,
)
from test_fuzz_checks import (
    FuzzContext,
    check_decode_content,
    check_decode_html,
    check_decode_payload,
    check_dechunk,
    run_case,
)

_SETTINGS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

labels = st.one_of(st.none(), st.sampled_from(CHARSET_LABELS), st.text(max_size=24))
encodings = st.one_of(st.none(), st.sampled_from(ENCODING_LABELS), st.text(max_size=16))
caps = st.sampled_from([0, 1, 100, 10_000, 1 << 20])


@pytest.fixture(scope="module")
def material(shared_data: Path) -> FuzzMaterial:
    return load_material(shared_data)


@settings(_SETTINGS, max_examples=300)
@given(body=st.binary(max_size=4096), http_charset=labels)
def test_decode_html_never_raises_on_any_bytes_and_label(body: bytes, http_charset: str | None):
    check_decode_html(body, http_charset)


@settings(_SETTINGS, max_examples=200)
@given(label=st.sampled_from(CHARSET_LABELS), body=st.binary(max_size=256))
def test_decode_html_survives_any_meta_charset(label: str, body: bytes):
    # The label a page names for itself is as hostile as the HTTP one.
    check_decode_html(b'<html><head><meta charset="' + label.encode("utf-8", "replace") + b'">' + body, None)


def _chunk_stream(chunks: list[tuple[int, bytes, bytes, bytes]]) -> bytes:
    return b"".join(b"%x" % size + extension + b"\r\n" + data + end for size, extension, data, end in chunks)


# Chunk streams whose sizes may lie (larger, smaller, 2**64), with extensions and odd line ends.
chunk_streams = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 64), st.integers(0, 2**64)),
        st.sampled_from([b"", b";a=b", b"; \xff", b" ", b"\t;"]),
        st.binary(max_size=48),
        st.sampled_from([b"\r\n", b"\n", b"", b"\r"]),
    ),
    max_size=6,
).map(_chunk_stream)


@settings(_SETTINGS, max_examples=300)
@given(body=st.one_of(st.binary(max_size=2048), chunk_streams))
def test_dechunk_raises_only_documented_errors(body: bytes):
    check_dechunk(body)


@settings(_SETTINGS, max_examples=300)
@given(body=st.binary(max_size=2048), encoding=encodings, max_bytes=caps, allow_truncated=st.booleans())
def test_decode_content_raises_only_documented_errors(body: bytes, encoding, max_bytes: int, allow_truncated: bool):
    check_decode_content(body, encoding, max_bytes, allow_truncated)


@settings(_SETTINGS, max_examples=150)
@given(rng=st.randoms(use_true_random=False))
def test_mutated_real_payloads_decode_or_fail_as_documented(material: FuzzMaterial, rng: random.Random):
    ctx = FuzzContext(Path("."))  # no file is written by these targets
    # run_case asserts the target's oracles (check_decode_html, check_dechunk, ...).
    checked = [
        run_case(generate(random.Random(rng.getrandbits(64)), material), ctx)
        for generate in (gen_decode_html, gen_dechunk, gen_decode_content, gen_decode_payload)
    ]
    assert checked == ["decode_html", "dechunk", "decode_content", "decode_payload"]


def test_payload_oracle_sees_a_bomb_refused():
    import gzip

    from thresher.io.http import PayloadError, decode_content

    bomb = gzip.compress(b"<html>" + b"\0" * 200_000)
    with pytest.raises(PayloadError) as info:
        decode_content(bomb, "gzip", 10_000)
    assert info.value.reason == "decompression_bomb"
    check_decode_content(bomb, "gzip", 10_000, False)
    check_decode_payload(bomb, "chunked", "gzip", 10_000, True)
