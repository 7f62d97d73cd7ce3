"""Config loading: defaults follow the recipe; anything wrong stops before work, naming the key."""

from __future__ import annotations

import pytest

from thresher.errors import ConfigError
from thresher.config import bundled_sample_path, config_from_dict, load_config


def _load(tmp_path, text: str):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return load_config(path)


def test_defaults_follow_the_recipe():
    config = load_config(None)
    assert config.langid.threshold == 0.65 and config.langid.languages is None
    assert (config.dedup.minhash.ngram, config.dedup.minhash.bands, config.dedup.minhash.rows) == (5, 14, 8)
    assert config.extract.extractor == "combined" and config.extract.profile == "default"
    assert [next(iter(f)) for f in config.filters] == ["gopher_repetition", "gopher_quality"]
    assert config.input_paths() == [bundled_sample_path()]


def test_full_config_round_trip(tmp_path):
    config = _load(
        tmp_path,
        """
input: {paths: ["a/*.warc.gz"]}
output: {path: out, keep_text: false}
langid: {threshold: 0.5, languages: [en, de]}
filters:
  - gopher_quality: {min_doc_words: 20}
  - gopher_repetition:
dedup: {minhash: {bands: 20, rows: 5}}
tokenize: {vocab_size: 1000}
""",
    )
    assert config.input.paths == ["a/*.warc.gz"]
    assert config.output.keep_text is False
    assert config.langid.languages == ["en", "de"]
    assert config.filters == [{"gopher_quality": {"min_doc_words": 20}}, {"gopher_repetition": {}}]
    assert config.dedup.minhash.bands == 20 and config.dedup.minhash.ngram == 5


@pytest.mark.parametrize(
    "text, key",
    [
        ("outptu: {}", "outptu"),
        ("dedup: {minhash: {bandz: 3}}", "dedup.minhash.bandz"),
        ("dedup: {minhash: {bands: many}}", "dedup.minhash.bands"),
        ("dedup: {minhash: {bands: 0}}", "dedup.minhash.bands"),
        ("langid: {threshold: 1.5}", "langid.threshold"),
        ("langid: {threshold: yes}", "langid.threshold"),
        ("output: {keep_text: 1}", "output.keep_text"),
        ("runner: {name: flink}", "runner.name"),
        ("filters: [{no_such_filter: {}}]", "no_such_filter"),
        ("filters: [{gopher_quality: {min_doc_wordz: 3}}]", "min_doc_wordz"),
        ("input: {paths: a.warc}", "input.paths"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    assert key in str(info.value)


def test_yaml_is_loaded_safely(tmp_path):
    with pytest.raises(ConfigError):
        _load(tmp_path, "input: !!python/object/apply:os.system ['echo pwned']")


def test_overrides_are_validated():
    config = config_from_dict({}, {"output.path": "/tmp/x", "runner.workers": 2})
    assert config.output.path == "/tmp/x" and config.runner.workers == 2
    with pytest.raises(ConfigError, match="runner.workerz"):
        config_from_dict({}, {"runner.workerz": 2})
    with pytest.raises(ConfigError, match="runner.workers"):
        config_from_dict({}, {"runner.workers": "two"})


def test_presets_reproduce_the_papers_and_yield_to_explicit_keys():
    refined = config_from_dict({"preset": "refinedweb"})
    assert (refined.dedup.minhash.bands, refined.dedup.minhash.rows) == (450, 20)
    assert refined.dedup.minhash.normalization == "refinedweb"
    assert refined.langid.languages == ["en"]
    assert [next(iter(f)) for f in refined.filters] == ["gopher_repetition", "gopher_quality", "refinedweb_lines"]
    assert refined.url_filter.params.get("exclude_curated") is True
    fineweb = config_from_dict({"preset": "fineweb", "langid": {"languages": None}})
    assert [next(iter(f)) for f in fineweb.filters] == [
        "gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality", "pii"
    ]
    assert fineweb.langid.languages is None
    with pytest.raises(ConfigError, match="preset"):
        config_from_dict({"preset": "c4"})


def test_the_readme_config_example_is_valid():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = re.search(r"### The config.*?```yaml\n(.*?)```", readme, re.S).group(1)
    import yaml

    config = config_from_dict(yaml.safe_load(block))
    assert config.extract.params["timeout_s"] == 10
    assert config.dedup.minhash.hash == "xxh3"


def test_bad_extractor_parameter_names_the_key():
    with pytest.raises(ConfigError, match="timeout_z"):
        config_from_dict({"extract": {"params": {"timeout_z": 3}}})


def test_fineweb2_preset():
    from thresher.config import config_from_dict

    config = config_from_dict({"preset": "fineweb2"})
    assert [next(iter(f)) for f in config.filters] == ["gopher_repetition", "fineweb_quality", "gopher_quality", "pii"]
    assert config.langid.languages is None and config.langid.threshold is None
    assert config.langid.thresholds["deu_Latn"] == 0.821 and 0 < config.langid.thresholds["de"] <= 0.821
    mh = config.dedup.minhash
    assert (mh.bands, mh.rows, mh.ngram, mh.per_language, mh.keep_cluster_size) == (14, 8, 5, True, True)
    # A user's own keys still win over the preset.
    assert config_from_dict({"preset": "fineweb2", "langid": {"threshold": 0.5}}).langid.threshold == 0.5


def test_an_empty_section_means_its_defaults_and_keeps_the_presets():
    """`extract:` with every key under it commented out is YAML's null: the section's defaults, not an error."""
    import yaml

    text = "preset: fineweb\nextract:\n  # profile: fast\ndedup:\n  minhash:\n"
    config = config_from_dict(yaml.safe_load(text))
    assert config.extract.profile == "default" and config.extract.language_gate is True
    assert config.langid.languages == ["en"]  # the preset's, not overwritten by the empty section
    assert config.dedup.minhash.enabled
    with pytest.raises(ConfigError, match="extract: expected a mapping"):
        config_from_dict({"extract": 3})
