"""The texts the datatrove-decisions fixture is made from, rebuilt the same way by
``bench/datatrove_decisions.py`` (which asks datatrove) and by
``tests/test_filters_datatrove.py`` (which holds Thresher to its answers).

Three sources, each text with a stable id:

* ``gold/aeb/<key>``: the hand-made gold article text of the Scrapinghub
  article-extraction benchmark (``../shared/data/extract-scrapinghub-aeb``);
* ``gold/readability/<name>``: Readability's expected article HTML
  (``../shared/data/extract-readability-mozilla``), as text (block elements end
  lines);
* ``extracted/aeb/<key>`` and ``extracted/readability/<name>``: Thresher's own
  trafilatura extraction of those pages' HTML, what the pipeline filters;
* ``generated/<kind>/<i>``: pages made here from a seeded generator, built to
  sit near every rule's threshold (punctuation-heavy, list-like, repetitive,
  hash- and ellipsis-laden, short-lined pages).

Page text from ``../shared/data`` is never stored in the repository: the
fixture keeps ids, a SHA-1 of each text and the decisions. A test whose
rebuilt text no longer has the recorded hash (a different extractor version,
say) skips that document and says how many it skipped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from pathlib import Path
from typing import Iterator

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


# --- gold texts ------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol tr table pre blockquote section article header footer "
    "figure figcaption dd dt dl br hr td th caption aside nav main".split()
)


def html_to_text(html: str) -> str:
    """Readability's expected HTML as text: block elements and ``<br>`` end lines."""
    import lxml.html

    root = lxml.html.fromstring(html)
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style"):
            if el.tail:
                parts.append(el.tail)
            return
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def aeb_gold(data: Path = SHARED_DATA) -> Iterator[tuple[str, str]]:
    truth = json.loads((data / "extract-scrapinghub-aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        body = truth[key].get("articleBody") or ""
        if body.strip():
            yield f"gold/aeb/{key}", body


def readability_gold(data: Path = SHARED_DATA) -> Iterator[tuple[str, str]]:
    folder = data / "extract-readability-mozilla" / "expected"
    for path in sorted(folder.glob("*.html")):
        text = html_to_text(path.read_text(encoding="utf-8"))
        if text.strip():
            yield f"gold/readability/{path.stem}", text


def _html_pages(data: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted((data / "extract-scrapinghub-aeb" / "html").glob("*.html.gz")):
        yield f"aeb/{path.name[: -len('.html.gz')]}", gzip.decompress(path.read_bytes())
    for path in sorted((data / "extract-readability-mozilla" / "html").glob("*.html.gz")):
        yield f"readability/{path.name[: -len('.html.gz')]}", gzip.decompress(path.read_bytes())


def extracted(data: Path = SHARED_DATA) -> Iterator[tuple[str, str]]:
    """Thresher's trafilatura extraction of every benchmark page (in-process)."""
    from thresher.stages.extract.trafilatura_extractor import TrafilaturaExtractor
    from thresher.io.charset import decode_html

    extractor = TrafilaturaExtractor()
    for name, body in _html_pages(data):
        html, _ = decode_html(body)
        try:
            text = extractor.extract_inline(html, "")
        except Exception:  # noqa: BLE001 - a page the extractor rejects is simply not in the corpus
            continue
        if text and text.strip():
            yield f"extracted/{name}", text


# --- generated pages ---------------------------------------------------------------

_WORDS = (
    "the of and to in that is was for with as on by be at this have from or had not are but "
    "which one were all they there their been has more when would who will can if no out so said "
    "what up its about into than them only other new some could time these two may first then do "
    "any like my now over such our man me even most made after also did many before must through "
    "back years where much your way well down should because each just those people how too little "
    "state good very make world still own see men work long get here between both life being under "
    "never day same another know while last might us great old year off come since against go came "
    "right used take three company market season report policy system water history council street"
).split()
_CAPS = "Smith London Monday January Apple Council Museum River Paris Texas".split()
_PUNCT_TOKENS = ["|", "-", "--", "—", "•", "»", "©", "&", "/", "+", "*", "#", ":", "(", ")", "$5", "2021", "10", "3.5", "%"]


class PageGenerator:
    """Seeded pages of many shapes, each drawn around the rules' thresholds."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def word(self) -> str:
        r = self.r
        w = r.choice(_WORDS) if r.random() < 0.85 else r.choice(_CAPS)
        if r.random() < 0.03:
            w = w + "'s"
        if r.random() < 0.02:
            w = r.choice(["don't", "can't", "it's", "we're", "I'm", "you'll", "they've", "e.g.", "U.S.", "Dr.", "Inc."])
        return w

    def sentence(self, noise: float = 0.0) -> str:
        r = self.r
        n = r.randint(4, 22)
        words = []
        for _ in range(n):
            if r.random() < noise:
                words.append(r.choice(_PUNCT_TOKENS))
            else:
                words.append(self.word())
            if r.random() < 0.08:
                words[-1] += r.choice([",", ";", ":", ",", ")", '"'])
            if r.random() < 0.02:
                words[-1] = "(" + words[-1]
        s = " ".join(words)
        s = s[0].upper() + s[1:]
        return s + r.choice([".", ".", ".", "!", "?", "...", "", '."', ".)"])

    def line(self, noise: float) -> str:
        r = self.r
        k = r.choice([1, 1, 2, 3]) if r.random() < 0.7 else 0
        if k == 0:
            return " ".join(self.word() for _ in range(r.randint(1, 5)))
        return " ".join(self.sentence(noise) for _ in range(k))

    def page(self, kind: str) -> str:
        r = self.r
        n_lines = r.randint(3, 60)
        noise = {"prose": 0.02, "noisy": r.uniform(0.05, 0.35)}.get(kind, r.uniform(0.0, 0.1))
        lines = [self.line(noise) for _ in range(n_lines)]
        if kind == "list":
            marks = ["- ", "• ", "* ", "1. ", "", "", "> "]
            lines = [r.choice(marks) + " ".join(self.word() for _ in range(r.randint(1, 8))) for _ in range(n_lines)]
        elif kind == "repetitive":
            pool = [self.line(noise) for _ in range(r.randint(2, 8))]
            lines = [r.choice(pool) if r.random() < r.uniform(0.1, 0.6) else line for line in lines]
        elif kind == "hashes":
            lines = [("#" * r.randint(1, 3) + " " if r.random() < 0.4 else "") + line for line in lines]
            lines = [line + (" ..." if r.random() < 0.3 else "") for line in lines]
        elif kind == "ellipsis":
            lines = [line.rstrip(".!?") + ("..." if r.random() < 0.5 else "…") if r.random() < 0.45 else line for line in lines]
        elif kind == "short":
            lines = [" ".join(self.word() for _ in range(r.randint(1, 6))) if r.random() < 0.6 else line for line in lines]
        elif kind == "table":
            lines = [
                " | ".join(str(r.randint(0, 999)) if r.random() < 0.6 else self.word() for _ in range(r.randint(2, 7)))
                if r.random() < 0.6
                else line
                for line in lines
            ]
        elif kind == "code":
            lines = [
                r.choice(["x = {", "}", "if (a < b) {", "return x;", "// " + self.sentence(), "var y = f(z);"])
                if r.random() < 0.3
                else line
                for line in lines
            ]
        elif kind == "ngrams":
            phrase = " ".join(self.word() for _ in range(r.randint(2, 6)))
            lines = [" ".join(phrase if r.random() < r.uniform(0.1, 0.5) else self.word() for _ in range(r.randint(5, 30))) + "." for _ in range(n_lines)]
        sep = "\n\n" if r.random() < 0.3 else "\n"
        text = sep.join(lines)
        if r.random() < 0.1:
            text += "\n\n" + "\n".join(r.choice(["Home", "About us", "Contact", "Privacy Policy", "Terms of Use", "Share", "Tweet"]) for _ in range(r.randint(2, 8)))
        if r.random() < 0.03:
            text = text.replace(". ", ". Lorem ipsum dolor sit amet. ", 1)
        return text


GENERATED_KINDS = ("prose", "noisy", "list", "repetitive", "hashes", "ellipsis", "short", "table", "code", "ngrams")


def generated(per_kind: int = 60, seed: int = 18) -> Iterator[tuple[str, str]]:
    gen = PageGenerator(seed)
    for kind in GENERATED_KINDS:
        for i in range(per_kind):
            yield f"generated/{kind}/{i}", gen.page(kind)


def corpus(data: Path = SHARED_DATA, *, with_shared: bool = True, with_extracted: bool = True) -> Iterator[tuple[str, str]]:
    """Every (id, text) of the fixture, in a fixed order."""
    if with_shared and data.is_dir():
        yield from aeb_gold(data)
        yield from readability_gold(data)
        if with_extracted:
            yield from extracted(data)
    yield from generated()


# --- holding Thresher to the fixture ------------------------------------------------

FIXTURE = Path(__file__).resolve().parent / "data" / "datatrove_decisions.json"
RULES = ("gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality")

#: datatrove's drop reasons in Thresher's words (the rest are the same in both).
DATATROVE_REASONS = {
    "gopher_short_doc": "short_doc",
    "gopher_long_doc": "long_doc",
    "gopher_below_avg_threshold": "below_avg_word_length",
    "gopher_above_avg_threshold": "above_avg_word_length",
    "gopher_too_many_hashes": "too_many_hashes",
    "gopher_too_many_ellipsis": "too_many_ellipsis",
    "gopher_too_many_bullets": "too_many_bullets",
    "gopher_too_many_end_ellipsis": "too_many_end_ellipsis",
    "gopher_below_alpha_threshold": "below_alpha_threshold",
    "gopher_enough_stop_words": "not_enough_stop_words",
}


def load_fixture(path: Path = FIXTURE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def agreement(fixture: dict, texts: dict[str, str], preset: str = "fineweb", language: str = "en") -> dict:
    """Per rule of ``preset``: how many of the fixture's ``language`` texts get
    datatrove's decision (keep, or drop for the same reason) from Thresher.

    Each rule runs alone on the text, as the fixture's were made. Texts whose
    rebuilt SHA-1 differs from the recorded one are counted as ``stale`` and
    left out.
    """
    from thresher.stages.filters.registry import PRESETS, build_filter
    from thresher.record import Document

    params = dict(PRESETS[preset])
    filters = {rule: build_filter(rule, params[rule]) for rule in RULES}
    out: dict = {"docs": 0, "stale": 0, "missing": 0, "rules": {}}
    per_rule = {rule: {"same": 0, "total": 0, "differ": []} for rule in RULES}
    for rec in fixture["docs"]:
        if rec["lang"] != language:
            continue
        text = texts.get(rec["id"])
        if text is None:
            out["missing"] += 1
            continue
        if text_sha1(text)[: len(rec["sha1"])] != rec["sha1"]:
            out["stale"] += 1
            continue
        out["docs"] += 1
        for rule, f in filters.items():
            want = rec[rule]
            want = DATATROVE_REASONS.get(want, want)
            got = f.filter(Document(id=rec["id"], url="", text=text, language=language))
            stats = per_rule[rule]
            stats["total"] += 1
            if got == want:
                stats["same"] += 1
            else:
                stats["differ"].append((rec["id"], want, got))
    for rule, stats in per_rule.items():
        stats["agreement"] = stats["same"] / stats["total"] if stats["total"] else None
        out["rules"][rule] = stats
    return out
