"""The text the sample crawl is made of: one module per language, all written for it.

Every language provides sentence *templates* rather than finished sentences, so a
few hundred lines of hand-written prose yield thousands of distinct pages. Two
devices keep pages apart from one another (the pipeline's MinHash dedup must not
merge two good pages):

* ``{slot}`` is filled from a vocabulary (the topic's slots, then the language's
  common slots); ``{slot2}`` draws a value different from ``{slot}``.
* ``[one|two|three]`` picks one alternative, so even the fixed parts of a
  template vary and two pages using the same template share few word 5-grams.
"""

from __future__ import annotations

from thresher.tools.sample.corpus.model import Boilerplate, LanguageCorpus, LowQuality, TOPIC_NAMES, Topic

__all__ = ["Boilerplate", "LanguageCorpus", "LowQuality", "TOPIC_NAMES", "Topic", "load_corpora"]


def load_corpora() -> dict[str, LanguageCorpus]:
    """All languages, keyed by ISO code, in a fixed order."""
    from thresher.tools.sample.corpus import de, en, es, fr, ja, ru, zh

    corpora = [en.CORPUS, de.CORPUS, fr.CORPUS, es.CORPUS, ru.CORPUS, ja.CORPUS, zh.CORPUS]
    return {corpus.code: corpus for corpus in corpora}
