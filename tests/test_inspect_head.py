"""``inspect head`` at 80 columns: long URLs and CJK text never squeeze a column away.

Rendered by a real rich Console 80 cells wide, and by the real CLI writing to a pipe; the table is
read back cell by cell and every column of every row is checked against the shard's values.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from test_inspect_fixture import make_rows, sample_documents, train_tokenizer, write_run
from thresher.tools.inspect.head_table import (
    ELLIPSIS,
    ID_PREFIX,
    elide_middle,
    elide_url,
    fit_cells,
    printable,
    render_head,
    short_url,
)

LONG_URL = ("https://www.an-extremely-long-host-name-for-a-news-site.example.co.jp/archive/2024/05/01/"
            + "section/" * 10 + "最新ニュース-page.html?utm_source=feed&ref=[bold]x[/bold]")
CJK_TEXT = "東京の天気は晴れです。明日は雨が降るでしょう。" * 12
# The installed command (beside this interpreter), whichever module it lives in.
THRESHER = str(Path(sys.executable).with_name("thresher"))
HOSTILE_TEXT = "Clear \x1b[2J screen\x07 and \x1b]0;title\x07 attempts, then plain words."


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    directory = tmp_path_factory.mktemp("head") / "run"
    tokenizer = train_tokenizer(directory.parent / "tokenizer.json")
    docs = [(CJK_TEXT, "ja"), (HOSTILE_TEXT, "en")] + sample_documents(4)
    rows = make_rows(docs, tokenizer)
    rows[0]["url"] = LONG_URL
    rows[1]["url"] = "http://short.example/"
    return write_run(directory, rows, tokenizer, num_shards=1)


def table_rows(out: str) -> tuple[list[str], list[list[str]]]:
    """(header cells, data rows) of a rich table, continuation lines joined into their row's cells."""
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("┃"))
    names = [cell.strip() for cell in header.strip("┃").split("┃")]
    rows: list[list[str]] = []
    for line in lines:
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if cells[0]:  # a new row starts with its id; continuation lines have an empty id cell
            rows.append(cells)
        else:
            rows[-1] = [a + b for a, b in zip(rows[-1], cells)]
    return names, rows


def check_table(out: str, documents: list[dict], width: int) -> None:
    assert max(cell_len(line) for line in out.splitlines()) <= width
    names, rows = table_rows(out)
    assert names == ["id", "lang", "tokens", "url", "text"]
    assert len(rows) == len(documents)
    for (doc_id, lang, tokens, url, text), document in zip(rows, documents):
        assert doc_id == (document["id"] if width >= 120 else document["id"][:ID_PREFIX])
        assert lang == (document["language"] or "–")
        assert tokens == f"{document['token_count']:,}"
        full_url = short_url(document["url"])
        host = full_url.split("/", 1)[0]
        if ELLIPSIS in url:
            start, end = url.split(ELLIPSIS)
            assert full_url.startswith(start) and full_url.endswith(end) and len(start + end) >= 16
        else:
            assert url == full_url
        assert host[:10] in url  # the host shows
        preview = printable(document["text"])
        # Word wrapping drops the spaces where lines break: compare without spaces.
        assert len(text) >= 20 and preview.replace(" ", "").startswith(text.rstrip(ELLIPSIS).replace(" ", ""))


def test_head_at_80_columns_keeps_every_column_visible(run):
    documents = [{**row, "text": row["text"]} for row in run.rows]
    buffer = io.StringIO()
    render_head(Console(file=buffer, width=80, highlight=False), documents)
    out = buffer.getvalue()
    check_table(out, documents, 80)
    names, rows = table_rows(out)
    by_id = {row[0]: row for row in rows}
    long_row = by_id[next(r["id"] for r in run.rows if r["url"] == LONG_URL)[:ID_PREFIX]]
    assert long_row[3].startswith("www.an-extremely") and long_row[3].endswith("[bold]x[/bold]")
    assert long_row[4].startswith("東京の天気は晴れです。")  # CJK: two cells a character, still fits
    assert "[bold]" in out  # printed as text, not taken as rich markup
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[2J" in out


@pytest.mark.parametrize("columns", ["80", None])
def test_the_cli_writing_to_a_pipe_fits_the_width(run, columns):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns:
        env["COLUMNS"] = columns
    done = subprocess.run(
        [THRESHER, "inspect", "head", str(run.path), "-n", "6"],
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )
    width = int(columns) if columns else 120  # render.PIPED_WIDTH without $COLUMNS
    check_table(done.stdout, run.rows[:6], width)


def test_a_console_too_narrow_for_a_table_prints_blocks(run):
    buffer = io.StringIO()
    render_head(Console(file=buffer, width=40, highlight=False), run.rows[:2])
    out = buffer.getvalue()
    assert max(cell_len(line) for line in out.splitlines()) <= 40
    for row in run.rows[:2]:
        assert f"{row['id'][:ID_PREFIX]}  {row['language'] or '–'}  {row['token_count']:,} tokens" in out
        assert short_url(row["url"])[:12] in out


def test_elision_counts_terminal_cells():
    assert fit_cells("東京の天気", 6) == "東京" + ELLIPSIS and cell_len(fit_cells("東京の天気", 6)) == 5
    assert elide_middle("abcdefghijklmnopqrstuvwxyz", 11) == "abcdef" + ELLIPSIS + "wxyz"
    for width in range(1, 40):
        assert cell_len(elide_middle("東京" * 30, width)) <= width
        assert cell_len(elide_url(LONG_URL, width)) <= width
    url = elide_url(short_url(LONG_URL), 90)
    assert url.startswith("www.an-extremely-long-host-name-for-a-news-site.example.co.jp/" + ELLIPSIS)
    assert url.endswith("&ref=[bold]x[/bold]") and cell_len(url) <= 90
    assert elide_url("a.b/?u=http://c.d/" + "x/" * 30, 24).startswith("a.b/" + ELLIPSIS)
    assert printable("a\tb\n\x1b[0m") == "a b \\x1b[0m"
