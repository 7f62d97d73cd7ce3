"""Fit the fast profile's resiliparse options on one dev gold set and score them on the other.

    .venv/bin/python bench/fit_resiliparse_cleanup.py [--data ../shared/data] [--out bench/results/resiliparse-cleanup-fit.json]

``ResiliparseExtractor`` (thresher/stages/extract/resiliparse_extractor.py) has
three options the combined extractor's fast profile sets:

* ``boilerplate_containers``: containers whose class or id names
  boilerplate are left out (a vocabulary taken from trafilatura, not
  fitted), with a guard for pages where that removes the article itself:
  under ``OVERPRUNED_WORDS`` words left and under a seventh of the text.
  This script lists, per set, the pages the guard acts on and the words
  left on them, which is what the guard's threshold rests on;
* ``article_share``: keep to the page's largest ``<article>`` when it holds
  at least this share of the page's words. Fitted here: the best F1 on one
  set (a plateau's middle), reported on the other;
* ``headers``: ``False`` leaves out ``<header>`` elements, as trafilatura
  does with ``favor_precision``. Fitted here with ``article_share`` (the
  pair with the best F1 on one set; among ties, headers kept), reported on
  the other.

F1 per set and CPU per page (best of ``--repeat`` passes) for each value, the
options off and the containers alone beside them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

from thresher.stages.extract.boilerplate import boilerplate_selectors  # noqa: E402
from thresher.stages.extract.gold import GOLD_SETS  # noqa: E402
from thresher.stages.extract.resiliparse_extractor import (  # noqa: E402
    OVERPRUNED_WORDS,
    ResiliparseExtractor,
    lost_the_article,
)
from thresher.stages.extract.scoring import page_f1, word_count  # noqa: E402

ARTICLE_SHARE_GRID = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def score(htmls: list[str], golds: list[str], params: dict[str, Any], repeat: int) -> dict[str, float]:
    extractor = ResiliparseExtractor(timeout_s=None, **params)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        texts = [extractor.extract_inline(html) for html in htmls]
        best = min(best, time.process_time() - start)
    return {"f1": round(statistics.fmean(page_f1(t, g) for t, g in zip(texts, golds)), 5),
            "ms_per_page": round(best / len(htmls) * 1000, 3)}


def guard_cases(htmls: list[str]) -> list[dict[str, int]]:
    """Pages where leaving out the named containers took the article with them (the extractor's own
    ``lost_the_article``, which makes it read the page without them): the words left, and without the skips."""
    extractor = ResiliparseExtractor(timeout_s=None)
    cases = []
    for html in htmls:
        skip = boilerplate_selectors(html)
        if not skip:
            continue
        # The extractor's own reading with and without the skips, as its guard compares them.
        kept, whole = (extractor._plain_text(html, s) for s in (skip, []))
        if lost_the_article(kept, whole):
            cases.append({"words_left": word_count(kept), "words_without_skips": word_count(whole)})
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=common.DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=common.RESULTS / "resiliparse-cleanup-fit.json")
    args = parser.parse_args(argv)
    sets = {name: (htmls, golds) for name, (htmls, _, golds) in common.decoded_gold_sets(args.data).items()}
    if len(sets) < 2:
        print("fitting needs both dev gold sets (one to fit, one to report); not found under", args.data)
        return 0
    variants: dict[str, dict[str, Any]] = {"off": {}, "containers": {"boilerplate_containers": True}}
    grid = [(headers, share) for headers in (True, False) for share in ARTICLE_SHARE_GRID]
    for headers, share in grid:
        variants[_label(headers, share)] = {"boilerplate_containers": True, "article_share": share, "headers": headers}
    results = {label: {name: score(htmls, golds, params, args.repeat) for name, (htmls, golds) in sets.items()}
               for label, params in variants.items()}
    folds = []
    for fit_name, report_name in ((GOLD_SETS[0], GOLD_SETS[1]), (GOLD_SETS[1], GOLD_SETS[0])):
        f1s = {point: round(results[_label(*point)][fit_name]["f1"], 4) for point in grid}
        tied = [point for point, f1 in f1s.items() if f1 == max(f1s.values())]
        headers = any(h for h, _ in tied)  # headers kept when that ties
        share = statistics.median_low([s for h, s in tied if h == headers])
        folds.append({"fitted_on": fit_name, "headers": headers, "article_share": share,
                      "fit_f1": results[_label(headers, share)][fit_name]["f1"], "reported_on": report_name,
                      "report_f1": results[_label(headers, share)][report_name]["f1"]})
    guards = {name: guard_cases(htmls) for name, (htmls, _) in sets.items()}
    rows = [{"variant": label, **{f"{name} F1": f"{r[name]['f1']:.5f}" for name in sets},
             **{f"{name} ms/page": f"{r[name]['ms_per_page']:.2f}" for name in sets}} for label, r in results.items()]
    common.print_table(rows, [(k, k) for k in rows[0]], title="resiliparse options, F1 and CPU per dev gold set")
    for fold in folds:
        print(f"fitted on {fold['fitted_on']}: article_share {fold['article_share']:g}, headers {fold['headers']} "
              f"(F1 {fold['fit_f1']:.5f}); reported on {fold['reported_on']}: F1 {fold['report_f1']:.5f}")
    for name, cases in guards.items():
        print(f"{name}: guard acts on {len(cases)} pages; words left on them: "
              f"{sorted(c['words_left'] for c in cases)}")
    common.write_results(args.out, "resiliparse_cleanup_fit", common.command_line("fit_resiliparse_cleanup.py", argv),
                         {"variants": results, "folds": folds, "guard_cases": guards,
                          "overpruned_words": OVERPRUNED_WORDS})
    return 0


def _label(headers: bool, share: float) -> str:
    return f"containers + article {share:g}" + ("" if headers else " + <header> out")


if __name__ == "__main__":
    raise SystemExit(main())
