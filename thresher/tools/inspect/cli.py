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
COMMANDS = ("summary", "schema", "head", "show", "stats", "validate")

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
    run = open_run(operands[0])
    console = render.make_console()
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
    report = validate_run(run).to_dict()
    _emit(args, report, lambda data: render.render_validation(console, data))
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
