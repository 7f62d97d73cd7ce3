"""Fit the combined extractor's two thresholds on one dev gold set and score them on the other.

    .venv/bin/python bench/fit_extract_rule.py [--data ../shared/data] [--out bench/results/extract-fit.json]

The rule (thresher/stages/extract/combined.py) has these numbers:

* default profile: ``min_share``, ``min_share_clean`` and
  ``max_surplus_short`` (keep trafilatura's text unless it holds fewer than
  ``min_share`` of resiliparse's words, or fewer than ``min_share_clean`` with
  little boilerplate-shaped surplus in resiliparse's text);
* fast profile: ``max_short_share`` (run trafilatura only when more than
  this share of resiliparse's words sit in short or unfinished lines).

They are fitted on one set (scrapinghub AEB, then Readability) and reported
on the other. The default profile's three maximise F1 over a grid; a plateau
of equal F1 gives its middle (the tied point nearest the per-parameter
medians). ``max_short_share`` maximises F1 among the values whose modelled
CPU stays within 0.225 of bare trafilatura's (the fast profile's ≥ 4×
target, less a tenth for the worker process): charset decoding and
resiliparse with the fast profile's options (``FAST_RESILIPARSE``) on every
page, plus Thresher's trafilatura on the routed share, each priced at its
measured CPU per page on the fitting set.

Both libraries run once per page (as Thresher wraps them, in-process); the
rule is then replayed with the package's own code for every candidate value.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

from thresher.stages.extract import build_extractor  # noqa: E402
from thresher.stages.extract.combined import FAST_RESILIPARSE, CombinedExtractor, short_line_share  # noqa: E402
from thresher.stages.extract.gold import GOLD_SETS, available, load_gold_set  # noqa: E402
from thresher.stages.extract.scoring import page_f1  # noqa: E402
from thresher.io.charset import decode_html  # noqa: E402

logging.getLogger("trafilatura").setLevel(logging.ERROR)

MIN_SHARE_GRID = [round(0.30 + 0.05 * i, 2) for i in range(7)]  # 0.30 .. 0.60
MIN_SHARE_CLEAN_GRID = [round(0.50 + 0.05 * i, 2) for i in range(6)]  # 0.50 .. 0.75
SURPLUS_GRID = [0.05, 0.1, 0.2, 0.3, 0.5]
DEFAULT_GRID = [{"min_share": a, "min_share_clean": b, "max_surplus_short": c}
                for a in MIN_SHARE_GRID for b in MIN_SHARE_CLEAN_GRID for c in SURPLUS_GRID if b >= a]
SHORT_SHARE_GRID = [round(0.05 * i, 2) for i in range(1, 21)]  # 0.05 .. 1.0 (1.0: only pages with no text)
# A quarter of bare trafilatura's CPU (>= 4x its pages/s), less a tenth for the bounded worker process's
# own cost (pickling each page over a pipe), which this model leaves out.
FAST_CPU_BUDGET = 0.225


def library_outputs(data: Path, set_name: str) -> dict[str, Any]:
    """Both libraries' text per page as Thresher wraps them (resiliparse as each profile runs it), each one's CPU,
    and bare trafilatura's CPU."""
    import trafilatura

    pages = load_gold_set(data, set_name)
    traf = build_extractor("trafilatura", {"timeout_s": None})
    resi = build_extractor("resiliparse", {"timeout_s": None})
    resi_fast = build_extractor("resiliparse", {"timeout_s": None, **FAST_RESILIPARSE})
    c0 = time.process_time()
    htmls = [decode_html(page.html_bytes)[0] for page in pages]
    c1 = time.process_time()
    resi_out = [resi.extract(html, page.url) for html, page in zip(htmls, pages)]
    c2 = time.process_time()
    traf_out = [traf.extract(html, page.url) for html, page in zip(htmls, pages)]
    c3 = time.process_time()
    for page in pages:
        trafilatura.extract(page.html_bytes, favor_precision=True, include_comments=False)
    c4 = time.process_time()
    resi_fast_out = [resi_fast.extract(html, page.url) for html, page in zip(htmls, pages)]
    c5 = time.process_time()
    n = len(pages)
    return {
        "golds": [page.gold for page in pages],
        "trafilatura": traf_out,
        "resiliparse": resi_out,
        "resiliparse_fast": resi_fast_out,
        "cpu_per_page": {"decode": (c1 - c0) / n, "resiliparse": (c2 - c1) / n, "trafilatura": (c3 - c2) / n,
                         "bare_trafilatura": (c4 - c3) / n, "resiliparse_fast": (c5 - c4) / n},
    }


def default_f1(outputs: dict[str, Any], params: dict[str, float]) -> float:
    rule = CombinedExtractor(timeout_s=None, **params)
    chosen = [rule.choose(t, r).text for t, r in zip(outputs["trafilatura"], outputs["resiliparse"])]
    return statistics.fmean(page_f1(text, gold) for text, gold in zip(chosen, outputs["golds"]))


def fast_result(outputs: dict[str, Any], params: dict[str, float], max_short_share: float) -> dict[str, float]:
    rule = CombinedExtractor(timeout_s=None, **params)
    texts, routed = [], 0
    for t, r in zip(outputs["trafilatura"], outputs["resiliparse_fast"]):
        if r and short_line_share(r) <= max_short_share:
            texts.append(r)
        else:
            routed += 1
            texts.append(rule.choose(t, r).text)
    cpu = outputs["cpu_per_page"]
    n = len(texts)
    modelled = (cpu["decode"] + cpu["resiliparse_fast"] + routed / n * cpu["trafilatura"]) / cpu["bare_trafilatura"]
    return {
        "f1": statistics.fmean(page_f1(text, gold) for text, gold in zip(texts, outputs["golds"])),
        "routed_share": routed / n,
        "modelled_cpu_vs_bare_trafilatura": modelled,
    }


ROUTED_SHARES = (0.05, 0.10, 0.15, 0.20, 0.30)


def routing_ceiling(outputs: dict[str, Any], params: dict[str, float]) -> dict[str, dict[str, float]]:
    """Fast-profile F1 when a share of pages goes to trafilatura (the default rule then choosing):
    chosen perfectly (the pages that gain most), and by the shipped signal (most short-line words).

    The perfect choice bounds what any routing signal can reach at that share, i.e. at that CPU.
    """
    rule = CombinedExtractor(timeout_s=None, **params)
    golds = outputs["golds"]
    resi_texts = outputs["resiliparse_fast"]
    resi = [page_f1(r, g) for r, g in zip(resi_texts, golds)]
    routed = [page_f1(rule.choose(t, r).text, g) for t, r, g in zip(outputs["trafilatura"], resi_texts, golds)]
    n = len(golds)
    gains = sorted((b - a for a, b in zip(resi, routed)), reverse=True)
    by_signal = sorted(range(n), key=lambda i: -short_line_share(resi_texts[i]))
    base = statistics.fmean(resi)
    out = {}
    for share in ROUTED_SHARES:
        k = int(share * n)
        out[f"{share:.2f}"] = {"perfect": round(base + sum(gains[:k]) / n, 4),
                               "short_line_share": round(base + sum(routed[i] - resi[i] for i in by_signal[:k]) / n, 4)}
    return out


def plateau_middle(grid: list[dict[str, float]], scores: list[float]) -> dict[str, float]:
    """The best-scoring point; among ties (F1 to 4 places), the one nearest the tied points' medians."""
    best = max(round(s, 4) for s in scores)
    tied = [g for g, s in zip(grid, scores) if round(s, 4) == best]
    medians = {k: statistics.median_low(sorted(g[k] for g in tied)) for k in tied[0]}
    return min(tied, key=lambda g: sum(abs(g[k] - medians[k]) for k in g))


def fit(fit_set: dict[str, Any]) -> dict[str, float]:
    params = plateau_middle(DEFAULT_GRID, [default_f1(fit_set, g) for g in DEFAULT_GRID])
    fast = [fast_result(fit_set, params, s) for s in SHORT_SHARE_GRID]
    within = [({"max_short_share": s}, r) for s, r in zip(SHORT_SHARE_GRID, fast)
              if r["modelled_cpu_vs_bare_trafilatura"] <= FAST_CPU_BUDGET]
    if within:
        fast_params = plateau_middle([g for g, _ in within], [r["f1"] for _, r in within])
    else:  # nothing fits the budget: the value that routes least
        fast_params = {"max_short_share": SHORT_SHARE_GRID[-1]}
    return {**params, **fast_params}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=common.DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=common.RESULTS / "extract-fit.json")
    args = parser.parse_args(argv)
    sets = {name: library_outputs(args.data, name) for name in GOLD_SETS if available(args.data, name)}
    if len(sets) < 2:
        print("fitting needs both dev gold sets (one to fit, one to report); not found under", args.data)
        return 0
    folds, rows = [], []
    for fit_name, report_name in ((GOLD_SETS[0], GOLD_SETS[1]), (GOLD_SETS[1], GOLD_SETS[0])):
        fitted = fit(sets[fit_name])
        params = {k: v for k, v in fitted.items() if k != "max_short_share"}
        fold: dict[str, Any] = {"fitted_on": fit_name, "reported_on": report_name, "params": fitted}
        for role, name in (("fit", fit_name), ("report", report_name)):
            fast = fast_result(sets[name], params, fitted["max_short_share"])
            traf_f1 = statistics.fmean(page_f1(t, g) for t, g in zip(sets[name]["trafilatura"], sets[name]["golds"]))
            fold[role] = {"set": name, "default_f1": round(default_f1(sets[name], params), 4),
                          "trafilatura_f1": round(traf_f1, 4), **{k: round(v, 4) for k, v in fast.items()}}
            rows.append({"fitted on": fit_name, "scored on": f"{name} ({role})",
                         "params": " ".join(f"{v:g}" for v in fitted.values()),
                         "default F1": f"{fold[role]['default_f1']:.4f}", "fast F1": f"{fold[role]['f1']:.4f}",
                         "traf F1": f"{traf_f1:.4f}", "fast routed": f"{fast['routed_share']:.3f}",
                         "fast CPU/traf": f"{fast['modelled_cpu_vs_bare_trafilatura']:.3f}"})
        folds.append(fold)
    curves = {name: {"min_share_alone": {m: round(default_f1(s, {"min_share": m, "min_share_clean": m}), 4)
                                         for m in MIN_SHARE_GRID + [0.65, 0.7, 0.75]}}
              for name, s in sets.items()}
    ceilings = {name: routing_ceiling(s, folds[0]["params"]) for name, s in sets.items()}
    for name, table in ceilings.items():
        print(f"{name}: fast F1 by share routed to trafilatura (perfect choice / by short-line share): "
              + ", ".join(f"{k} {v['perfect']:.4f}/{v['short_line_share']:.4f}" for k, v in table.items()))
    common.print_table(rows, [(k, k) for k in rows[0]],
                       title="Fitted on one set, scored on both (params: min_share min_share_clean "
                             "max_surplus_short max_short_share)")
    common.write_results(args.out, "extract_fit", common.command_line("fit_extract_rule.py", argv), {
        "folds": folds,
        "default_f1_with_min_share_alone": curves,
        "fast_f1_by_routed_share": ceilings,
        "cpu_per_page_s": {name: {k: round(v, 5) for k, v in s["cpu_per_page"].items()} for name, s in sets.items()},
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
