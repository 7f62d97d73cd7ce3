"""``thresher report RUN_DIR``: write a run's self-contained HTML report."""

from __future__ import annotations

import argparse


def add_report_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``report`` on the top-level subparsers (the handler returns an exit code)."""
    report = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report of a finished run (funnel, drops, languages, ...)",
        description="Write one HTML file (inline SVG charts, no network access) showing what the run in "
        "RUN_DIR did: a warning banner when nothing was kept or too many records failed; documents and "
        "estimated tokens per stage, drops by reason, languages and language-ID scores of its drops, kept "
        "documents per language, top domains kept and dropped, document lengths, duplicate clusters and "
        "pairs side by side with their similarity, audit samples, timings and the config. Every number "
        "comes from the run's stats.json, manifest.json, audit.json, shards and _work (duplicates and "
        "phase-A results).",
    )
    report.add_argument("run_dir", metavar="RUN_DIR", help="output directory of a finished `thresher run`")
    report.add_argument(
        "--output", metavar="report.html", help="where to write the page (default: RUN_DIR/report.html)"
    )
    report.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    # Imported here so that registering the parser stays cheap (no pyarrow/numpy import).
    from thresher.run.preflight import check_output_file
    from thresher.tools.report.html import write_report

    if args.output:
        check_output_file(args.output)
    path = write_report(args.run_dir, args.output)
    print(f"wrote {path}")
    return 0
