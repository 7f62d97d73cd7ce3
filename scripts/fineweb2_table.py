"""Rebuild ``thresher/stages/filters/fineweb2/thresholds.json`` from FineWeb-2's configs.

    .venv/bin/python scripts/fineweb2_table.py [--configs ../shared/data/fineweb2-configs/configs]

FineWeb-2 (huggingface/fineweb-2, Apache-2.0) ships one YAML of filter
parameters per GlotLID label (ISO 639-3 code + ISO 15924 script). This script
turns them into one table, already in Thresher's parameter names, per filter:

* ``gopher_repetition``: ``dup_line_frac`` (0 = off, as datatrove reads a
  falsy value), ``top_n_grams``, ``dup_n_grams``;
* ``gopher_quality``: ``min_avg_word_length`` (0 = off), ``max_avg_word_length``,
  ``min_alpha_words_ratio`` (FineWeb-2's ``max_non_alpha_words_ratio``, which
  datatrove uses as the minimum share of words with a letter), ``stop_words``;
* ``fineweb_quality``: ``line_punct_thr`` (0 or below = off), ``new_line_ratio``.

English has no FineWeb-2 file (FineWeb-2 keeps FineWeb's English settings):
``eng_Latn`` gets FineWeb's (datatrove's defaults, paragraph and short-line
rules included). It also maps lid.176's 176 labels to GlotLID labels (a
language may have several scripts: the filters pick by the text's script), and
derives lid.176 language-score thresholds (see ``calibrate`` below and
docs/FILTERS.md). Facts only: thresholds, stop-word lists, label maps.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from thresher.stages.langid.calibration import calibrate_thresholds, read_tatoeba  # noqa: E402
from thresher.stages.text.languages import LID176_TO_ISO639_3  # noqa: E402

DEFAULT_CONFIGS = ROOT.parent / "shared" / "data" / "fineweb2-configs" / "configs"
DEFAULT_TATOEBA = ROOT.parent / "shared" / "data" / "lid-tatoeba-cld2" / "tatoeba_long.txt"
OUT = ROOT / "thresher" / "filters" / "fineweb2" / "thresholds.json"

#: FineWeb's English settings (datatrove's defaults), for ``eng_Latn``.
ENGLISH = {
    "gopher_repetition": {
        "dup_line_frac": 0.3, "dup_para_frac": 0.3, "dup_line_char_frac": 0.2, "dup_para_char_frac": 0.2,
        "top_n_grams": [[2, 0.2], [3, 0.18], [4, 0.16]],
        "dup_n_grams": [[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]],
    },
    "gopher_quality": {
        "min_avg_word_length": 3, "max_avg_word_length": 10, "min_alpha_words_ratio": 0.8,
        "stop_words": ["the", "be", "to", "of", "and", "that", "have", "with"],
    },
    "fineweb_quality": {"line_punct_thr": 0.12, "new_line_ratio": 0.3, "short_line_thr": 0.67, "char_duplicates_ratio": 0.01},
}
ENGLISH_LANGUAGE_SCORE = 0.65  # FineWeb's English threshold (lid.176)


def _off_if_zero(value):
    return None if value is None or value <= 0 else value


def translate(config: dict) -> dict:
    """One FineWeb-2 config in Thresher's parameter names, per filter."""
    return {
        "gopher_repetition": {
            "dup_line_frac": _off_if_zero(config["dup_line_frac"]),
            "top_n_grams": [list(p) for p in config["top_n_grams"]],
            "dup_n_grams": [list(p) for p in config["dup_n_grams"]],
        },
        "gopher_quality": {
            "min_avg_word_length": _off_if_zero(config["min_avg_word_length"]),
            "max_avg_word_length": config["max_avg_word_length"],
            "min_alpha_words_ratio": _off_if_zero(config["max_non_alpha_words_ratio"]),
            "stop_words": [str(w) for w in config["stopwords"]],
        },
        "fineweb_quality": {
            "line_punct_thr": _off_if_zero(config["line_punct_thr"]),
            "new_line_ratio": config["new_line_ratio"],
        },
    }


def lid176_scores(scores: dict[str, float], lid176: dict[str, list[str]], tatoeba: Path) -> dict:
    """lid.176 thresholds: English keeps FineWeb's; the rest are calibrated from
    FineWeb-2's GlotLID scores (the lowest of a language's scripts)."""
    from thresher.stages.langid.fasttext_lid import FastTextLanguageIdentifier

    reference = {code: min(scores[label] for label in labels) for code, labels in lid176.items() if code != "en"}
    out = calibrate_thresholds(FastTextLanguageIdentifier(), read_tatoeba(tatoeba), reference)
    out["en"] = {"threshold": ENGLISH_LANGUAGE_SCORE, "how": "FineWeb's English threshold"}
    return dict(sorted(out.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--configs", type=Path, default=DEFAULT_CONFIGS)
    ap.add_argument("--tatoeba", type=Path, default=DEFAULT_TATOEBA)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    labels: dict[str, dict] = {}
    scores: dict[str, float] = {}
    for path in sorted(args.configs.glob("*.yml")):
        label = path.stem
        if not re.fullmatch(r"[a-z]{3}_[A-Z][a-z]{3}", label):
            raise SystemExit(f"unexpected config name {path.name}")
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels[label] = translate(config)
        scores[label] = float(config["language_score"])
    labels["eng_Latn"] = ENGLISH
    scores["eng_Latn"] = ENGLISH_LANGUAGE_SCORE

    by_iso3: dict[str, list[str]] = {}
    for label in labels:
        by_iso3.setdefault(label[:3], []).append(label)
    lid176: dict[str, list[str]] = {}
    unmapped = []
    for code, iso3s in sorted(LID176_TO_ISO639_3.items()):
        found = next((sorted(by_iso3[i]) for i in iso3s if i in by_iso3), None)
        if found:
            lid176[code] = found
        else:
            unmapped.append(code)

    table = {
        "what": "FineWeb-2's per-language filter parameters in Thresher's parameter names, per filter; "
        "lid.176 labels mapped to GlotLID labels; language-ID thresholds for GlotLID (as published) and lid.176 (calibrated)",
        "source": "https://github.com/huggingface/fineweb-2 configs/*.yml, snapshot 6cd950cad68a62c37725bfc0b9eac32919bbdb29",
        "license": "Apache-2.0 (FineWeb-2); derived facts (thresholds, stop-word lists). Copyright the FineWeb-2 authors.",
        "made_by": "scripts/fineweb2_table.py",
        "lid176": lid176,
        "lid176_unmapped": unmapped,
        "language_score": {"glotlid": scores, "lid176": lid176_scores(scores, lid176, args.tatoeba)},
        "labels": labels,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One label a line: readable diffs when FineWeb-2 updates a language.
    lines = []
    for key, value in table.items():
        if key == "labels":
            inner = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}" for k, v in sorted(value.items()))
            lines.append(f' "labels": {{\n{inner}\n }}')
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'))}")
    args.out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"wrote {len(labels)} labels, {len(lid176)} lid.176 languages mapped ({len(unmapped)} unmapped: {' '.join(unmapped)}) to {args.out}")


if __name__ == "__main__":
    main()
