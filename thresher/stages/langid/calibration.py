"""Language-ID thresholds carried from one fastText model to another.

FineWeb-2's per-language ``language_score`` thresholds are GlotLID scores.
lid.176 is also a fastText softmax classifier, but calibrated differently: on
the same clean sentence the two give different scores. :func:`calibrate_thresholds`
carries a reference threshold to lid.176 (or any model) with labelled, clean
text of each language:

* measure the model's score on the sentences of the language it labels
  correctly (a sentence it gets wrong says nothing of its scores);
* scale the reference threshold by the model's median score there (a model
  that gives clean text of a language lower scores gets a lower bar);
* never set it above the lowest score the model gave a clean sentence of the
  language: clean text of the language is kept;
* a language without labelled sentences takes the median scale of the others.

The labelled set shipped for development (``lid-tatoeba-cld2``: 462 sentences,
84 languages, easy ones) is small: each language's scale rests on a handful
of sentences. With GlotLID itself (``langid.model`` set to its path) no
calibration is needed: its labels (``deu_Latn``) look up FineWeb-2's scores
as published.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable, Mapping

from thresher.stages.text.languages import ISO639_3_TO_LID176


def read_tatoeba(path: str | Path) -> list[tuple[str, str]]:
    """``(ISO 639-3 label, sentence)`` pairs of ``lid-tatoeba-cld2``'s TSV."""
    rows = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        parts = line.split("\t")
        if i == 0 or len(parts) < 4:
            continue
        rows.append((parts[2], parts[3]))
    return rows


def clean_scores(identifier, labelled: Iterable[tuple[str, str]]) -> dict[str, list[float]]:
    """Per lid.176 code, the model's scores on the sentences it labels right, ascending."""
    measured: dict[str, list[float]] = {}
    for iso3, sentence in labelled:
        code = ISO639_3_TO_LID176.get(iso3, iso3)
        prediction = identifier.predict(sentence)
        if prediction.language == code:
            measured.setdefault(code, []).append(prediction.score)
    for values in measured.values():
        values.sort()
    return measured


def calibrate_thresholds(
    identifier, labelled: Iterable[tuple[str, str]], reference: Mapping[str, float]
) -> dict[str, dict]:
    """``{code: {"threshold", "reference", "sentences", "how"}}`` for each code of ``reference``."""
    measured = clean_scores(identifier, labelled)
    scales = {code: values[len(values) // 2] for code, values in measured.items() if values}
    ordered = sorted(scales.values())
    default_scale = ordered[len(ordered) // 2] if ordered else 1.0
    out: dict[str, dict] = {}
    for code, ref in sorted(reference.items()):
        values = measured.get(code, [])
        scale = scales.get(code, default_scale)
        threshold = ref * scale
        if values:
            how = f"{ref} x median score {scale:.3f} on {len(values)} labelled sentences"
            if threshold > values[0]:
                threshold = values[0]
                how += f", capped at the lowest ({values[0]:.3f})"
        else:
            how = f"{ref} x median scale {default_scale:.3f} (no labelled sentences)"
        # Rounded down: a threshold capped at a score must not end up above it.
        out[code] = {"threshold": math.floor(threshold * 1000) / 1000, "reference": ref, "sentences": len(values), "how": how}
    return out


__all__ = ["calibrate_thresholds", "clean_scores", "read_tatoeba"]
