"""Skip the expensive extractor on pages the run will drop for their language.

The combined extractor runs resiliparse first (about a tenth of trafilatura's
CPU). When the run keeps only some languages (``langid.languages``) and
resiliparse's text is confidently in another one, trafilatura's text would go
to the language stage only to be dropped there: the gate says so, and the page
keeps resiliparse's text. The language stage then drops it as
``language_not_kept``, on the same text the gate read, from the gate's own
prediction (the same model on the same text: it is not predicted twice).

The gate only ever skips work on pages in a language that is not kept: a page
in a kept language, or one the model is unsure of, is extracted as before.
Measured on the real and generated pages in BENCHMARKS.md §6 ("The language
gate"), no page the run would have kept was lost.
"""

from __future__ import annotations

from typing import Any, Sequence

from thresher.stages.langid.fasttext_lid import (
    FastTextLanguageIdentifier,
    LanguagePrediction,
)

#: The gate acts only when language ID is at least this sure of a language that is not kept.
DEFAULT_MIN_SCORE = 0.5


class LanguageGate:
    """Whether a text is, confidently, in none of the ``languages`` the run keeps.

    ``model_path`` is the language stage's model (None: the bundled lid.176),
    so the gate and the stage use the same labels. The model loads on first use,
    in whichever process extracts.
    """

    def __init__(
        self,
        *,
        languages: Sequence[str],
        model_path: str | None = None,
        min_score: float = DEFAULT_MIN_SCORE,
        top_k: int = 3,
    ) -> None:
        if isinstance(languages, str) or not languages or not all(isinstance(x, str) and x for x in languages):
            raise ValueError("language_gate.languages must be a non-empty list of language labels")
        if not 0.0 <= min_score <= 1.0:
            raise ValueError(f"language_gate.min_score must be within 0..1, got {min_score}")
        self.languages = frozenset(languages)
        self.model_path = model_path
        self.min_score = min_score
        # The language stage's top_k: its prediction, handed on, is the one it would have made.
        self._identifier = FastTextLanguageIdentifier(model_path, top_k=top_k)

    def params(self) -> dict[str, Any]:
        """The keyword arguments that rebuild this gate (in the extraction worker process)."""
        return {"languages": sorted(self.languages), "model_path": self.model_path, "min_score": self.min_score,
                "top_k": self._identifier.top_k}

    def rules_out(self, text: str) -> LanguagePrediction | None:
        """The prediction for ``text`` when it is confidently in a language the run does not keep; else None."""
        prediction = self._identifier.predict(text)
        if prediction.language in self.languages or prediction.score < self.min_score:
            return None
        return prediction
