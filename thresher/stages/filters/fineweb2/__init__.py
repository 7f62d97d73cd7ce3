"""FineWeb-2's per-language filter parameters, as a table the filters read.

``thresholds.json`` beside this file is derived from FineWeb-2's configuration
files (huggingface/fineweb-2, Apache-2.0; copyright the FineWeb-2 authors) by
``scripts/fineweb2_table.py``: for each of its 1,929 GlotLID labels (ISO 639-3
code + script, ``deu_Latn``) plus ``eng_Latn`` (FineWeb's English settings), the
parameters of ``gopher_repetition``, ``gopher_quality`` and
``fineweb_quality`` in Thresher's names; lid.176's labels mapped to those
labels; and language-ID thresholds (GlotLID's as published, lid.176's
calibrated; docs/FILTERS.md).

A filter built with ``language_thresholds="fineweb2"`` looks up each
document's ``language``: a GlotLID label directly (GlotLID loaded by path), or
a lid.176 code through the map. A language written in several scripts
(``sr`` -> ``srp_Cyrl``, ``srp_Latn``) takes the label of the script most of
the text's letters are in. A language with no FineWeb-2 parameters keeps the
filter's own.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).resolve().parent / "thresholds.json"
TABLES = ("fineweb2",)

# Unicode character-name prefixes -> ISO 15924 script codes FineWeb-2's labels use.
_SCRIPT_NAMES = {
    "LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "DEVANAGARI": "Deva", "ETHIOPIC": "Ethi",
    "THAI": "Thai", "MYANMAR": "Mymr", "CANADIAN": "Cans", "BENGALI": "Beng", "CJK": "Hani",
    "HIRAGANA": "Jpan", "KATAKANA": "Jpan", "HANGUL": "Hang", "TIFINAGH": "Tfng", "HEBREW": "Hebr",
    "GREEK": "Grek", "TIBETAN": "Tibt", "TELUGU": "Telu", "ARMENIAN": "Armn", "SYRIAC": "Syrc",
    "ORIYA": "Orya", "GEORGIAN": "Geor", "KHMER": "Khmr", "LAO": "Laoo", "KANNADA": "Knda", "LISU": "Lisu",
    "MEETEI": "Mtei", "KAYAH": "Kali", "GOTHIC": "Goth", "THAANA": "Thaa", "MONGOLIAN": "Mong",
    "MALAYALAM": "Mlym", "WARANG": "Wara", "CHEROKEE": "Cher", "NKO": "Nkoo", "OL": "Olck", "TAMIL": "Taml",
    "GURMUKHI": "Guru", "COPTIC": "Copt", "LIMBU": "Limb", "SINHALA": "Sinh", "GUJARATI": "Gujr",
}


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> str | None:
    try:
        first = unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return None
    return _SCRIPT_NAMES.get(first)


def dominant_script(text: str, sample: int = 2000) -> str | None:
    """The ISO 15924 code of the script most letters of ``text`` (its first
    ``sample`` characters) are in; Han and kana together count as Japanese
    when kana are present."""
    counts: dict[str, int] = {}
    for ch in text[:sample]:
        if ch.isalpha():
            script = _script_of(ch)
            if script is not None:
                counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    if counts.get("Jpan"):
        counts["Jpan"] += counts.pop("Hani", 0)
    return max(counts, key=counts.__getitem__)


class LanguageTable:
    """The parsed table; :meth:`label_for` and :meth:`params` look things up."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.labels: dict[str, dict[str, dict[str, Any]]] = data["labels"]
        self.lid176: dict[str, list[str]] = data["lid176"]
        self.language_score: dict[str, dict[str, Any]] = data["language_score"]
        self.source: str = data["source"]

    def label_for(self, language: str | None, text: str) -> str | None:
        """The table label for a document of ``language`` (GlotLID label or lid.176 code)."""
        if not language:
            return None
        if language.startswith("__label__"):
            language = language[len("__label__"):]
        if language in self.labels:
            return language
        labels = self.lid176.get(language)
        if not labels:
            return None
        if len(labels) == 1:
            return labels[0]
        script = dominant_script(text)
        for label in labels:
            if label.endswith("_" + (script or "")):
                return label
        return labels[0]

    def params(self, label: str, filter_name: str) -> dict[str, Any]:
        return self.labels[label].get(filter_name, {})

    def langid_thresholds(self) -> dict[str, float]:
        """Language-ID thresholds by label: GlotLID labels with FineWeb-2's
        published scores, lid.176 codes with the calibrated ones (the two label
        sets never collide, so one mapping serves either model)."""
        out = {label: float(score) for label, score in self.language_score["glotlid"].items()}
        out.update({code: float(v["threshold"]) for code, v in self.language_score["lid176"].items()})
        return out


@lru_cache(maxsize=1)
def load_table(name: str = "fineweb2") -> LanguageTable:
    if name not in TABLES:
        raise ValueError(f"unknown language threshold table {name!r}; known: {', '.join(TABLES)}")
    return LanguageTable(json.loads(TABLE_PATH.read_text(encoding="utf-8")))


__all__ = ["LanguageTable", "TABLES", "dominant_script", "load_table"]
