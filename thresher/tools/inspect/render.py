"""Rich tables for people; ``--json`` bypasses this module entirely."""

from __future__ import annotations

import os
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from thresher.tools.inspect.head_table import printable, render_head

#: Width of tables written to a pipe or file when $COLUMNS does not say otherwise.
PIPED_WIDTH = 120


def make_console() -> Console:
    # Built per call so it writes to the current sys.stdout. A terminal is measured; piped
    # output follows $COLUMNS when it is set, else a fixed width wider than rich's default 80.
    piped_default = not sys.stdout.isatty() and not os.environ.get("COLUMNS")
    return Console(file=sys.stdout, highlight=False, width=PIPED_WIDTH if piped_default else None)


def human_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"


def number(value: int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _limited(rows: list[Any], limit: int) -> tuple[list[Any], int]:
    return (rows, 0) if limit <= 0 or len(rows) <= limit else (rows[:limit], len(rows) - limit)


def _more_row(table: Table, hidden: int, what: str) -> None:
    if hidden:
        table.add_row(Text(f"… {hidden} more {what} (--limit 0 shows all)", style="dim"))


def render_summary(console: Console, summary: dict[str, Any], limit: int) -> None:
    table = Table(title=f"thresher run {summary['path']}", show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    planned = summary["planned_shards"]
    shards = number(summary["shards"])
    if planned and planned != summary["shards"]:
        shards += f" (of {planned} planned; shards that received no document are not written)"
    tok = summary["tokenizer"]
    tokenizer = (f"{tok.get('file', 'tokenizer.json')}{'' if tok.get('present') else ' (MISSING)'}, "
                 f"vocab {tok.get('vocab_size')}, EOS {tok.get('eos_token')!r} = {tok.get('eos_id')}, "
                 f"{'trained on this run' if tok.get('trained') else tok.get('source', '?')}")
    for field, value in [
        ("documents", number(summary["documents"])),
        ("tokens", number(summary["tokens"])),
        ("tokens/document", number(float(summary["mean_tokens_per_document"]))),
        ("shards", shards),
        ("bytes", human_bytes(summary["bytes"])),
        ("text column", "yes" if summary["text_column"] else "no"),
        *([("kept input columns", ", ".join(f"{name} ({kind})" for name, kind in summary["kept_fields"].items()))]
          if summary.get("kept_fields") else []),
        ("tokenizer", tokenizer),
        ("schema version", str(summary["schema_version"])),
        ("thresher version", str(summary["thresher_version"])),
    ]:
        table.add_row(field, value)
    console.print(table)
    render_languages(console, summary["languages"], summary["tokens"], limit)


def render_languages(
    console: Console, languages: dict[str, dict[str, Any]], total_tokens: int, limit: int
) -> None:
    table = Table(title="languages", title_justify="left")
    for column in ("language", "documents", "tokens", "share"):
        table.add_column(column, justify="left" if column == "language" else "right")
    rows, hidden = _limited(list(languages.items()), limit)
    for lang, counts in rows:
        share = counts["tokens"] / total_tokens if total_tokens else 0.0
        table.add_row(lang, number(counts["documents"]), number(counts["tokens"]), f"{share:.1%}")
    _more_row(table, hidden, "languages")
    console.print(table)


def render_schema(console: Console, described: dict[str, Any]) -> None:
    title = (f"shard schema of {described['source']}" if described["source"] else "contract schema (no shards)")
    table = Table(title=f"{title}: version {described['schema_version']} "
                  f"(contract {described['contract_version']})", title_justify="left")
    for column in ("column", "type", "nullable", "contract"):
        table.add_column(column)
    for col in described["columns"]:
        if col["conforms"]:
            verdict = "ok"
        else:
            verdict = f"expected {col['contract_type']}" if col["contract_type"] else "not in the contract"
        table.add_row(col["name"], col["type"], "yes" if col["nullable"] else "no", verdict)
    console.print(table)
    for difference in described["differences"]:
        console.print(f"differs from the contract: {difference}", markup=False, soft_wrap=True)


def render_documents(console: Console, documents: list[dict[str, Any]], *, full: bool) -> None:
    if full:
        for document in documents:
            render_document(console, document)
        return
    render_head(console, documents)


def render_document(console: Console, document: dict[str, Any]) -> None:
    table = Table(show_header=False, title=f"document {document['id']}", title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in document.items():
        if key != "text":
            # Text, not a markup string: a URL like "https://x/[red]" must print as it is.
            table.add_row(key, Text(printable(str(value))))
    console.print(table)
    # Plain text, no wrapping or markup: what was decoded is exactly what is printed.
    console.print(Text(document["text"]), soft_wrap=True)
    console.print()


def render_stats(console: Console, stats: dict[str, Any], limit: int) -> None:
    lengths = stats["document_tokens"]
    console.print(
        f"{number(stats['documents'])} documents, {number(stats['tokens'])} tokens; tokens per document: "
        f"min {lengths['min']}, median {lengths['p50']:.0f}, p90 {lengths['p90']:.0f}, "
        f"p99 {lengths['p99']:.0f}, max {lengths['max']}, mean {lengths['mean']:.1f}",
        markup=False, soft_wrap=True,
    )
    histogram = Table(title="document length (tokens)", title_justify="left")
    for column in ("tokens", "documents", ""):
        histogram.add_column(column, justify="right" if column != "" else "left")
    peak = max((b["documents"] for b in stats["histogram"]), default=0)
    for bucket in stats["histogram"]:
        bar = "█" * (round(30 * bucket["documents"] / peak) if peak else 0)
        span = f"{bucket['min_tokens']:,}–{bucket['max_tokens']:,}"
        histogram.add_row(span, number(bucket["documents"]), bar)
    console.print(histogram)
    render_languages(console, stats["languages"], stats["tokens"], limit)
    shards = Table(title="shards", title_justify="left")
    for column in ("shard", "documents", "tokens", "bytes", "tokens/doc"):
        shards.add_column(column, justify="left" if column == "shard" else "right")
    rows, hidden = _limited(stats["shards"], limit)
    for shard in rows:
        shards.add_row(shard["name"], number(shard["documents"]), number(shard["tokens"]),
                       human_bytes(shard["bytes"]), number(float(shard["mean_tokens_per_document"])))
    _more_row(shards, hidden, "shards")
    console.print(shards)


def render_validation(console: Console, report: dict[str, Any]) -> None:
    for warning in report["warnings"]:
        console.print(f"warning {warning['where']}: {warning['message']}", markup=False, soft_wrap=True)
    for problem in report["problems"]:
        line = f"FAIL [{problem['check']}] {problem['where']}: {problem['message']}"
        console.print(line, markup=False, soft_wrap=True)
    checked = report["checked"]
    scope = (f"{checked['shards']} shards, {checked['documents']:,} documents, {checked['tokens']:,} tokens")
    if report["ok"]:
        console.print(f"OK {report['path']}: {scope}: checksums, schema, vocabulary, EOS placement "
                      "and manifest consistent", markup=False, soft_wrap=True)
    else:
        console.print(f"INVALID {report['path']}: {len(report['problems'])} problems ({scope} checked)",
                      markup=False, soft_wrap=True)



def render_dropped(console: Console, listing: dict[str, Any], limit: int) -> None:
    """``inspect dropped``: documents per stage and reason, then the first few documents."""
    filters = {k: v for k, v in listing["filters"].items() if v}
    shown = ", ".join(f"{k} {v}" for k, v in filters.items())
    console.print(f"{number(listing['total'])} dropped documents in {listing['path']}" + (f" ({shown})" if shown else ""),
                  markup=False, soft_wrap=True)
    table = Table(title="dropped by stage and reason", title_justify="left")
    for column in ("stage", "reason", "documents"):
        table.add_column(column, justify="right" if column == "documents" else "left")
    rows, hidden = _limited(listing["by_reason"], limit)
    for entry in rows:
        table.add_row(Text(entry["stage"]), Text(entry["reason"]), number(entry["documents"]))
    _more_row(table, hidden, "reasons")
    console.print(table)
    render_dropped_documents(console, listing["documents"])


def render_dropped_documents(console: Console, documents: list[dict[str, Any]]) -> None:
    for document in documents:
        table = Table(show_header=False, title=f"dropped {document['id']}", title_justify="left")
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in document.items():
            if key != "text" and value is not None:
                table.add_row(key, Text(printable(str(value))))
        console.print(table)
        if document.get("text") is not None:
            console.print(Text(document["text"]), soft_wrap=True)
        console.print()
