"""Language-aware text utilities: word and sentence splitting, stop words."""

from thresher.stages.text.sentences import count_sentences, split_sentences
from thresher.stages.text.stopwords import STOP_WORDS, stop_words_for
from thresher.stages.text.words import UNSPACED_LANGUAGES, is_unspaced_language, normalize_language, split_words

__all__ = [
    "STOP_WORDS",
    "UNSPACED_LANGUAGES",
    "count_sentences",
    "is_unspaced_language",
    "normalize_language",
    "split_sentences",
    "split_words",
    "stop_words_for",
]
