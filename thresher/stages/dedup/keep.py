"""Which document of a duplicate group survives.

A rule maps a document to a sort key; the document with the smallest
``(rule key, id)`` is kept, so ties always break by smallest id and the
choice never depends on arrival order. Named rules:

* ``earliest``: the earliest ``crawl_date`` (exact and MinHash dedup);
* ``latest``: the latest ``crawl_date`` (URL dedup: the freshest copy).

Documents without a crawl date lose to dated ones under both. Dates compare
as strings, which orders ISO 8601 timestamps of one format correctly (WARC
dates are all ``YYYY-MM-DDThh:mm:ssZ``). Any other rule is a callable
``Document -> sortable``; under Beam it must be picklable (a module-level
function).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable, Union

from thresher.record import Document

EARLIEST = "earliest"
LATEST = "latest"

KeepRule = Union[str, Callable[[Document], Any]]


def _descending(text: str) -> bytes:
    # UTF-8 bytes order strings as their code points do; inverted, they order them backwards, and
    # the trailing 0xFF (above any inverted byte of a string without NUL) makes a prefix sort
    # after its extensions, as reversal needs. Bytes: compact through a shuffle.
    return bytes(255 - b for b in text.encode("utf-8", "surrogatepass")) + b"\xff"


def _earliest(doc: Document) -> tuple:
    return (not doc.crawl_date, doc.crawl_date)


def _latest(doc: Document) -> tuple:
    return (not doc.crawl_date, _descending(doc.crawl_date))


_RULES: dict[str, Callable[[Document], Any]] = {EARLIEST: _earliest, LATEST: _latest}


def resolve_rule(rule: KeepRule) -> Callable[[Document], Any]:
    if callable(rule):
        return rule
    try:
        return _RULES[rule]
    except KeyError:
        raise ValueError(f"unknown keep rule {rule!r}; expected one of {sorted(_RULES)} or a callable") from None


def keep_sort_key(doc: Document, rule: KeepRule = EARLIEST) -> tuple:
    """The key whose minimum is kept: ``(rule key, id)``."""
    return (resolve_rule(rule)(doc), doc.id)


def choose_kept(docs: Iterable[Document], rule: KeepRule = EARLIEST) -> Document:
    key = resolve_rule(rule)
    return min(docs, key=lambda d: (key(d), d.id))


def mark_duplicate(doc: Document, kept_id: str) -> Document:
    """A copy of ``doc`` recording which document it duplicated (inputs stay untouched)."""
    return dataclasses.replace(doc, duplicate_of=kept_id)


def apply_keep_rule(docs: Iterable[Document], rule: KeepRule = EARLIEST) -> tuple[Document, list[Document]]:
    """``(kept, removed)`` for one duplicate group; removed copies carry ``duplicate_of``.

    Two records with the kept one's id (the same document read twice) leave
    one copy: the second is removed as a duplicate of itself.
    """
    docs = list(docs)
    kept = choose_kept(docs, rule)
    removed = [mark_duplicate(d, kept.id) for d in docs if d is not kept]
    return kept, removed
