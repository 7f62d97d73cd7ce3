"""HTML building blocks of the report: escaping, cells, tables, sections, notes.

Every value that can come from a run's data goes through :func:`e`: URLs, snippets, reasons
and even language codes are hostile web content.
"""

from __future__ import annotations

from html import escape
from typing import Any, Iterable, Mapping, Sequence

from thresher.tools.report.charts import format_number


def e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return escape(str(value), quote=True)


def data_attrs(attrs: Mapping[str, Any]) -> str:
    return "".join(f' data-{e(k)}="{e(v)}"' for k, v in attrs.items())


def cell(value: Any, numeric: bool = False, **data: Any) -> str:
    text = format_number(value) if numeric and isinstance(value, (int, float)) else str(value)
    cls = ' class="num"' if numeric else ""
    return f"<td{cls}{data_attrs(data)}>{e(text)}</td>"


def table(
    table_id: str, headers: Sequence[str], rows: Iterable[str], numeric_from: int = 1, numeric_to: int | None = None
) -> str:
    """A table whose headers ``numeric_from`` up to (not including) ``numeric_to`` head numeric columns."""
    end = len(headers) if numeric_to is None else numeric_to
    head = "".join(
        ('<th class="num">' if numeric_from <= i < end else "<th>") + f"{e(h)}</th>" for i, h in enumerate(headers)
    )
    return f'<table id="{e(table_id)}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{e(section_id)}"><h2>{e(title)}</h2>{body}</section>'


def note(text: str) -> str:
    return f'<p class="note">{e(text)}</p>'
