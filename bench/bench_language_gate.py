"""The combined extractor's language gate: what it saves, and whether it ever costs a kept page.

    .venv/bin/python bench/bench_language_gate.py [--pages 4000] [--languages en] [--data ../shared/data]
                                                  [--out bench/results/language-gate.json]

For every HTML page of the benchmark crawl (the generated ``--pages`` crawl plus
the real WARC files of ``shared/data``) and of the two dev gold sets, both
libraries run as the default profile runs them. Then, per source and per
gate threshold (``min_score``):

* **gated**: pages whose resiliparse text the gate rules out (confidently in a
  language ``--languages`` does not hold): trafilatura would not run on them;
* **lost**: gated pages that the language stage (the same languages,
  threshold 0.65, as ``preset: fineweb``) would have kept on the text the
  default profile chooses without the gate. The gate must lose none;
* **trafilatura CPU**: on all pages, and on the gated ones (what it saves).

The fast profile's routed pages are counted too (those whose resiliparse
text looks like boilerplate, where the fast profile runs trafilatura).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402  (puts this tree first on sys.path)

from thresher.io.charset import decode_html  # noqa: E402
from thresher.io.warc import iter_html_pages  # noqa: E402
from thresher.record import Document  # noqa: E402
from thresher.stages.extract.combined import (  # noqa: E402
    CombinedExtractor,
    _attempt,
    short_line_share,
)
from thresher.stages.extract.gold import GOLD_SETS, available, load_gold_set  # noqa: E402
from thresher.stages.extract.language_gate import LanguageGate  # noqa: E402
from thresher.stages.langid.language_filter import LanguageFilter  # noqa: E402
from thresher.stats import DictStats  # noqa: E402

MIN_SCORES = (0.0, 0.5, 0.65, 0.8)


def pages(crawl: list[Path], data: Path) -> Iterator[tuple[str, str, str]]:
    """(source, url, decoded html) of every crawl page, then of every gold page."""
    for path in crawl:
        for page in iter_html_pages(str(path), DictStats()):
            yield "crawl", page.url, decode_html(page.body, page.http_charset)[0]
    for name in GOLD_SETS:
        if available(data, name):
            for gold in load_gold_set(data, name):
                yield name, gold.url, decode_html(gold.html_bytes, None)[0]


def measure(crawl: list[Path], data: Path, languages: list[str]) -> dict[str, Any]:
    extractor = CombinedExtractor(timeout_s=None, max_html_chars=None, memory_limit_mb=None)
    fast = CombinedExtractor(profile="fast", timeout_s=None)
    trafilatura, resiliparse = extractor._inner_extractors()
    gates = {score: LanguageGate(languages=languages, min_score=score) for score in MIN_SCORES}
    language_stage = LanguageFilter(languages=languages, threshold=0.65)
    counts: dict[str, Counter] = {}
    for source, url, html in pages(crawl, data):
        c = counts.setdefault(source, Counter())
        resi, _ = _attempt(resiliparse.extract_inline, html, url)
        start = time.process_time()
        traf, _ = _attempt(trafilatura.extract_inline, html, url)
        traf_cpu = time.process_time() - start
        chosen = extractor.choose(traf, resi).text
        kept = bool(chosen and chosen.strip()) and language_stage.filter(
            Document(id=url, url=url, text=chosen)) is None
        routed = not resi or short_line_share(resi) > fast.max_short_share
        c["pages"] += 1
        c["kept_without_gate"] += kept
        c["fast_routed"] += routed
        c["trafilatura_cpu_us"] += round(traf_cpu * 1e6)
        if not resi or not resi.strip():
            continue
        for score, gate in gates.items():
            if gate.rules_out(resi) is None:
                continue
            c[f"gated@{score}"] += 1
            c[f"lost@{score}"] += kept
            c[f"gated_trafilatura_cpu_us@{score}"] += round(traf_cpu * 1e6)
            c[f"gated_fast_routed@{score}"] += routed
    return {source: dict(sorted(c.items())) for source, c in counts.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=4000, help="the generated crawl's pages (0: the bundled sample)")
    parser.add_argument("--languages", nargs="+", default=["en"], help="the languages the run keeps")
    parser.add_argument("--data", type=Path, default=common.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=common.RESULTS / "language-gate.json")
    args = parser.parse_args(argv)

    crawl = [Path(common.generated_crawl(args.pages) if args.pages else common.SAMPLE),
             *common.real_warc_files(args.data)]
    results = measure(crawl, args.data, args.languages)
    rows = []
    for source, c in results.items():
        for score in MIN_SCORES:
            rows.append({
                "source": source, "min_score": score, "pages": c["pages"], "kept": c["kept_without_gate"],
                "gated": c.get(f"gated@{score}", 0), "lost": c.get(f"lost@{score}", 0),
                "traf_cpu": round(c["trafilatura_cpu_us"] / 1e6, 2),
                "saved_cpu": round(c.get(f"gated_trafilatura_cpu_us@{score}", 0) / 1e6, 2),
                "routed": c["fast_routed"], "routed_gated": c.get(f"gated_fast_routed@{score}", 0),
            })
    common.print_table(rows, [("source", "source"), ("min_score", "min score"), ("pages", "pages"),
                              ("kept", "kept w/o gate"), ("gated", "gated"), ("lost", "lost"),
                              ("traf_cpu", "traf CPU s"), ("saved_cpu", "saved CPU s"),
                              ("routed", "fast: routed"), ("routed_gated", "routed + gated")],
                       title=f"The language gate, keeping {', '.join(args.languages)}")
    common.write_results(args.out, "language_gate", common.command_line("bench_language_gate.py", argv), {
        "languages": args.languages,
        "crawl": [str(p) for p in crawl],
        "shipped_min_score": 0.5,
        "sources": results,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
