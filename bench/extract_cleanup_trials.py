"""Cheap cleanups of resiliparse's text tried for the fast profile, scored on both dev gold sets.

    .venv/bin/python bench/extract_cleanup_trials.py [--data ../shared/data] [--out bench/results/extract-cleanup.json]

The fast profile keeps resiliparse's text on most pages; on the scrapinghub AEB news pages that
text carries bylines, captions, promos and "more stories" blocks. Each trial below is general (line
shapes, repeated lines, generic container names, trafilatura without its fallback) and is scored
on both sets against resiliparse as Thresher calls it: a cleanup worth shipping must gain on the
set it would be fitted on and on the other. BENCHMARKS.md §6 gives the results.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

from thresher.stages.extract.combined import _WORD, _is_short  # noqa: E402
from thresher.stages.extract.resiliparse_extractor import ResiliparseExtractor  # noqa: E402
from thresher.stages.extract.scoring import page_f1  # noqa: E402

logging.getLogger("trafilatura").setLevel(logging.ERROR)

#: Generic container names (class or id substrings) and elements, each tried alone as extra skip_elements.
CONTAINER_TOKENS = ("byline", "author", "related", "share", "social", "newsletter", "promo", "teaser", "caption",
                    "sidebar", "meta", "widget", "subscribe", "footer", "nav", "comment", "advert", "popular")
ELEMENTS = ("figure", "figcaption", "aside", "footer", "nav", "header", "form")


def edges_trimmed(text: str | None) -> str | None:
    """Short or unfinished lines before the first and after the last full sentence dropped."""
    lines = (text or "").splitlines()
    full = [i for i, line in enumerate(lines) if (n := len(_WORD.findall(line))) and not _is_short(line, n)]
    return "\n".join(lines[full[0]:full[-1] + 1]) if full else text


def repeats_dropped(text: str | None) -> str | None:
    """A line repeated on the page kept once."""
    seen, out = set(), []
    for line in (text or "").splitlines():
        key = " ".join(line.split()).lower()
        if key and key in seen:
            continue
        seen.add(key)
        out.append(line)
    return "\n".join(out) if text else text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=common.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=common.RESULTS / "extract-cleanup.json")
    args = parser.parse_args(argv)
    import trafilatura

    sets = common.decoded_gold_sets(args.data)
    if not sets:
        print("no dev gold set under", args.data)
        return 0
    resi = ResiliparseExtractor(timeout_s=None)

    def resi_skipping(selector: str) -> Callable[[str, str], str | None]:
        return lambda html, url: _skip(html, selector)

    def traf_fast(html: str, url: str) -> str | None:
        return trafilatura.extract(html, url=url or None, favor_precision=True, include_comments=False,
                                   include_tables=True, output_format="txt", with_metadata=False, fast=True)

    trials: dict[str, Callable[[str, str], str | None]] = {
        "resiliparse (as Thresher calls it)": resi.extract_inline,
        "edges trimmed": lambda h, u: edges_trimmed(resi.extract_inline(h, u)),
        "repeated lines dropped": lambda h, u: repeats_dropped(resi.extract_inline(h, u)),
        "trafilatura fast=True (no fallback)": traf_fast,
    }
    for token in CONTAINER_TOKENS:
        trials[f"skip [class|id*={token}]"] = resi_skipping(f'[class*="{token}"],[id*="{token}"]')
    for element in ELEMENTS:
        trials[f"skip <{element}>"] = resi_skipping(element)
    rows, results = [], {}
    for trial, extract in trials.items():
        row = {"trial": trial}
        for name, (htmls, urls, golds) in sets.items():
            f1 = statistics.fmean(page_f1(extract(h, u), g) for h, u, g in zip(htmls, urls, golds))
            results.setdefault(trial, {})[name] = round(f1, 4)
            row[name] = f"{f1:.4f}"
        rows.append(row)
        print(row, flush=True)
    common.print_table(rows, [(k, k) for k in rows[0]], title="resiliparse cleanups, F1 per dev gold set")
    common.write_results(args.out, "extract_cleanup", common.command_line("extract_cleanup_trials.py", argv),
                         {"f1": results})
    return 0


def _skip(html: str, selector: str) -> str | None:
    """resiliparse as Thresher calls it (``h1`` left out too), ``selector``'s elements left out as well."""
    from resiliparse.extract.html2text import extract_plain_text

    text = extract_plain_text(html, main_content=True, preserve_formatting=True, list_bullets=False,
                              alt_texts=False, links=False, form_fields=False, noscript=False, comments=False,
                              post_meta=False, skip_elements=["h1", selector])
    return text if text and text.strip() else None


if __name__ == "__main__":
    raise SystemExit(main())
