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

# Names, as substrings of the attribute's value; "^" marks one that must start it (trafilatura's regexes
# expanded into plain strings, so that a substring search finds them: "bread-?crumb" is two names here).
# Tested on both attributes:
_ID_OR_CLASS = ("^shar", "social", "viral", "newsletter", "syndication", "tags", "sidebar", "banner",
                "breadcrumb", "bread-crumb", "button", "author", "teaser", "Teaser", "caption")
_ID_ONLY = ("footer", "Footer", "share", "Share", "nav", "Nav", "menu", "related", "message-container", "premium",
            "^ad-")
_CLASS_ONLY = (
    # navigation
    "^nav", "^post-nav", "subnav", "avigation", "navbar", "navbox", "menu", "bar",
    # advertising
    " ad ", "-ad-", "^ad-", " ad-", "dfpAd", "dfpad", "outbrain", "taboola", "criteo", "paidcontent", "paid-content",
    "widget",
    # page furniture: footers, bylines, share and tag bars, consent and modal boxes
    "footer", "Footer", "byline", "Byline", "share-", "sociable", "embedded", "embed", "tag-list", "consent",
    "modal-content", "permission",
    # links to other stories
    "elated", "next-", "-stories", "most-popular", "more-on",
    # post metadata and widgets around the text
    "meta", "rating", "attachment", "timestamp", "user-info", "user-profile", "-icon", "article-infos",
    "message-container", "slide", "viewport", "overlay", "options", "expand", "obfuscated", "blurred",
)
# Searched for in the values joined one per line: "^name" becomes "\nname" (the joined string starts with "\n").
_NAMES = {
    "id": tuple(sorted({n.replace("^", "\n") for n in _ID_OR_CLASS + _ID_ONLY})),
    "class": tuple(sorted({n.replace("^", "\n") for n in _ID_OR_CLASS + _CLASS_ONLY})),
}
# Lower or upper case names only: a literal alternation the regex engine scans for quickly.
_OPEN_TAG = re.compile(r"<(div|span|p|section|ul|ol|li|dl|dd|dt|DIV|SPAN|P|SECTION|UL|OL|LI|DL|DD|DT)\s([^>]*)")
# class= or id= among an opening tag's attributes (the name after a space or a quote: not data-id=).
_CLASS_OR_ID = re.compile(r"(?<=[\s\"'])([cC][lL][aA][sS][sS]|[iI][dD])\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ARTICLE_TAG = re.compile(r"<(/?)(?:article|ARTICLE|Article)[\s>]")


def boilerplate_selectors(html: str) -> list[str]:
    """CSS selectors (``tag[class="..."]``, ``tag[id="..."]``) for the page's containers named like boilerplate.

    Sorted, so that the same page always gives the same list.
    """
    attributes_by_tag: dict[str, list[str]] = {}
    for tag, attributes in set(_OPEN_TAG.findall(html)):
        attributes_by_tag.setdefault(tag.lower(), []).append(attributes)
    found: dict[str, set[tuple[str, str]]] = {"id": set(), "class": set()}
    for tag, attribute_lists in attributes_by_tag.items():
        # One regex pass per element name over its tags' attributes, joined by ">" (which none holds),
        # each after a space (for the lookbehind).
        for name, double_quoted, single_quoted in set(_CLASS_OR_ID.findall(">".join(" " + a for a in attribute_lists))):
            if value := double_quoted or single_quoted:
                found[name.lower()].add((tag, value))
    selectors = set()
    for attribute, pairs in found.items():
        named = _named_like_boilerplate({value for _, value in pairs}, _NAMES[attribute])
        selectors.update(f'{tag}[{attribute}="{css_string(html_entities.unescape(value))}"]'
                         for tag, value in pairs if value in named)
    return sorted(selectors)


def _named_like_boilerplate(values: set[str], names: Iterable[str]) -> set[str]:
    """The values holding one of ``names``: all searched at once, one value per line of a joined string."""
    if not values:
        return set()
    ordered = sorted(values)
    joined = "\n" + "\n".join(value.replace("\n", " ") for value in ordered)
    starts, offset = [], 1
    for value in ordered:
        starts.append(offset)
        offset += len(value) + 1
    named = set()
    for name in names:
        at = joined.find(name)
        while at >= 0:
            # A "\n"-led name (one that starts a value) belongs to the value after the newline.
            named.add(ordered[bisect.bisect_right(starts, at + (name[0] == "\n")) - 1])
            at = joined.find(name, at + 1)
    return named


def css_string(value: str) -> str:
    """``value`` escaped for a double-quoted CSS string (newlines as ``\\a``, so that the selector parses)."""
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\ufffd")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\a ").replace("\f", "\\c ")


def largest_article(html: str) -> tuple[int, int] | None:
    """Start and end offsets of the page's largest top-level ``<article>`` element, or None when it has none.

    Nested articles (comments, embedded posts) belong to the one around them;
    an unclosed article is ignored.
    """
    open_at: list[int] = []
    best: tuple[int, int] | None = None
    for m in _ARTICLE_TAG.finditer(html):
        if not m.group(1):
            open_at.append(m.start())
        elif open_at:
            start = open_at.pop()
            if not open_at and (best is None or m.end() - start > best[1] - best[0]):
                best = (start, m.end())
    return best
