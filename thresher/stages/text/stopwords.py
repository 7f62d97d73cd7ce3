"""Stop words for Gopher's "at least two stop words" rule, per language.

English is Gopher's own list (Rae et al. 2021, appendix A1: "the, be, to, of,
and, that, have, with"). The others are lists of the same kind written for this
project: a dozen of the most frequent function words (articles, the commonest
prepositions and conjunctions, the copula), so that any real prose of a few
dozen words holds two of them while keyword salad, navigation menus and tables
usually do not. Words are lower case; callers lower-case before looking up.

Languages without a list here (and unspaced scripts, where words are not
whitespace-separated) have no stop-word rule: :func:`stop_words_for` returns
``None`` and the filter records that it skipped the rule.
"""

from __future__ import annotations

from thresher.stages.text.words import normalize_language

GOPHER_STOP_WORDS: frozenset[str] = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})

STOP_WORDS: dict[str, frozenset[str]] = {
    "en": GOPHER_STOP_WORDS,
    "de": frozenset("der die das und zu von mit den ist nicht sich ein eine".split()),
    "fr": frozenset("le la les de et à que des du un une est avec".split()),
    "es": frozenset("el la de que y en los las con es por un una".split()),
    "it": frozenset("il la di che e in per con un una è non".split()),
    "pt": frozenset("o a de que e do da em os com um uma não".split()),
    "nl": frozenset("de het een en van dat is met te zijn niet".split()),
    "ru": frozenset("и в не на что с по как это к он".split()),
    "pl": frozenset("i w na z że się do nie jest to".split()),
    "uk": frozenset("і в на що з не до у та як це".split()),
    "cs": frozenset("a v se na je že s z do o to".split()),
    "sv": frozenset("och i att det som en på är av för med till".split()),
    "da": frozenset("og i at det en til er som på de med af".split()),
    "no": frozenset("og i det er en til på som at med av for".split()),
    "nb": frozenset("og i det er en til på som at med av for".split()),
    "tr": frozenset("ve bir bu da de için ile çok gibi daha".split()),
    "id": frozenset("yang dan di ini itu dengan untuk dari dalam tidak".split()),
}


def stop_words_for(language: str | None, overrides: dict[str, list[str]] | None = None) -> frozenset[str] | None:
    """The stop words of ``language`` (``None`` -> English), or ``None`` if none known.

    ``overrides`` maps language codes to lists that replace the built-in ones.
    """
    lang = normalize_language(language) or "en"
    if overrides and lang in overrides:
        return frozenset(w.lower() for w in overrides[lang])
    return STOP_WORDS.get(lang)
