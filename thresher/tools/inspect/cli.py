"""``thresher inspect [COMMAND] PATH``: read a run's shards, locally or on gs:// / s3://.

One argparse parser takes the words after ``inspect`` and dispatches on the
first: argparse subparsers cannot also accept a bare PATH (``thresher inspect
out/``) as the default command.

Exit codes: 0 success; 1 ``validate`` found problems; 2 a user error (a
``ThresherError``: bad path, no manifest, unknown id), printed by the
top-level ``main``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from thresher.errors import ThresherError

EXIT_OK, EXIT_INVALID = 0, 1
COMMANDS = ("summary", "schema", "head", "show", "stats", "validate", "dropped")

_DESCRIPTION = """\
Look inside a run's output: PATH is a run directory or its manifest.json, a local
path or a gs:// or s3:// URL.

commands:
  thresher inspect PATH              documents, tokens, shards, bytes, languages, tokenizer
  thresher inspect schema PATH       the shards' Parquet schema beside the contract's
  thresher inspect head PATH -n N    the first N documents, decoded (--full for whole texts)
  thresher inspect show PATH ID      one document by id or unique id prefix, decoded, with metadata
  thresher inspect stats PATH        token-length histogram, tokens per language and per shard
  thresher inspect validate PATH     checksums, schema, vocabulary, EOS placement, manifest
                                     (and the dropped documents, when the run kept them)
  thresher inspect dropped PATH      dropped documents (output.keep_dropped) by stage and reason,
                                     the first N of them; --stage S, --reason R to choose
  head and validate also take a dropped dataset itself: thresher inspect head OUTPUT/dropped

exit status: 0 ok, 1 validate found problems, 2 usage or input error."""


def add_inspect_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``inspect`` on the top-level subparsers; its handler returns an exit code."""
    parser = subparsers.add_parser(
        "inspect",
        help="summarize, browse, or validate a run's shards (local, gs:// or s3://)",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [COMMAND] PATH [ID] [options]",
    )
    parser.add_argument("words", nargs="+", metavar="[COMMAND] PATH [ID]", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print JSON for scripts instead of tables")
    parser.add_argument("-n", type=int, default=5, metavar="N", help="head: documents to show (default 5)")
    parser.add_argument("--full", action="store_true", help="head: whole texts and metadata, not a table")
    parser.add_argument("--stage", metavar="S", help="dropped: only documents this stage dropped (e.g. dedup_exact)")
    parser.add_argument("--reason", metavar="R", help="dropped: only documents dropped for this reason")
    parser.add_argument("--limit", type=int, default=20, metavar="N",
                        help="rows per listing (languages, shards) before '… N more'; 0 shows all (default 20)")
    parser.set_defaults(func=run_inspect)


def run_inspect(args: argparse.Namespace) -> int:
    # Imported here: registering the parser must not slow down every other `thresher` command.
    from thresher.tools.inspect import render
    from thresher.tools.inspect.documents import find_document, head_documents
    from thresher.tools.inspect.schema import describe_schema
    from thresher.tools.inspect.stats import corpus_stats
    from thresher.tools.inspect.summary import run_summary
    from thresher.tools.inspect.validate import validate_run
    from thresher.tools.loader.run import open_run

    command, operands = _parse_words(args.words)
    console = render.make_console()
    if command in ("dropped", "head", "validate"):
        handled = _inspect_dropped(args, command, operands[0], console)
        if handled is not None:
            return handled
    run = open_run(operands[0])
    if command == "summary":
        return _emit(args, run_summary(run), lambda data: render.render_summary(console, data, args.limit))
    if command == "schema":
        return _emit(args, describe_schema(run), lambda data: render.render_schema(console, data))
    if command == "head":
        documents = head_documents(run, args.n)
        return _emit(args, documents, lambda data: render.render_documents(console, data, full=args.full))
    if command == "show":
        return _emit(args, find_document(run, operands[1]), lambda data: render.render_document(console, data))
    if command == "stats":
        return _emit(args, corpus_stats(run), lambda data: render.render_stats(console, data, args.limit))
    validated = validate_run(run)
    from thresher.tools.inspect.dropped import find_dropped, validate_dropped

    kept_dropped = find_dropped(operands[0], required=False)
    if kept_dropped is not None:
        validate_dropped(kept_dropped, validated)
    report = validated.to_dict()
    _emit(args, report, lambda data: render.render_validation(console, data))
    return EXIT_OK if report["ok"] else EXIT_INVALID


def _inspect_dropped(args: argparse.Namespace, command: str, path: str, console) -> int | None:
    """``dropped PATH``, or ``head``/``validate`` of a dropped dataset itself; None for anything else."""
    from thresher.tools.inspect import render
    from thresher.tools.inspect.dropped import (
        dropped_listing, find_dropped, head_dropped, is_dropped_dataset, validate_dropped,
    )

    if command == "dropped":
        listing = dropped_listing(find_dropped(path), args.n, args.stage, args.reason)
        return _emit(args, listing, lambda data: render.render_dropped(console, data, args.limit))
    if not is_dropped_dataset(path):
        return None
    dataset = find_dropped(path)
    if command == "head":
        documents = head_dropped(dataset, args.n, args.full)
        return _emit(args, documents, lambda data: render.render_dropped_documents(console, data))
    report = validate_dropped(dataset).to_dict()

    def show(data: dict) -> None:
        for warning in data["warnings"]:
            console.print(f"warning {warning['where']}: {warning['message']}", markup=False, soft_wrap=True)
        for problem in data["problems"]:
            console.print(f"FAIL [{problem['check']}] {problem['where']}: {problem['message']}", markup=False,
                          soft_wrap=True)
        verdict = "OK" if data["ok"] else f"INVALID ({len(data['problems'])} problems)"
        console.print(f"{verdict} {data['path']}: {data['checked']['documents']:,} dropped documents, "
                      "files, schema, rows, stage and reason", markup=False, soft_wrap=True)

    _emit(args, report, show)
    return EXIT_OK if report["ok"] else EXIT_INVALID


def _parse_words(words: list[str]) -> tuple[str, list[str]]:
    """``[COMMAND] PATH [ID]`` → (command, operands), with a usage error naming what is wrong."""
    if words[0] in COMMANDS:
        command, operands = words[0], words[1:]
    else:
        command, operands = "summary", words
    wanted = 2 if command == "show" else 1
    if len(operands) != wanted:
        shape = "PATH ID" if command == "show" else "PATH"
        got = " ".join(operands) or "nothing"
        raise ThresherError(f"inspect {command}: expected {shape}, got {got}")
    return command, operands


def _emit(args: argparse.Namespace, data: Any, show) -> int:
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        show(data)
    return EXIT_OK
