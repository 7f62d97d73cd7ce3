"""``preset: fineweb2``: FineWeb-2's per-language thresholds, looked up by lid.176
code or GlotLID label, scripts told apart, its global changes, and the table's
provenance (rebuilt from ``../shared/data/fineweb2-configs`` when present)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from thresher.errors import ConfigError
from thresher.stages.filters import GopherQualityFilter, GopherRepetitionFilter
from thresher.stages.filters.fineweb2 import TABLE_PATH, dominant_script, load_table
from thresher.stages.filters.registry import PRESETS, apply_filters, build_filter, build_preset
from thresher.record import Document
from thresher.stats import DictStats

from test_text_samples import CHINESE, ENGLISH, GERMAN, JAPANESE, THAI

ROOT = Path(__file__).resolve().parents[1]
LID176 = (
    "af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb co cs cv cy da "
    "de diq dsb dty dv el eml en eo es et eu fa fi fr frr fy ga gd gl gn gom gu gv he hi hif hr hsb ht hu hy ia id "
    "ie ilo io is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb lez li lmo lo lrc lt lv mai mg mhr min mk ml mn "
    "mr mrj ms mt mwl my myv mzn nah nap nds ne new nl nn no oc or os pa pam pfl pl pms pnb ps pt qu rm ro ru rue "
    "sa sah sc scn sco sd sh si sk sl so sq sr su sv sw ta te tg th tk tl tr tt tyv ug uk ur uz vec vep vi vls vo "
    "wa war wuu xal xmf yi yo yue zh"
).split()


def doc(text, language):
    return Document(id="d", url="https://example.com/", text=text, language=language)


def test_table_covers_lid176_and_every_fineweb2_label():
    table = load_table()
    assert len(table.labels) == 1930  # FineWeb-2's 1,929 labels and English
    mapped = set(table.lid176)
    assert set(LID176) - mapped == {"eml"}  # Emilian-Romagnol: FineWeb-2 has neither egl nor rgn
    assert table.lid176["de"] == ["deu_Latn"] and table.lid176["zh"] == ["cmn_Hani"]
    assert table.lid176["sr"] == ["srp_Cyrl", "srp_Latn"]
    assert table.lid176["als"] == ["gsw_Latn"] and table.lid176["sq"] == ["als_Latn"]  # lid.176's als is Alemannic
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    assert "fineweb-2" in data["source"] and "Apache-2.0" in data["license"]


def test_table_values_are_fineweb2s(shared_data):
    import yaml

    table = load_table()
    config = yaml.safe_load((shared_data / "fineweb2-configs" / "configs" / "deu_Latn.yml").read_text())
    de = table.labels["deu_Latn"]
    assert de["gopher_repetition"]["dup_line_frac"] == config["dup_line_frac"]
    assert de["gopher_repetition"]["top_n_grams"] == config["top_n_grams"]
    assert de["gopher_quality"]["min_alpha_words_ratio"] == config["max_non_alpha_words_ratio"]
    assert de["gopher_quality"]["min_avg_word_length"] is None  # 0 in the config: off, as datatrove reads it
    assert de["gopher_quality"]["stop_words"] == config["stopwords"]
    assert de["fineweb_quality"]["line_punct_thr"] is None and de["fineweb_quality"]["new_line_ratio"] == config["new_line_ratio"]
    assert table.language_score["glotlid"]["deu_Latn"] == config["language_score"]


def test_generator_rebuilds_the_shipped_table(shared_data, tmp_path):
    out = tmp_path / "thresholds.json"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "fineweb2_table.py"), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.read_text(encoding="utf-8") == TABLE_PATH.read_text(encoding="utf-8")


def test_per_language_thresholds_apply():
    # German's FineWeb-2 repetition limits are stricter than Gopher's defaults:
    # a text whose top 2-gram covers 18 % of it passes in English, not in German.
    table = load_table()
    limit_de = dict(map(tuple, table.labels["deu_Latn"]["gopher_repetition"]["top_n_grams"]))[2]
    assert limit_de < 0.18 < 0.20
    words = [f"w{i:03d}x" for i in range(300)]
    text = " ".join(words[i] if i % 7 else "der Hund" for i in range(300))
    f = build_filter("gopher_repetition", {"top_n_grams": [[2, 0.2]], "dup_n_grams": None, "language_thresholds": "fineweb2",
                                           "dup_para_frac": None, "dup_para_char_frac": None, "dup_line_frac": None, "dup_line_char_frac": None})
    share = len("der Hund") * text.count("der Hund") / len(text)
    assert limit_de < share < 0.2
    assert f.filter(doc(text, "en")) is None
    assert f.filter(doc(text, "de")) == "top_2_gram"
    assert f.filter(doc(text, "deu_Latn")) == "top_2_gram"  # GlotLID's label, by path
    d = doc(text, "xx")  # not in the table: the filter's own parameters
    assert f.filter(d) is None and d.signals["gopher_repetition.no_language_thresholds"] == 1.0


def test_stop_words_per_language_and_script():
    f = build_filter("gopher_quality", {"language_thresholds": "fineweb2", "stop_words_distinct": True, "stop_words_case_sensitive": True})
    assert f.filter(doc(GERMAN, "de")) is None
    # German stop words are not English ones: English prose labelled German fails.
    assert f.filter(doc(ENGLISH, "de")) == "not_enough_stop_words"
    # Serbian in either script finds its script's parameters.
    assert load_table().label_for("sr", "Ово је текст на ћирилици.") == "srp_Cyrl"
    assert load_table().label_for("sr", "Ovo je tekst na latinici.") == "srp_Latn"
    assert dominant_script(JAPANESE) == "Jpan" and dominant_script(CHINESE) == "Hani" and dominant_script(THAI) == "Thai"


def test_fineweb2_preset_global_changes():
    spec = dict(PRESETS["fineweb2"])
    assert "c4_quality" not in spec
    rep, fw = spec["gopher_repetition"], spec["fineweb_quality"]
    assert rep["dup_para_frac"] is None and rep["dup_para_char_frac"] is None and rep["dup_line_char_frac"] is None
    assert fw["short_line_thr"] is None and fw["char_duplicates_ratio"] == 0.1
    assert all(p.get("language_thresholds") == "fineweb2" for n, p in spec.items() if n != "url" and n != "pii")
    # English keeps FineWeb's own English settings.
    en = load_table().labels["eng_Latn"]
    assert en["fineweb_quality"]["short_line_thr"] == 0.67 and en["gopher_repetition"]["dup_para_frac"] == 0.3


@pytest.mark.parametrize("text,lang", [(ENGLISH, "en"), (GERMAN, "de"), (CHINESE, "zh"), (JAPANESE, "ja"), (THAI, "th"),
                                       (GERMAN, "deu_Latn"), (CHINESE, "cmn_Hani"), (JAPANESE, "jpn_Jpan")])
def test_fineweb2_keeps_real_prose(text, lang):
    filters = build_preset("fineweb2")
    stats = DictStats()
    assert apply_filters(filters, doc(text, lang), stats) is None, lang
    assert stats.counts[f"filters/gopher_quality/lang/{lang}/in"] == 1


def test_unknown_table_is_a_config_error():
    with pytest.raises(ConfigError, match="language_thresholds"):
        build_filter("gopher_quality", {"language_thresholds": "fineweb3"})


def test_filters_with_a_table_pickle_small():
    import pickle

    f = GopherRepetitionFilter(language_thresholds="fineweb2")
    f.filter(doc(GERMAN, "de"))
    assert len(pickle.dumps(f)) < 5_000  # the table is loaded by each worker, not shipped
    g = pickle.loads(pickle.dumps(GopherQualityFilter(language_thresholds="fineweb2")))
    assert g.filter(doc(GERMAN, "de")) is None


def test_langid_thresholds_for_either_model():
    thresholds = load_table().langid_thresholds()
    assert thresholds["deu_Latn"] == 0.821  # GlotLID, as FineWeb-2 published it
    assert 0 < thresholds["de"] <= 0.821  # lid.176, calibrated
    assert thresholds["en"] == 0.65


_DECIDE = r"""
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
from filter_corpus import generated
from thresher.stages.filters.registry import PRESETS, apply_filters, build_preset
from thresher.record import Document
from thresher.stats import DictStats
labels = ["en", "de", "fr", "sr", "zh", "ja", "deu_Latn", "xx", None]
out = hashlib.sha256()
for preset in ("fineweb", "fineweb2"):
    filters = build_preset(preset)
    for f in filters:
        f.record_signals = True
    stats = DictStats()
    for i, (doc_id, text) in enumerate(generated(per_kind=15)):
        d = Document(id=doc_id, url="https://example.com/", text=text, language=labels[i % len(labels)])
        reason = apply_filters(filters, d, stats)
        out.update(json.dumps([doc_id, reason, d.text, sorted(d.signals.items())]).encode())
    out.update(json.dumps(sorted((k, v) for k, v in stats.counts.items() if not k.endswith(("time_us", "cpu_us")))).encode())
print(out.hexdigest())
"""


def test_decisions_identical_across_worker_processes():
    # Engines run the same filter code in different worker processes, each with
    # its own string-hash seed: decisions, rewritten texts, signals and counters
    # must not depend on it.
    import os

    digests = set()
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", _DECIDE, str(ROOT / "tests")], capture_output=True, text=True,
                             env=env, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        digests.add(run.stdout.strip())
    assert len(digests) == 1
