"""Turns a language's templates into page text: articles, near-duplicates, junk."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from thresher.tools.sample.corpus import LanguageCorpus
from thresher.tools.sample.shingles import text_similarity

_ALTERNATION = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([a-z_]+?)(\d?)\}")
_WORD = re.compile(r"\w+")

@dataclass(frozen=True)
class Article:
    """The main text of one page: a title and its paragraphs."""

    language: str
    topic: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def main_text(self) -> str:
        """Title and paragraphs, one per line: what a good extractor should return."""
        return "\n".join((self.title, *self.paragraphs))


def fill_template(template: str, slots: dict[str, tuple[str, ...]], rng: random.Random,
                  fixed: dict[str, str] | None = None) -> str:
    """Resolve ``[a|b]`` alternatives, then ``{slot}``/``{slot2}`` from ``slots``.

    ``{x}`` and ``{x2}`` in one template get different values; ``fixed`` pins a
    slot to one value for the whole page (the town a page is about, say).
    """
    text = _ALTERNATION.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    chosen: dict[tuple[str, str], str] = {}

    def pick(match: re.Match[str]) -> str:
        base, index = match.group(1), match.group(2)
        key = (base, index)
        if key not in chosen:
            if fixed and base in fixed and not index:
                chosen[key] = fixed[base]
            else:
                taken = {v for (b, _), v in chosen.items() if b == base}
                options = [v for v in slots[base] if v not in taken] or list(slots[base])
                chosen[key] = rng.choice(options)
        return chosen[key]

    return _SLOT.sub(pick, text)


def _capitalize(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _join(corpus: LanguageCorpus, sentences: list[str]) -> str:
    return (" " if corpus.spaced else "").join(sentences)


def topic_slots(corpus: LanguageCorpus, topic: str) -> dict[str, tuple[str, ...]]:
    """The vocabulary a template of ``topic`` draws from: topic slots over common ones."""
    return {**corpus.common_slots, **corpus.topics[topic].slots}


def compose_article(corpus: LanguageCorpus, rng: random.Random, topic: str | None = None) -> Article:
    """A fresh, natural-looking article of roughly 200-600 words.

    Each page uses a random subset of its topic's templates and a few generic
    ones, so two pages on one topic share only part of their templates, and the
    ``[a|b]`` alternatives and slots make even those share few 5-grams.
    """
    topic = topic or rng.choice(sorted(corpus.topics))
    fixed = {"town": rng.choice(corpus.common_slots["town"])}
    own = corpus.topics[topic].sentences
    picked = rng.sample(own, rng.randint(min(7, len(own)), len(own)))
    picked += rng.sample(corpus.generic_sentences, rng.randint(5, 9))
    rng.shuffle(picked)
    body = [_capitalize(fill_template(t, topic_slots(corpus, topic), rng, fixed)) for t in picked]
    paragraphs = _paragraphs(corpus, body, rng)
    # Some pages wander into a second topic for a paragraph or two.
    if rng.random() < 0.5:
        other = rng.choice([name for name in sorted(corpus.topics) if name != topic])
        aside = rng.sample(corpus.topics[other].sentences, rng.randint(4, 7))
        filled = [_capitalize(fill_template(t, topic_slots(corpus, other), rng, fixed)) for t in aside]
        at = rng.randint(1, len(paragraphs))
        paragraphs[at:at] = _paragraphs(corpus, filled, rng)
    title = _capitalize(fill_template(rng.choice(corpus.topics[topic].titles),
                                      topic_slots(corpus, topic), rng, fixed))
    return Article(corpus.code, topic, title, tuple(paragraphs))


def _paragraphs(corpus: LanguageCorpus, sentences: list[str], rng: random.Random) -> list[str]:
    """Group sentences into paragraphs of two to five."""
    paragraphs: list[str] = []
    while sentences:
        size = rng.randint(2, 5)
        paragraphs.append(_join(corpus, sentences[:size]))
        sentences = sentences[size:]
    return paragraphs


def near_duplicate(article: Article, corpus: LanguageCorpus, rng: random.Random,
                   min_similarity: float = 0.8) -> tuple[Article, float]:
    """``article`` with a few words swapped for others: similar, but not identical.

    Words are changed at least six words apart, so each change touches its own
    five 5-grams and the similarity stays predictable (about (n-5k)/(n+5k)).
    Returns the copy and its 5-gram Jaccard similarity with the original.
    """
    if not corpus.spaced:
        raise ValueError("near-duplicates are planted in space-separated languages only")
    paragraphs = list(article.paragraphs)
    # Positions of candidate words (longer than three letters), paragraph by paragraph.
    candidates = [
        (p, m.start(), m.end())
        for p, text in enumerate(paragraphs)
        for m in _WORD.finditer(text)
        if len(m.group()) > 3 and not m.group()[0].isupper()
    ]
    changes = max(2, min(4, len(candidates) // 80))
    for _ in range(20):
        picks = sorted(rng.sample(range(len(candidates)), changes))
        if all(b - a >= 6 for a, b in zip(picks, picks[1:])):
            break
    edited = list(paragraphs)
    # Replace right-to-left within a paragraph so earlier offsets stay valid.
    for index in reversed(picks):
        p, start, end = candidates[index]
        old = edited[p][start:end]
        new = rng.choice([w for w in corpus.substitutes if w != old.lower()])
        edited[p] = edited[p][:start] + new + edited[p][end:]
    copy = Article(article.language, article.topic, article.title, tuple(edited))
    similarity = text_similarity(article.main_text, copy.main_text, corpus.spaced)
    if copy.main_text == article.main_text or similarity < min_similarity:
        raise ValueError(f"near-duplicate out of range: similarity {similarity:.3f}")
    return copy, similarity


def word_salad(corpus: LanguageCorpus, rng: random.Random) -> tuple[str, ...]:
    """Lines of random content words: no function words, no sentence punctuation."""
    words = corpus.low_quality.salad_words
    joiner = " " if corpus.spaced else ""
    lines = []
    for _ in range(rng.randint(5, 9)):
        lines.append(joiner.join(rng.choice(words) for _ in range(rng.randint(12, 24))))
    return tuple(lines)


def repeated_lines(corpus: LanguageCorpus, rng: random.Random) -> tuple[str, ...]:
    """A handful of lines, each repeated many times: a duplicate-line filter's target."""
    lines = list(corpus.low_quality.repeated_lines)
    rng.shuffle(lines)
    repeats = rng.randint(6, 10)
    return tuple(line for _ in range(repeats) for line in lines[:3])


def too_short(corpus: LanguageCorpus, rng: random.Random) -> tuple[str, ...]:
    """One or two short lines: far below any minimum word count."""
    return tuple(rng.sample(corpus.low_quality.too_short, rng.randint(1, 2)))


def link_texts(corpus: LanguageCorpus, rng: random.Random, count: int) -> list[str]:
    """Short link labels of two or three content words, as on a link farm."""
    joiner = " " if corpus.spaced else ""
    words = corpus.low_quality.salad_words
    return [joiner.join(rng.sample(words, rng.randint(2, 3))) for _ in range(count)]
