"""The language-ID stage: label every document, keep what the config asks for."""

from __future__ import annotations

from typing import Mapping, Sequence

from thresher.stages.langid.fasttext_lid import FastTextLanguageIdentifier, LanguagePrediction
from thresher.record import Document


class LanguageFilter:
    """Records language and score on the document; drops below the threshold.

    ``languages=None`` keeps every language (RefinedWeb's multilingual
    setting); ``thresholds`` overrides ``threshold`` per language.
    """

    name = "langid"

    def __init__(
        self,
        *,
        model_path: str | None = None,
        threshold: float | None = 0.65,
        languages: Sequence[str] | None = None,
        thresholds: Mapping[str, float] | None = None,
        top_k: int = 3,
        record_top_k: bool = False,
    ) -> None:
        self.identifier = FastTextLanguageIdentifier(model_path, top_k=top_k)
        self.threshold = threshold
        self.languages = frozenset(languages) if languages is not None else None
        self.thresholds = dict(thresholds or {})
        self.record_top_k = record_top_k

    def load(self) -> None:
        self.identifier.load()

    def filter(self, doc: Document, prediction: LanguagePrediction | None = None) -> str | None:
        """The drop reason, or None to keep ``doc``; ``prediction``: one already made for ``doc.text``
        with this stage's model and top_k (the extractor's language gate hands its own on)."""
        if prediction is None:
            prediction = self.identifier.predict(doc.text)
        doc.language = prediction.language
        doc.language_score = round(prediction.score, 4)
        if self.record_top_k:
            for rank, (lang, score) in enumerate(prediction.top):
                doc.signals[f"langid.top{rank + 1}.{lang}"] = round(score, 4)
        if self.languages is not None and prediction.language not in self.languages:
            return "language_not_kept"
        threshold = self.thresholds.get(prediction.language, self.threshold)
        if threshold is not None and prediction.score < threshold:
            return "below_threshold"
        return None
