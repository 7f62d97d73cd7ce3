"""Extraction quality against gold main text: bag-of-words precision, recall and F1, per page.

One definition, shared by ``bench/bench_extract_quality.py`` and the tests:

* tokens are the lower-cased ``\\w+`` runs of a text (Unicode word characters);
* a page's precision is the multiset overlap of output and gold tokens over
  the output's tokens, its recall that overlap over the gold's tokens, its F1
  their harmonic mean;
* a set's figure is the plain mean over its pages (F1 is averaged per page,
  not computed from averaged precision and recall);
* a page with no output (None, empty, or no word at all) scores precision 0,
  recall 0 and F1 0 when its gold has words;
* a page whose gold has no word: an empty output is right (1, 1, 1) and any
  output is wrong (0, 0, 0). Neither dev gold set has such a page today.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str | None) -> list[str]:
    """The lower-cased word tokens of ``text`` (none for None)."""
    return _WORD.findall(text.lower()) if text else []


def word_count(text: str | None) -> int:
    """How many word tokens ``text`` has (0 for None): :func:`words` without building the list's strings lowered."""
    return len(_WORD.findall(text)) if text else 0


@dataclass(frozen=True)
class PageScore:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def page_score(output: str | None, gold: str | Counter) -> PageScore:
    """Bag-of-words precision and recall of one page's ``output`` against its ``gold`` text (or token counts)."""
    ref = gold if isinstance(gold, Counter) else Counter(words(gold))
    pred = Counter(words(output))
    if not ref:
        return PageScore(1.0, 1.0) if not pred else PageScore(0.0, 0.0)
    if not pred:
        return PageScore(0.0, 0.0)
    overlap = sum((ref & pred).values())
    return PageScore(overlap / sum(pred.values()), overlap / sum(ref.values()))


def page_f1(output: str | None, gold: str | Counter) -> float:
    return page_score(output, gold).f1


@dataclass(frozen=True)
class SetScore:
    """Means over a set's pages; ``empty`` counts pages with no output whose gold has words."""

    pages: int
    precision: float
    recall: float
    f1: float
    empty: int

    def as_dict(self, digits: int = 4) -> dict[str, float | int]:
        return {
            "pages": self.pages,
            "precision": round(self.precision, digits),
            "recall": round(self.recall, digits),
            "f1": round(self.f1, digits),
            "empty": self.empty,
        }


def set_score(outputs: Sequence[str | None], golds: Sequence[str | Counter]) -> SetScore:
    """Per-page scores averaged over the set (``outputs`` and ``golds`` in the same page order)."""
    if len(outputs) != len(golds):
        raise ValueError(f"{len(outputs)} outputs for {len(golds)} gold pages")
    if not golds:
        return SetScore(0, 0.0, 0.0, 0.0, 0)
    scores = [page_score(out, gold) for out, gold in zip(outputs, golds)]
    n = len(scores)
    empty = sum(1 for out, gold in zip(outputs, golds) if not words(out) and _has_words(gold))
    return SetScore(
        pages=n,
        precision=sum(s.precision for s in scores) / n,
        recall=sum(s.recall for s in scores) / n,
        f1=sum(s.f1 for s in scores) / n,
        empty=empty,
    )


def oracle_f1(per_extractor_f1: Iterable[Sequence[float]]) -> float:
    """The mean over pages of the best extractor's F1 on each page (the per-page oracle)."""
    columns = list(per_extractor_f1)
    if not columns or not columns[0]:
        return 0.0
    return sum(max(page) for page in zip(*columns)) / len(columns[0])


def _has_words(gold: str | Counter) -> bool:
    return bool(gold) if isinstance(gold, Counter) else bool(words(gold))
