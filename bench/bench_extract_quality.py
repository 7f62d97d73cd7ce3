"""Extraction quality and cost on the gold sets: Thresher's extractors and profiles beside the bare libraries.

    .venv/bin/python bench/bench_extract_quality.py [--data ../shared/data] [--repeat 3] [--bounded]
                                                     [--out bench/results/extract-quality.json]

For each dev gold set (``shared/data``: scrapinghub AEB, 181 pages with
hand-made gold; Readability's test pages, 130 pages with reviewed expected
output) and each method, bag-of-words precision, recall and F1 per page,
averaged per page (:mod:`thresher.stages.extract.scoring` defines them), the pages
with no output, the pages *lost* (empty where bare trafilatura has text),
and the CPU cost: pages per CPU-second on one core, from raw page bytes to
text (Thresher's charset decoding included), best of ``--repeat`` passes.

Methods:

* ``trafilatura (bare)``: ``trafilatura.extract(html_bytes, favor_precision=True, include_comments=False)``,
  trafilatura's own defaults otherwise;
* ``resiliparse (bare)``: ``extract_plain_text(html, main_content=True)`` on
  resiliparse's own decoding of the bytes, its defaults otherwise;
* ``thresher: trafilatura`` / ``thresher: resiliparse``: each library as Thresher wraps it;
* ``thresher: combined`` (the default, ``extract.profile: default``) and
  ``thresher: combined fast`` (``extract.profile: fast``).

Beside them: the per-page *oracle* (the better of the two bare libraries'
F1 on each page) and the target of issue 16 (the better bare library plus
40 % of the distance to the oracle). The combined rule's thresholds were
fitted on one set and scored on the other: ``bench/fit_extract_rule.py``.

Thresher's methods run in-process (``timeout_s: null``), as the bare
libraries do. ``--bounded`` adds passes through the bounded worker process
the pipeline uses (trafilatura alone too, for a like-for-like cost), with the
worker's CPU counted (process + children).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (puts this tree first on sys.path)

from thresher.stages.extract import build_extractor  # noqa: E402
from thresher.stages.extract.gold import GOLD_SETS, GoldPage, available, load_gold_set  # noqa: E402
from thresher.stages.extract.scoring import oracle_f1, page_f1, set_score, words  # noqa: E402
from thresher.io.charset import decode_html  # noqa: E402

logging.getLogger("trafilatura").setLevel(logging.ERROR)

#: The bare call of issue 16, trafilatura's defaults otherwise.
BARE_TRAFILATURA = {"favor_precision": True, "include_comments": False}
TARGET_SHARE_OF_GAP = 0.4

PageFn = Callable[[GoldPage], tuple[str | None, str]]


def bare_trafilatura() -> PageFn:
    import trafilatura

    def run(page: GoldPage) -> tuple[str | None, str]:
        return trafilatura.extract(page.html_bytes, **BARE_TRAFILATURA), "trafilatura"

    return run


def bare_resiliparse() -> PageFn:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    def run(page: GoldPage) -> tuple[str | None, str]:
        html = bytes_to_str(page.html_bytes, detect_encoding(page.html_bytes))
        return extract_plain_text(html, main_content=True), "resiliparse"

    return run


def thresher_method(name: str, params: dict[str, Any] | None = None, profile: str | None = None,
                    bounded: bool = False) -> tuple[PageFn, Callable[[], float], Callable[[], None]]:
    """A Thresher extractor as the pipeline calls it (decode, then extract), its worker CPU so far, and its close."""
    params = dict(params or {})
    params.setdefault("timeout_s", 60.0 if bounded else None)
    extractor = build_extractor(name, params, profile)
    child_cpu = [0.0]

    def add(seconds: float) -> None:
        child_cpu[0] += seconds

    def run(page: GoldPage) -> tuple[str | None, str]:
        html, _ = decode_html(page.html_bytes)
        result = extractor.extract_labelled(html, page.url, child_cpu=add)
        return result.text, result.extractor

    return run, (lambda: child_cpu[0]), getattr(extractor, "close", lambda: None)


def methods(bounded: bool) -> list[tuple[str, Callable[[], tuple[PageFn, Callable[[], float], Callable[[], None]]]]]:
    none = (lambda: 0.0, lambda: None)
    out = [
        ("trafilatura (bare)", lambda: (bare_trafilatura(), *none)),
        ("resiliparse (bare)", lambda: (bare_resiliparse(), *none)),
        ("thresher: trafilatura", lambda: thresher_method("trafilatura")),
        ("thresher: resiliparse", lambda: thresher_method("resiliparse")),
        ("thresher: combined", lambda: thresher_method("combined", profile="default")),
        ("thresher: combined fast", lambda: thresher_method("combined", profile="fast")),
    ]
    if bounded:
        out += [
            ("thresher: trafilatura, bounded", lambda: thresher_method("trafilatura", bounded=True)),
            ("thresher: combined, bounded", lambda: thresher_method("combined", profile="default", bounded=True)),
            ("thresher: combined fast, bounded", lambda: thresher_method("combined", profile="fast", bounded=True)),
        ]
    return out


def run_method(make: Callable[[], tuple[PageFn, Callable[[], float], Callable[[], None]]], pages: Sequence[GoldPage],
               repeat: int) -> tuple[list[str | None], list[str], float]:
    """Outputs, the extractor of each, and the best pass's CPU seconds (this process + its worker's)."""
    run, worker_cpu, close = make()
    best = float("inf")
    outputs: list[str | None] = []
    labels: list[str] = []
    try:
        run(pages[0])  # warm-up: lazy imports and the worker's start stay outside the timing
        for _ in range(max(1, repeat)):
            outputs, labels = [], []
            c0, w0 = time.process_time(), worker_cpu()
            for page in pages:
                try:
                    text, label = run(page)
                except Exception:  # noqa: BLE001 - a bound hit or a library error scores as no output
                    text, label = None, "error"
                outputs.append(text)
                labels.append(label)
            best = min(best, time.process_time() - c0 + worker_cpu() - w0)
    finally:
        close()
    return outputs, labels, best


def measure(data: Path, repeat: int, bounded: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for set_name in GOLD_SETS:
        if not available(data, set_name):
            continue
        pages = load_gold_set(data, set_name)
        golds = [page.gold for page in pages]
        entry: dict[str, Any] = {"pages": len(pages), "methods": {}}
        per_page: dict[str, list[float]] = {}
        bare_traf_outputs: list[str | None] = []
        for label, make in methods(bounded):
            outputs, sources, cpu_s = run_method(make, pages, repeat)
            if label == "trafilatura (bare)":
                bare_traf_outputs = outputs
            score = set_score(outputs, golds)
            per_page[label] = [page_f1(out, gold) for out, gold in zip(outputs, golds)]
            lost = sum(1 for ours, bare in zip(outputs, bare_traf_outputs) if words(bare) and not words(ours))
            entry["methods"][label] = {
                **score.as_dict(),
                "lost": lost,
                "cpu_s": round(cpu_s, 3),
                "pages_per_cpu_s": round(len(pages) / cpu_s, 1) if cpu_s else None,
                "by_extractor": {name: sources.count(name) for name in sorted(set(sources))},
            }
            print(f"  {set_name:16} {label:34} F1 {score.f1:.4f}  {len(pages) / cpu_s:7.1f} pages/CPU-s", flush=True)
        traf_cpu = entry["methods"]["trafilatura (bare)"]["cpu_s"]
        for m in entry["methods"].values():
            m["cpu_vs_bare_trafilatura"] = common.ratio(m["cpu_s"], traf_cpu)
            m["speed_vs_bare_trafilatura"] = common.ratio(traf_cpu, m["cpu_s"])
        best_bare = max(entry["methods"]["trafilatura (bare)"]["f1"], entry["methods"]["resiliparse (bare)"]["f1"])
        oracle = oracle_f1([per_page["trafilatura (bare)"], per_page["resiliparse (bare)"]])
        entry["oracle_f1"] = round(oracle, 4)
        entry["better_bare_f1"] = best_bare
        entry["target_f1"] = round(best_bare + TARGET_SHARE_OF_GAP * (oracle - best_bare), 4)
        results[set_name] = entry
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=common.DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per method; the least CPU counts")
    parser.add_argument("--bounded", action="store_true", help="also time the profiles in the bounded worker")
    parser.add_argument("--out", type=Path, default=common.RESULTS / "extract-quality.json")
    args = parser.parse_args(argv)

    results = measure(args.data, args.repeat, args.bounded)
    if not results:
        print(f"no gold sets under {args.data}; nothing to measure")
        return 0
    rows = []
    four = lambda x: f"{x:.4f}"  # noqa: E731
    for set_name, entry in results.items():
        for label, m in entry["methods"].items():
            rows.append({"set": set_name, "method": label, **m, **{k: four(m[k]) for k in ("precision", "recall", "f1")},
                         "chosen": ", ".join(f"{k} {v}" for k, v in m["by_extractor"].items())})
        rows.append({"set": set_name, "method": "oracle (better bare library per page)", "f1": four(entry["oracle_f1"])})
        rows.append({"set": set_name, "method": "target (better bare + 40% of the gap)", "f1": four(entry["target_f1"])})
    common.print_table(rows, [("set", "set"), ("method", "method"), ("precision", "P"), ("recall", "R"),
                              ("f1", "F1"), ("empty", "empty"), ("lost", "lost"),
                              ("pages_per_cpu_s", "pages/CPU-s"), ("speed_vs_bare_trafilatura", "x traf"),
                              ("chosen", "text from")],
                       title="Bag-of-words P/R/F1 per page, averaged; speed from bytes to text on one core")
    common.write_results(args.out, "extract_quality", common.command_line("bench_extract_quality.py", argv), {
        "metric": "bag-of-words precision/recall/F1 per page (lower-cased \\w+ multisets), averaged per page; "
                  "no output scores 0; see thresher/stages/extract/scoring.py",
        "speed": "pages per CPU-second (this process + extraction worker), best of --repeat passes, "
                 "raw bytes to text",
        "sets": results,
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
