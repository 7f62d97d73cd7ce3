"""Main-text extractors compared: pages/s on one core, and agreement with reference text.

    .venv/bin/python bench/bench_extract.py [--data ../shared/data] [--out bench/results/extract.json]
                                            [--skip-bounded] [--repeat 2]

Data (skipped when absent, never copied into the package):

* ``extract-scrapinghub-aeb``: 181 article pages with hand-made gold article
  bodies (the Article Extraction Benchmark);
* ``extract-readability-mozilla``: 130 pages with Readability.js's reviewed
  output (a silver standard: an algorithm's output, not human annotation).

Quality: bag-of-words precision, recall and F1 per page, averaged per page
(``thresher.stages.extract.scoring``, the definition bench_extract_quality.py and
the tests share), and AEB's own metric (sets of 4-token shingles, precision
and recall averaged over pages, F1 from the two averages; the AEB README
reports trafilatura 2.0.0 at F1 0.958 with it). A page with no output scores
0. For quality against the bare libraries and the combined extractor's
profiles, see bench_extract_quality.py.

Speed: pages per second on one core, in-process (``timeout_s: null``) and
through the bounded worker process the pipeline uses by default (the cost of
the process boundary: pickling each page over a pipe). The best of
``--repeat`` passes is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from thresher.stages.extract import build_extractor  # noqa: E402
from thresher.stages.extract.gold import available, load_gold_set  # noqa: E402
from thresher.stages.extract.scoring import set_score, words  # noqa: E402
from thresher.io.charset import decode_html  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_pages(data: Path, name: str) -> list[dict]:
    if not available(data, name):
        return []
    return [{"id": p.id, "url": p.url, "html": decode_html(p.html_bytes)[0], "reference": p.gold}
            for p in load_gold_set(data, name)]


def shingle_precision_recall(predicted: str | None, reference: str, n: int = 4) -> tuple[float, float]:
    ref_tokens, pred_tokens = words(reference), words(predicted)
    ref = set(zip(*(ref_tokens[i:] for i in range(n))))
    pred = set(zip(*(pred_tokens[i:] for i in range(n))))
    if not ref and not pred:
        return 1.0, 1.0
    if not ref or not pred:
        return 0.0, 0.0
    overlap = len(ref & pred)
    return overlap / len(pred), overlap / len(ref)


def score(outputs: list[str | None], pages: list[dict], shingle: int | None) -> dict[str, float]:
    if not shingle:
        result = set_score(outputs, [page["reference"] for page in pages]).as_dict()
        return {k: result[k] for k in ("precision", "recall", "f1")}
    pairs = [shingle_precision_recall(out, page["reference"], shingle) for out, page in zip(outputs, pages)]
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def run_extractor(name: str, params: dict, pages: list[dict], repeat: int) -> tuple[list[str | None], float]:
    """Outputs, and the best of ``repeat`` timings (other work on the machine only slows runs down)."""
    extractor = build_extractor(name, params)
    best = float("inf")
    try:
        # Warm up: lazy imports, and the worker process start, stay outside the timing.
        extractor.extract(pages[0]["html"], pages[0]["url"])
        for _ in range(repeat):
            outputs: list[str | None] = []
            started = time.perf_counter()
            for page in pages:
                try:
                    outputs.append(extractor.extract(page["html"], page["url"]))
                except Exception:  # noqa: BLE001 - a bound hit or an extractor error scores as no output
                    outputs.append(None)
            best = min(best, time.perf_counter() - started)
    finally:
        close = getattr(extractor, "close", None)
        if close:
            close()
    return outputs, best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "extract.json")
    parser.add_argument("--skip-bounded", action="store_true", help="only time in-process extraction")
    parser.add_argument("--repeat", type=int, default=2, help="timed passes per extractor; the best counts")
    args = parser.parse_args(argv)

    datasets = {"scrapinghub-aeb": load_pages(args.data, "scrapinghub-aeb"),
                "readability-mozilla": load_pages(args.data, "readability")}
    datasets = {k: v for k, v in datasets.items() if v}
    if not datasets:
        print(f"no extraction data under {args.data}; nothing to measure")
        return 0
    results: dict = {
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine(),
                    "cores": os.cpu_count()},
        "metric": "bag_of_words: per-page F1 averaged (thresher.stages.extract.scoring); shingles_4: precision/recall "
                  "averaged over pages, F1 from the averages",
        "datasets": {k: len(v) for k, v in datasets.items()},
        "extractors": {},
    }
    rows = []
    for name in ("trafilatura", "resiliparse", "combined"):
        entry: dict = {}
        for dataset, pages in datasets.items():
            outputs, elapsed = run_extractor(name, {"timeout_s": None}, pages, args.repeat)
            entry[dataset] = {
                "pages": len(pages),
                "pages_per_s_per_core": round(len(pages) / elapsed, 1),
                "bag_of_words": score(outputs, pages, None),
                "shingles_4": score(outputs, pages, 4),
                "no_output": sum(1 for o in outputs if not o),
            }
            if not args.skip_bounded:
                _, bounded_elapsed = run_extractor(name, {"timeout_s": 30}, pages, args.repeat)
                entry[dataset]["bounded_pages_per_s_per_core"] = round(len(pages) / bounded_elapsed, 1)
            e = entry[dataset]
            rows.append((name, dataset, e["pages_per_s_per_core"], e.get("bounded_pages_per_s_per_core", "-"),
                         e["bag_of_words"]["precision"], e["bag_of_words"]["recall"], e["bag_of_words"]["f1"],
                         e["shingles_4"]["f1"], e["no_output"]))
        results["extractors"][name] = entry

    header = ("extractor", "dataset", "pages/s", "bounded", "BoW P", "BoW R", "BoW F1", "4-gram F1", "empty")
    widths = [12, 20, 8, 8, 7, 7, 7, 9, 6]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
