"""``inspect head``'s table, laid out for the console's width so every column stays readable.

Rich sizes a column that may not wrap by its longest cell, so one long URL used to squeeze the
language, token and text columns to nothing. Here the widths are decided first: the id, language
and token columns get what they need (ids shortened to a prefix below :data:`FULL_ID_WIDTH`
columns: ``inspect show`` takes a unique prefix), the URL gets at most two fifths of what is left,
wrapped onto up to three lines and shortened in the middle beyond that (its host and the end of its
path both show), and the text preview gets the rest, also up to three lines. Widths are counted in terminal cells, so CJK text (two cells a character) fits too.
Below :data:`MIN_TABLE_WIDTH` there is no room for a table and each document is printed as a
short block instead.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

#: Consoles at least this wide show whole 32-digit ids; narrower ones a prefix.
FULL_ID_WIDTH = 120
ID_PREFIX = 12
#: Below this, each document is printed as a block of lines rather than a table row.
MIN_TABLE_WIDTH = 60
#: Lines of text preview per document.
PREVIEW_LINES = 3
ELLIPSIS = "…"
# A table row: two padding cells per column plus one rule between and around columns.
_COLUMNS = 5
_CHROME = 2 * _COLUMNS + _COLUMNS + 1


def printable(text: str) -> str:
    """``text`` on one line, whitespace runs folded to a space, control characters made visible.

    Shard text is web content: an escape sequence printed raw would restyle or move the terminal.
    """
    flat = " ".join(text.split())
    if flat.isprintable():
        return flat
    return "".join(ch if ch.isprintable() else _visible(ch) for ch in flat)


def _visible(ch: str) -> str:
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def fit_cells(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, ending in an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    return _take(text, width - 1) + ELLIPSIS


def elide_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells with its middle replaced by an ellipsis (the start gets 3/5)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head_width = (3 * (width - 1) + 4) // 5
    head = _take(text, head_width)
    tail = _take(text[::-1], width - 1 - cell_len(head))[::-1]
    return head + ELLIPSIS + tail


def _take(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` cells."""
    used = 0
    for i, ch in enumerate(text):
        used += cell_len(ch)
        if used > width:
            return text[:i]
    return text


def short_url(url: str) -> str:
    """A URL without ``https://`` (the common case); other schemes stay visible."""
    return url[len("https://"):] if url.startswith("https://") else url


def elide_url(url: str, width: int) -> str:
    """``url`` in ``width`` cells: whole when it fits, else its host kept and the middle of the rest elided."""
    if cell_len(url) <= width:
        return url
    scheme_end = url.find("://")
    # "://" inside a query ("?u=http://...") of a URL shown without its scheme is not a scheme.
    after_scheme = scheme_end + 3 if scheme_end > 0 and "/" not in url[:scheme_end] else 0
    slash = url.find("/", after_scheme)
    host = url[: slash + 1] if slash >= 0 else url
    tail_width = width - cell_len(host) - 1
    if tail_width < 8:  # no room for the host and a useful tail: elide the middle of it all
        return elide_middle(url, width)
    return host + ELLIPSIS + _take(url[len(host):][::-1], tail_width)[::-1]


def shown_id(doc_id: str, console_width: int) -> str:
    return doc_id if console_width >= FULL_ID_WIDTH else doc_id[:ID_PREFIX]


def _language(document: dict[str, Any]) -> str:
    return printable(str(document.get("language") or "–"))


def _tokens(document: dict[str, Any]) -> str:
    return f"{document['token_count']:,}"


def column_widths(console_width: int, documents: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Cell widths of the id, lang, tokens, url and text columns for a table ``console_width`` wide."""
    id_width = max(cell_len("id"), *(cell_len(shown_id(d["id"], console_width)) for d in documents))
    lang = min(8, max(cell_len("lang"), *(cell_len(_language(d)) for d in documents)))
    tokens = max(cell_len("tokens"), *(cell_len(_tokens(d)) for d in documents))
    rest = console_width - _CHROME - id_width - lang - tokens
    longest_url = max(cell_len("url"), *(cell_len(printable(short_url(d.get("url") or ""))) for d in documents))
    url = min(longest_url, max(12, (2 * rest) // 5))
    return {"id": id_width, "lang": lang, "tokens": tokens, "url": url, "text": rest - url}


def render_head(console: Console, documents: Sequence[dict[str, Any]]) -> None:
    """The first documents, one row each (one block each on a console too narrow for a table)."""
    title = f"{len(documents)} documents"
    if not documents:
        console.print(Text(title))
        return
    width = console.width
    if width < MIN_TABLE_WIDTH:
        _render_blocks(console, documents, title)
        return
    widths = column_widths(width, documents)
    notes = []
    if width < FULL_ID_WIDTH:
        notes.append(f"ids: first {ID_PREFIX} digits")
    notes.append("--json for whole values")
    table = Table(title=f"{title} ({'; '.join(notes)})", title_justify="left", box=box.HEAVY_HEAD)
    for name in ("id", "lang", "tokens"):
        table.add_column(name, width=widths[name], no_wrap=True, overflow="ellipsis",
                         justify="right" if name == "tokens" else "left")
    # URL and text wrap onto up to PREVIEW_LINES lines, cut (the URL in its middle) beyond that.
    table.add_column("url", width=widths["url"], overflow="fold")
    table.add_column("text", width=widths["text"], overflow="fold")
    url_cells, preview_cells = PREVIEW_LINES * widths["url"], PREVIEW_LINES * widths["text"]
    for document in documents:
        table.add_row(
            Text(shown_id(document["id"], width)),
            Text(fit_cells(_language(document), widths["lang"])),
            Text(_tokens(document)),
            Text(elide_url(printable(short_url(document.get("url") or "")), url_cells)),
            Text(fit_cells(printable(document["text"]), preview_cells)),
        )
    console.print(table)


def _render_blocks(console: Console, documents: Sequence[dict[str, Any]], title: str) -> None:
    width = max(console.width, 8)
    console.print(Text(title, style="italic"))
    for document in documents:
        line = f"{shown_id(document['id'], width)}  {_language(document)}  {_tokens(document)} tokens"
        console.print(Text(fit_cells(line, width), style="bold"))
        console.print(Text(elide_url(printable(short_url(document.get("url") or "")), PREVIEW_LINES * width)),
                      overflow="fold")
        console.print(Text(fit_cells(printable(document["text"]), PREVIEW_LINES * width)), overflow="fold")
