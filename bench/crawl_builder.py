"""Crawls of any size made of real pages, every page unique: the input of the memory benchmarks.

Each page takes the HTML of a real page from ``../shared/data`` (the extraction gold sets: scripts,
styles, menus and all, so sizes and extraction costs are a real crawl's) and replaces every run of
visible text with sentences drawn from the real articles' text, at random for that page. Two pages
built on the same real page then share markup but almost no word 5-gram, so dedup keeps them all;
the marker "page N" in the title keeps even their boilerplate apart.

Output: WARC/1.0 with one gzip member per record (as Common Crawl writes them), a request and a
response per page, deterministic for a seed. Not a benchmark itself; ``bench_memory.py`` uses it.

    python bench/crawl_builder.py OUT.warc.gz --pages 2000 [--seed 0]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

import common  # noqa: F401  (puts this tree first on sys.path)

from thresher.stages.text.sentences import split_sentences
from thresher.tools.sample.warc_writer import WarcWriter, record_id

DATA = common.DEFAULT_DATA
_SCRIPT_OR_STYLE = re.compile(rb"(<(script|style)\b.*?</\2\s*>)", re.I | re.S)
_TEXT_RUN = re.compile(rb">([^<>]{24,})<")
_TITLE = re.compile(rb"(<title[^>]*>)(.*?)(</title>)", re.I | re.S)


def real_shells(data: Path = DATA) -> list[bytes]:
    """The HTML of every real page of the extraction gold sets (bytes as served)."""
    shells = []
    for path in sorted((data / "extract-scrapinghub-aeb" / "html").glob("*.html.gz")):
        shells.append(gzip.decompress(path.read_bytes()))
    for path in sorted((data / "extract-readability-mozilla" / "html").glob("*.html")):
        shells.append(path.read_bytes())
    if not shells:
        raise SystemExit(f"crawl_builder: no real pages under {data} (../shared/data is needed)")
    return shells


def sentence_pool(data: Path = DATA) -> list[str]:
    """Sentences of the real articles' text (gold and expected texts)."""
    texts = [entry["articleBody"] for entry in
             json.loads((data / "extract-scrapinghub-aeb" / "ground-truth.json").read_text()).values()]
    texts += [p.read_text(errors="replace") for p in sorted((data / "extract-readability-mozilla" / "expected").glob("*"))
              if p.is_file()]
    pool = [s.strip() for text in texts for s in split_sentences(text) if 30 <= len(s.strip()) <= 400]
    return sorted(set(pool))


def _fill(rng: random.Random, pool: list[str], length: int) -> bytes:
    words: list[str] = []
    size = 0
    while size < length:
        sentence = pool[rng.randrange(len(pool))]
        words.append(sentence)
        size += len(sentence) + 1
    return " ".join(words).replace("<", " ").replace(">", " ").encode("utf-8")


def unique_page(shell: bytes, pool: list[str], number: int, seed: int) -> bytes:
    """``shell`` with every visible text run replaced by random real sentences, and "page N" in its title."""
    rng = random.Random(f"{seed}:{number}")
    parts = _SCRIPT_OR_STYLE.split(shell)
    out = []
    # split keeps the script/style blocks (group 1) and their tag names (group 2): every third piece is markup.
    for i, part in enumerate(parts):
        if i % 3 == 0:
            part = _TEXT_RUN.sub(lambda m: b">" + _fill(rng, pool, len(m.group(1))) + b"<", part)
            out.append(part)
        elif i % 3 == 1:
            out.append(part)
    page = b"".join(out)
    marker = f" page {number} of crawl {seed} ".encode()
    page, found = _TITLE.subn(lambda m: m.group(1) + m.group(2)[:80] + marker + m.group(3), page, count=1)
    if not found:
        page = b"<title>" + marker + b"</title>" + page
    return page


def write_crawl(out: Path, pages: int, seed: int = 0, first: int = 0, data: Path = DATA) -> dict[str, int]:
    """Write ``pages`` unique pages (numbered from ``first``) to ``out``; returns bytes and counts."""
    shells, pool = real_shells(data), sentence_pool(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".partial")
    html_bytes = 0
    with open(tmp, "wb") as fh:
        writer = WarcWriter(fh)
        for number in range(first, first + pages):
            html = unique_page(shells[number % len(shells)], pool, number, seed)
            html_bytes += len(html)
            url = f"https://site{number % 97}.example.org/{seed}/page/{number}"
            date = f"2024-0{1 + number % 9}-1{number % 10}T12:00:00Z"
            request = f"GET /{seed}/page/{number} HTTP/1.1\r\nHost: site{number % 97}.example.org\r\n\r\n".encode()
            writer.write("request", record_id(f"req:{seed}:{number}"), date, request,
                         content_type="application/http; msgtype=request", headers=[("WARC-Target-URI", url)])
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(html)}\r\n\r\n").encode()
            writer.write("response", record_id(f"resp:{seed}:{number}"), date, head + html,
                         content_type="application/http; msgtype=response", headers=[("WARC-Target-URI", url)],
                         payload=html)
    tmp.replace(out)
    return {"pages": pages, "html_bytes": html_bytes, "file_bytes": out.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--first", type=int, default=0, help="number of the first page (pages are unique by number)")
    args = parser.parse_args(argv)
    print(json.dumps(write_crawl(args.out, args.pages, args.seed, args.first)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
