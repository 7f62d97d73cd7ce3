"""Readers for the gold extraction sets in ``shared/data`` (never shipped: read in place).

* ``scrapinghub-aeb``: ``extract-scrapinghub-aeb``, 181 news and blog pages
  (2019-2020) with hand-made gold article bodies (``ground-truth.json``);
* ``readability``: ``extract-readability-mozilla``, 130 pages with
  Readability.js's reviewed output (an algorithm's output, a silver standard),
  whose expected HTML becomes text here.

Each page keeps its raw bytes: the bare libraries are measured on what a crawl
hands over, the way a user calls them.
"""

from __future__ import annotations

import gzip
import html as html_lib
import json
import re
from dataclasses import dataclass
from pathlib import Path

GOLD_SETS = ("scrapinghub-aeb", "readability")
_FOLDERS = {"scrapinghub-aeb": "extract-scrapinghub-aeb", "readability": "extract-readability-mozilla"}


@dataclass(frozen=True)
class GoldPage:
    id: str
    url: str
    html_bytes: bytes
    gold: str


def available(data: Path, name: str) -> bool:
    return (Path(data) / _FOLDERS[name]).is_dir()


def load_gold_set(data: Path, name: str) -> list[GoldPage]:
    """The pages of gold set ``name`` under ``data`` (the ``shared/data`` folder), in a stable order."""
    folder = Path(data) / _FOLDERS[name]
    if name == "scrapinghub-aeb":
        return _load_aeb(folder)
    if name == "readability":
        return _load_readability(folder)
    raise ValueError(f"unknown gold set {name!r} (known: {', '.join(GOLD_SETS)})")


def _load_aeb(folder: Path) -> list[GoldPage]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        GoldPage(key, item.get("url", ""), gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()),
                 item["articleBody"])
        for key, item in sorted(truth.items())
    ]


def _load_readability(folder: Path) -> list[GoldPage]:
    pages = []
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        expected = folder / "expected" / f"{entry['id']}.html"
        source = folder / "html" / f"{entry['id']}.html.gz"
        if not entry.get("has_expected") or not expected.exists() or not source.exists():
            continue
        pages.append(GoldPage(entry["id"], "", gzip.decompress(source.read_bytes()),
                              html_to_text(expected.read_text("utf-8"))))
    return sorted(pages, key=lambda page: page.id)


_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|tr|td|th|pre|blockquote|section|article|dd|dt|figcaption)\b[^>]*>",
                    re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def html_to_text(markup: str) -> str:
    """Readability's expected HTML as text: block tags break lines, other tags go, entities resolve."""
    return html_lib.unescape(_TAG.sub(" ", _BLOCK.sub("\n", _COMMENT.sub(" ", markup))))
