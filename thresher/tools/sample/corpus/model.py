"""The shapes a language's sample text takes (see :mod:`thresher.tools.sample.corpus`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# The topics every language writes about; a page is about one of them.
TOPIC_NAMES: tuple[str, ...] = (
    "cooking",
    "travel",
    "gardening",
    "bicycle",
    "astronomy",
    "town_history",
)


@dataclass(frozen=True)
class Topic:
    """What one language says about one topic."""

    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    slots: Mapping[str, tuple[str, ...]]
    label: str  # the section name shown in menus and breadcrumbs


@dataclass(frozen=True)
class Boilerplate:
    """The words around the main text: menus, banners, footers, comments."""

    nav: tuple[str, ...]
    taglines: tuple[str, ...]
    cookie_notices: tuple[str, ...]
    cookie_accept: str
    cookie_settings: str
    ad_label: str
    ads: tuple[str, ...]
    related_headings: tuple[str, ...]
    comments_heading: str  # "{n} comments"
    comments: tuple[str, ...]
    leave_comment: str
    post_comment: str
    rights: str  # "© {year} {site}. All rights reserved."
    footer_links: tuple[str, ...]
    byline: str  # "Posted on {date} by {author}"
    read_more: str
    newsletter: str
    email_placeholder: str
    subscribe: str
    search: str
    share: str
    not_found_title: str
    not_found_text: str
    server_error_title: str
    server_error_text: str
    moved_text: str
    date_pattern: str  # "{day} {month} {year}"
    date_months: tuple[str, ...]  # month names as used inside a date


@dataclass(frozen=True)
class LowQuality:
    """Material for the pages a quality filter should remove."""

    salad_words: tuple[str, ...]  # content words only: no function words at all
    repeated_lines: tuple[str, ...]
    too_short: tuple[str, ...]
    link_list_heading: str


@dataclass(frozen=True)
class LanguageCorpus:
    """Everything the generator needs to write pages in one language."""

    code: str  # ISO 639-1, as fastText lid.176 labels it
    spaced: bool  # False for languages written without spaces between words
    html_lang: str
    common_slots: Mapping[str, tuple[str, ...]]
    generic_sentences: tuple[str, ...]  # fit any topic: use only core topic slots
    topics: Mapping[str, Topic]
    boilerplate: Boilerplate
    low_quality: LowQuality
    # Site names: (ascii part for the domain, part shown on the page).
    site_prefixes: tuple[tuple[str, str], ...]
    site_suffixes: tuple[tuple[str, str], ...]
    site_name_joiner: str
    tlds: tuple[str, ...]
    # Words put in place of others to make near-duplicates.
    substitutes: tuple[str, ...]
    # Function words (for Gopher-style stop-word checks; never used in word salad).
    stop_words: tuple[str, ...]
    # Legacy charsets this language's pages may be encoded in.
    legacy_charsets: tuple[str, ...] = field(default=())
