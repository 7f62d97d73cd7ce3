"""What the sample crawl planted, so tests can check what the pipeline removed."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any

# Page categories: what the pipeline should do with each planted HTML page.
GOOD = "good"  # should survive every filter
EXACT_DUPLICATE = "exact_duplicate"  # main text byte-identical to `duplicate_of`'s
NEAR_DUPLICATE = "near_duplicate"  # a few words changed from `duplicate_of`'s
SPAM_URL = "spam_url"  # kind: "spam_word" (word in URL) or "blocklisted_domain"
LOW_QUALITY = "low_quality"  # kind: word_salad, link_list, repeated_lines, too_short
CATEGORIES = (GOOD, EXACT_DUPLICATE, NEAR_DUPLICATE, SPAM_URL, LOW_QUALITY)
LOW_QUALITY_KINDS = ("word_salad", "link_list", "repeated_lines", "too_short")
SPAM_KINDS = ("spam_word", "blocklisted_domain")

SIMILARITY_MEASURE = (
    "Jaccard similarity of word 5-gram sets (character 5-grams for ja and zh) of the main "
    "text: the title and the paragraphs joined by newlines"
)


@dataclass
class PlantedPage:
    """One HTML page (HTTP 200) of the crawl and what it is."""

    url: str
    record_id: str
    language: str  # ISO 639-1, as fastText lid.176 labels it
    charset: str  # the encoding of the bytes
    charset_declared_in: str  # "header", "meta" or "header+meta"
    category: str
    kind: str | None = None  # sub-kind for spam_url and low_quality
    topic: str | None = None
    title: str = ""
    text_sha1: str = ""  # SHA-1 (hex) of the UTF-8 main text (title + "\n" + paragraphs)
    words: int = 0  # whitespace-separated words (characters for ja and zh) of the main text
    duplicate_of: str | None = None  # URL of the original, for duplicates
    similarity: float | None = None  # with the original, for near-duplicates
    spam_word: str | None = None  # the banned word in the URL, for kind "spam_word"
    domain: str = ""  # the registered domain of the URL's host


@dataclass
class OtherRecord:
    """A record that is not a planted page: request, metadata, non-HTML or non-200 response."""

    warc_type: str
    url: str
    record_id: str
    status: int | None = None
    content_type: str | None = None


@dataclass
class SampleTruth:
    """The ground truth of one generated sample crawl."""

    seed: int
    pages: int
    warc_file: str  # file name of the WARC, next to the truth file
    # Records by WARC-Type: warcinfo, request, response, metadata.
    record_counts: dict[str, int] = field(default_factory=dict)
    # HTTP 200 responses that are not HTML, by Content-Type.
    non_html_responses: dict[str, int] = field(default_factory=dict)
    # Responses with another status than 200, by status code (as a string, for JSON).
    non_200_responses: dict[str, int] = field(default_factory=dict)
    # Planted pages by category, and low-quality / spam pages by kind.
    category_counts: dict[str, int] = field(default_factory=dict)
    kind_counts: dict[str, int] = field(default_factory=dict)
    language_counts: dict[str, int] = field(default_factory=dict)
    charset_counts: dict[str, int] = field(default_factory=dict)
    spam_words: list[str] = field(default_factory=list)
    blocklisted_domains: list[str] = field(default_factory=list)
    similarity_measure: str = SIMILARITY_MEASURE
    planted_pages: list[PlantedPage] = field(default_factory=list)
    other_records: list[OtherRecord] = field(default_factory=list)

    def by_category(self, category: str) -> list[PlantedPage]:
        """The planted pages of one category, in WARC order."""
        return [page for page in self.planted_pages if page.category == category]

    def surviving_urls(self) -> set[str]:
        """URLs a correct pipeline keeps: the good pages (originals of duplicates among them)."""
        return {page.url for page in self.planted_pages if page.category == GOOD}

    def removed_urls(self) -> set[str]:
        """URLs a correct pipeline drops: every planted page that is not good."""
        return {page.url for page in self.planted_pages if page.category != GOOD}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SampleTruth":
        values = dict(data)
        values["planted_pages"] = [PlantedPage(**page) for page in data.get("planted_pages", [])]
        values["other_records"] = [OtherRecord(**rec) for rec in data.get("other_records", [])]
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> "SampleTruth":
        return cls.from_dict(json.loads(text))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "SampleTruth":
        with open(path, encoding="utf-8") as handle:
            return cls.from_json(handle.read())


def truth_path_for(warc_path: str | os.PathLike[str]) -> str:
    """``x.warc.gz`` → ``x.truth.json`` (also for ``x.warc`` and other names)."""
    path = os.fspath(warc_path)
    for suffix in (".warc.gz", ".warc"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".truth.json"
    return path + ".truth.json"
