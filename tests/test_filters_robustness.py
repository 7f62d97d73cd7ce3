"""No filter may raise on any text; degenerate and huge inputs included."""

import random
import time

import pytest

from thresher.stages.filters.registry import FILTERS, PRESETS, apply_filters, build_filter, build_preset
from thresher.record import Document
from thresher.stats import DictStats

from test_text_samples import CHINESE, ENGLISH, JAPANESE, THAI

ALL = [build_filter(name, {}) for name in FILTERS]

EDGE_TEXTS = [
    "",
    " ",
    "word",
    "!!! ??? ... ---",
    "\n\n\n\n",
    "\x00\x01\x02",
    "\ud800 lone surrogate \udfff",
    "{" * 10,
    "#" * 100,
    "…" * 100,
    "• • •\n- - -",
    "a" * 5000,
    "東",
    "ง่",
    ENGLISH + "\n" + JAPANESE + "\n" + CHINESE + "\n" + THAI + "\nПривет, мир! مرحبا بالعالم नमस्ते दुनिया 안녕하세요",
]


@pytest.mark.parametrize("text", EDGE_TEXTS, ids=range(len(EDGE_TEXTS)))
@pytest.mark.parametrize("f", ALL, ids=[f.name for f in ALL])
def test_edge_texts(f, text):
    for language in (None, "en", "ja", "th"):
        d = Document(id="1", url="http://example.com/x", text=text, language=language)
        reason = f.filter(d)
        assert reason is None or (isinstance(reason, str) and reason and "/" not in reason)
        assert isinstance(d.text, str)


def test_random_unicode_fuzz():
    rng = random.Random(1234)
    pools = [
        "abc xyz ABC 123 .,;:!?'\"-()[]{}#@$%&*/\\|\n\n\t",
        "éßжعह्東はภ่🎉©→٣Ⅻ\u0301\u200b\u3000\u00a0。！？「」…—“”",
    ]
    alphabet = "".join(pools)
    stats = DictStats()
    for i in range(300):
        if i % 3 == 0:
            text = "".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(rng.randint(0, 200)))
            text = text.encode("utf-8", "replace").decode("utf-8", "replace")
        else:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        d = Document(id=str(i), url="https://example.com/" + text[:20], text=text, language=rng.choice([None, "en", "zh", "de"]))
        result = apply_filters(ALL, d, stats)
        assert result is None or result.count("/") == 1
    assert stats.counts["filters/url/in"] == 300


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1_000_000,
        ("lighthouse keeper " * 60_000)[:1_000_000],
        " ".join(f"w{i}" for i in range(170_000)),
        ("東京" * 100_000 + "\n" + "lighthouse keeper " * 50_000)[:1_000_000],
        "\n" * 200_000,
        ". " * 100_000,
        "a@b.c 1.2.3.4 " * 15_000,
    ],
    ids=["one-word", "repeated-phrase", "unique-words", "cjk-and-latin", "newlines", "dots", "pii-like"],
)
def test_a_million_characters(text):
    start = time.perf_counter()
    for f in ALL:
        d = Document(id="1", url="http://example.com/" + "a" * 1000, text=text, language="en")
        reason = f.filter(d)
        assert reason is None or isinstance(reason, str)
    assert time.perf_counter() - start < 20


def test_presets_on_edge_texts():
    for preset in PRESETS:
        filters = build_preset(preset)
        for text in EDGE_TEXTS:
            d = Document(id="1", url="", text=text)
            assert apply_filters(filters, d, DictStats()) is None or isinstance(d.text, str)
