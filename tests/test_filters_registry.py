import pickle
import subprocess
import sys

import pytest

from thresher.errors import ConfigError
from thresher.stages.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    PIIMasker,
    RefinedWebLineFilter,
    URLFilter,
)
from thresher.stages.filters.registry import FILTERS, PRESETS, apply_filters, build_filter, build_filters, build_preset
from thresher.record import Document
from thresher.stats import DictStats

from test_text_samples import CHINESE, ENGLISH, GERMAN, JAPANESE


def test_filters_by_name():
    assert FILTERS == {
        "url": URLFilter,
        "gopher_repetition": GopherRepetitionFilter,
        "gopher_quality": GopherQualityFilter,
        "c4_quality": C4QualityFilter,
        "fineweb_quality": FineWebQualityFilter,
        "refinedweb_lines": RefinedWebLineFilter,
        "pii": PIIMasker,
    }


def test_build_with_defaults_and_params():
    f = build_filter("gopher_quality", {})
    assert isinstance(f, GopherQualityFilter) and f.min_doc_words == 50
    f = build_filter("gopher_quality", {"min_doc_words": 10, "max_avg_word_length": 12, "min_stop_words": None})
    assert (f.min_doc_words, f.max_avg_word_length, f.min_stop_words) == (10, 12, None)
    f = build_filter("gopher_repetition", {"top_n_grams": [[2, 0.25]], "dup_n_grams": None})
    assert f.top_n_grams == ((2, 0.25),) and f.dup_n_grams == ()
    assert build_filter("c4_quality", None).min_num_sentences == 5
    assert build_filter("gopher_quality", {"max_symbol_word_ratio": 1}).max_symbol_word_ratio == 1  # int for float


@pytest.mark.parametrize(
    "name,params,match",
    [
        ("nope", {}, "unknown filter 'nope'"),
        ("url", {"blocklist": "x"}, "filter 'url': unknown parameter 'blocklist'"),
        ("gopher_quality", {"min_doc_words": "50"}, "filter 'gopher_quality': parameter 'min_doc_words' must be an integer"),
        ("gopher_quality", {"min_doc_words": True}, "parameter 'min_doc_words'"),
        ("gopher_quality", {"min_doc_words": 1.5}, "parameter 'min_doc_words'"),
        ("gopher_quality", {"stop_words": {"en": "the"}}, "parameter 'stop_words'"),
        ("c4_quality", {"filter_javascript": None}, "parameter 'filter_javascript' must be true or false"),
        ("fineweb_quality", {"line_punct_thr": "0.1"}, "parameter 'line_punct_thr' must be a number"),
        ("gopher_repetition", {"top_n_grams": [[2, "x"]]}, "parameter 'top_n_grams'"),
        ("gopher_repetition", {"dup_n_grams": [[0, 0.1]]}, "filter 'gopher_repetition'.*positive integer"),
        ("url", {"soft_word_threshold": 0}, "filter 'url'.*soft_word_threshold"),
        ("url", {"hard_words_file": "/nonexistent/words.txt"}, "filter 'url'.*not found"),
        ("pii", [], "parameters must be a mapping"),
    ],
)
def test_bad_configs_raise_config_error(name, params, match):
    with pytest.raises(ConfigError, match=match):
        build_filter(name, params)


def test_presets():
    assert PRESETS["refinedweb"] == [
        ("url", {"exclude_curated": True}),
        ("gopher_repetition", {}),
        ("gopher_quality", {}),
        ("refinedweb_lines", {}),
    ]
    assert [n for n, _ in PRESETS["fineweb"]] == [
        "url", "gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality", "pii",
    ]
    fineweb = dict(PRESETS["fineweb"])
    assert fineweb["c4_quality"]["filter_no_terminal_punct"] is False
    # FineWeb reads every word-counting rule with spaCy's tokens (datatrove's).
    assert all(fineweb[n]["word_splitter"] == "spacy" for n in ("gopher_repetition", "gopher_quality", "fineweb_quality"))
    assert fineweb["c4_quality"]["sentence_splitter"] == "spacy"
    for preset in PRESETS:
        filters = build_preset(preset)
        assert [f.name for f in filters] == [n for n, _ in PRESETS[preset]]
    assert build_preset("refinedweb")[0].curated
    assert build_preset("fineweb", {"gopher_quality": {"min_doc_words": 5}})[2].min_doc_words == 5
    with pytest.raises(ConfigError, match="unknown filter preset"):
        build_preset("c4")
    with pytest.raises(ConfigError, match="no filter 'c4_quality'"):
        build_preset("refinedweb", {"c4_quality": {}})


def test_apply_filters_counts_and_stops_at_first_drop():
    filters = build_filters([("url", {}), ("gopher_quality", {}), ("fineweb_quality", {})])
    stats = DictStats()
    kept = Document(id="1", url="https://example.com/a", text=ENGLISH, language="en")
    spam = Document(id="2", url="https://casino.example/", text=ENGLISH, language="en")
    short = Document(id="3", url="https://example.com/b", text="Too short.", language="en")
    assert apply_filters(filters, kept, stats) is None
    assert apply_filters(filters, spam, stats) == "url/banned_url_word"
    assert apply_filters(filters, short, stats) == "gopher_quality/short_doc"
    c = stats.counts
    assert c["filters/url/in"] == 3 and c["filters/url/kept"] == 2 and c["filters/url/dropped/banned_url_word"] == 1
    assert c["filters/gopher_quality/in"] == 2 and c["filters/gopher_quality/dropped/short_doc"] == 1
    assert c["filters/fineweb_quality/in"] == 1 and c["filters/fineweb_quality/kept"] == 1
    for name in ("url", "gopher_quality", "fineweb_quality"):
        dropped = sum(v for k, v in c.items() if k.startswith(f"filters/{name}/dropped/"))
        assert c[f"filters/{name}/in"] == c[f"filters/{name}/kept"] + dropped


def test_presets_keep_real_prose():
    for preset in PRESETS:
        for text, lang in [(ENGLISH, "en"), (JAPANESE, "ja"), (CHINESE, "zh"), (JAPANESE, None), (CHINESE, None)]:
            d = Document(id="1", url="https://example.com/a", text=text, language=lang)
            assert apply_filters(build_preset(preset), d, DictStats()) is None, (preset, lang)


def test_no_engine_imports():
    code = (
        "import sys, thresher.stages.filters, thresher.stages.filters.registry, thresher.stages.text, thresher.stages.text.view\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('apache_beam', 'pyspark')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_fineweb_presets_run_without_spacy():
    # FineWeb's reading needs spaCy's word splitting, reproduced: spaCy (and
    # datatrove) are never imported, even when installed.
    code = (
        "import sys\n"
        "from thresher.stages.filters.registry import apply_filters, build_preset\n"
        "from thresher.record import Document\n"
        "from thresher.stats import DictStats\n"
        "text = 'The keeper\\'s logs, e.g. of storms (and wrecks), survive. ' * 20\n"
        "for preset in ('fineweb', 'fineweb2'):\n"
        "    apply_filters(build_preset(preset), Document(id='1', url='https://example.com/', text=text, language='en'), DictStats())\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('spacy', 'datatrove', 'nltk')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_filters_pickle_for_workers():
    for name in FILTERS:
        f = build_filter(name, {"record_signals": True})
        clone = pickle.loads(pickle.dumps(f))
        d1 = Document(id="1", url="https://example.com/casino", text=ENGLISH, language="en")
        d2 = Document(id="1", url="https://example.com/casino", text=ENGLISH, language="en")
        assert f.filter(d1) == clone.filter(d2)
        assert d1.text == d2.text and d1.signals == d2.signals


def test_drops_counted_per_language_outside_the_funnel_prefix():
    from thresher.stages.filters.registry import language_counter, per_language_drops

    filters = build_filters([("gopher_quality", {}), ("fineweb_quality", {})])
    stats = DictStats()
    docs = [
        Document(id="1", url="", text=ENGLISH, language="en"),
        Document(id="2", url="", text="Too short.", language="en"),
        Document(id="3", url="", text=GERMAN, language="de"),
        Document(id="4", url="", text="Zu kurz.", language="de"),
        Document(id="5", url="", text="Nada.", language=None),
        Document(id="6", url="", text=CHINESE, language="zh"),
    ]
    for d in docs:
        apply_filters(filters, d, stats)
    c = stats.counts
    assert language_counter("gopher_quality", "de", "dropped/short_doc") == "filters/gopher_quality/lang/de/dropped/short_doc"
    assert c["filters/gopher_quality/lang/en/in"] == 2 and c["filters/gopher_quality/lang/en/dropped/short_doc"] == 1
    assert c["filters/gopher_quality/lang/de/dropped/short_doc"] == 1
    assert c["filters/gopher_quality/lang/unknown/dropped/short_doc"] == 1
    assert c["filters/fineweb_quality/lang/zh/in"] == 1
    drops = per_language_drops(c, "gopher_quality")
    assert drops == {"en": {"in": 2, "short_doc": 1}, "de": {"in": 2, "short_doc": 1},
                     "unknown": {"in": 1, "short_doc": 1}, "zh": {"in": 1}}
    for name in ("gopher_quality", "fineweb_quality"):
        # Per-language counts add up to the filter's own, and the funnel's
        # prefix holds each drop once.
        lang = per_language_drops(c, name)
        assert sum(v["in"] for v in lang.values()) == c[f"filters/{name}/in"]
        dropped = {k: v for k, v in c.items() if k.startswith(f"filters/{name}/dropped/")}
        assert sum(v for per in lang.values() for k, v in per.items() if k != "in") == sum(dropped.values())
        assert c[f"filters/{name}/in"] == c[f"filters/{name}/kept"] + sum(dropped.values())
