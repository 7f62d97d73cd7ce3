"""Boilerplate containers named in the page's markup, found without parsing it, for resiliparse to leave out.

resiliparse's main-content heuristics keep most of what trafilatura prunes
by name: share bars, newsletter boxes, "related" and "most popular" lists,
teasers, bylines, captions, cookie notices. trafilatura finds those with
XPath tests on ``class`` and ``id`` over its parsed tree (nearly half its
CPU). Here the same kind of names are read from the page's opening tags with
a few regular expressions, and each matching tag becomes an exact CSS
selector that resiliparse's C++ DOM walker skips at no cost.

The name vocabulary follows trafilatura 2.3's discard lists (its
``OVERALL_DISCARD_XPATH``, ``TEASER_DISCARD_XPATH`` and
``DISCARD_IMAGE_ELEMENTS``; Apache-2.0), minus the tokens it keeps for
single sites: general names, no per-site rule, and not fitted to Thresher's
dev gold sets. As there, only block and inline containers are tested
(``div``, ``section``, ``p``, ``span``, lists and their items): an
``<article>`` or ``<body>`` that carries such a name is never skipped.

:func:`largest_article` finds the page's largest top-level ``<article>``
element by its tags, for the caller to restrict extraction to it.
"""

from __future__ import annotations

import bisect
import html as html_entities
import re
from typing import Iterable

# Tested on both attributes.
_ID_OR_CLASS = ("^shar", "social", "viral", "newsletter", "syndication", "tags", "sidebar", "banner",
                "bread-?crumb", "button", "author", "[Tt]easer", "caption")
_ID_ONLY = ("footer", "Footer", "share", "Share", "nav", "Nav", "menu", "related", "message-container", "premium",
            "^ad-")
_CLASS_ONLY = (
    # navigation
    "^(?:nav|post-nav)", "subnav", "avigation", "navbar", "navbox", "menu", "bar",
    # advertising
    " ad ", "-ad-", "(?:^| )ad-", "dfp[Aa]d", "outbrain", "taboola", "criteo", "paid-?content", "widget",
    # page furniture: footers, bylines, share and tag bars, consent and modal boxes
    "footer", "Footer", "byline", "Byline", "share-", "sociable", "embedded", "embed", "tag-list", "consent",
    "modal-content", "permission",
    # links to other stories
    "elated", "next-", "-stories", "most-popular", "more-on",
    # post metadata and widgets around the text
    "meta", "rating", "attachment", "timestamp", "user-info", "user-profile", "-icon", "article-infos",
    "message-container", "slide", "viewport", "overlay", "options", "expand", "obfuscated", "blurred",
)
# One pattern per name: a literal prefix lets the regex engine skip ahead, where one long alternation
# tries every name at every character. Values are matched one per line ("^" starts a value).
_NAMES = {
    "id": tuple(re.compile(t, re.M) for t in _ID_OR_CLASS + _ID_ONLY),
    "class": tuple(re.compile(t, re.M) for t in _ID_OR_CLASS + _CLASS_ONLY),
}
_OPEN_TAG = re.compile(
    r"<([dD][iI][vV]|[sS][pP][aA][nN]|[pP]|[sS][eE][cC][tT][iI][oO][nN]|[uUoO][lL]|[lL][iI]|[dD][lLdDtT])\s([^>]*)"
)
_ATTRIBUTE = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ARTICLE_OPEN = re.compile(r"<article[\s>]", re.IGNORECASE)
_ARTICLE_CLOSE = re.compile(r"</article\s*>", re.IGNORECASE)


def boilerplate_selectors(html: str) -> list[str]:
    """CSS selectors (``tag[class="..."]``, ``tag[id="..."]``) for the page's containers named like boilerplate.

    Sorted, so that the same page always gives the same list.
    """
    values: dict[str, set[tuple[str, str]]] = {"id": set(), "class": set()}
    for tag, attributes in set(_OPEN_TAG.findall(html)):
        for name, double_quoted, single_quoted in _ATTRIBUTE.findall(attributes):
            name = name.lower()
            value = double_quoted or single_quoted
            if value and name in values:
                values[name].add((tag.lower(), value))
    selectors: set[str] = set()
    for attribute, pairs in values.items():
        for tag, value in _named_like_boilerplate(sorted(pairs), _NAMES[attribute]):
            selectors.add(f'{tag}[{attribute}="{css_string(html_entities.unescape(value))}"]')
    return sorted(selectors)


def _named_like_boilerplate(pairs: list[tuple[str, str]], names: Iterable[re.Pattern]) -> set[tuple[str, str]]:
    """The (tag, value) pairs whose value one of ``names`` matches: all values tested at once, one per line."""
    if not pairs:
        return set()
    joined = "\n".join(value.replace("\n", " ") for _, value in pairs)
    starts = [0]
    for _, value in pairs[:-1]:
        starts.append(starts[-1] + len(value) + 1)
    return {pairs[bisect.bisect_right(starts, m.start()) - 1] for name in names for m in name.finditer(joined)}


def css_string(value: str) -> str:
    """``value`` escaped for a double-quoted CSS string (newlines as ``\\a``, so that the selector parses)."""
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\ufffd")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\a ").replace("\f", "\\c ")


def largest_article(html: str) -> tuple[int, int] | None:
    """Start and end offsets of the page's largest top-level ``<article>`` element, or None when it has none.

    Nested articles (comments, embedded posts) belong to the one around them;
    an unclosed article is ignored.
    """
    events = sorted([(m.start(), 1) for m in _ARTICLE_OPEN.finditer(html)]
                    + [(m.end(), -1) for m in _ARTICLE_CLOSE.finditer(html)])
    open_at: list[int] = []
    best: tuple[int, int] | None = None
    for offset, kind in events:
        if kind == 1:
            open_at.append(offset)
        elif open_at:
            start = open_at.pop()
            if not open_at and (best is None or offset - start > best[1] - best[0]):
                best = (start, offset)
    return best
