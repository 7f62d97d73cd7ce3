"""The ``thresher`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import Sequence

from thresher.errors import ThresherError


def _cmd_run(args: argparse.Namespace) -> int:
    from thresher.config import load_config
    from thresher.engines import warm_up

    overrides = {}
    if args.input:
        overrides["input.paths"] = list(args.input)
    if args.output:
        overrides["output.path"] = args.output
    if args.runner:
        overrides["runner.name"] = args.runner
    if args.workers is not None:
        overrides["runner.workers"] = args.workers
    if args.max_error_share is not None:
        overrides["output.max_error_share"] = args.max_error_share
    config = load_config(args.config, overrides)
    if not args.dry_run:
        warm_up(config.runner.name, config.runner.workers)  # before the imports below, to overlap them
    from thresher.bookkeeping.funnel import format_funnel
    from thresher.run.driver import run_pipeline
    from thresher.run.dry_run import dry_run, dry_run_request
    from thresher.run.interrupt import committed_summary, stop_cleanly_on_interrupt
    from thresher.run.outcome import format_problem_files, judge
    from thresher.run.preflight import check_output_dir, check_run_references

    describe_to, args.engine_args = dry_run_request(args.dry_run, args.engine_args)
    check_output_dir(describe_to or config.output.path, "--dry-run" if describe_to else "--output")
    check_run_references(config)
    # Looks sys.stderr up at call time: during a run it is the terminal, not the worker log.
    say = (lambda _m: None) if args.quiet else (lambda m: print(f"thresher: {m}", file=sys.stderr))
    if describe_to:
        print("\n".join(dry_run(config, describe_to, args.engine_args, say)))
        return 0
    started = time.monotonic()
    with stop_cleanly_on_interrupt(committed_summary(config)):
        result = run_pipeline(
            config,
            extra_args=args.engine_args,
            log=say,
            progress=False if args.quiet else None,
            overwrite=args.overwrite,
        )
    print(format_funnel(result.stats))
    problems = format_problem_files(result.stats.get("problem_files"))
    if problems:
        print(problems)
    print(f"\nshards, manifest.json and stats.json in {result.layout.root}")
    if args.report:
        from thresher.tools.report.html import write_report

        print(f"report: {write_report(result.layout.root)}")
    say(f"done in {time.monotonic() - started:.1f} s")
    verdict = judge(result.stats, config.output.max_error_share)
    if verdict.message:
        print(f"thresher: error: {verdict.message}", file=sys.stderr)
    return verdict.status


def _cmd_sample(args: argparse.Namespace) -> int:
    from thresher.run.preflight import check_output_file
    from thresher.tools.sample.generator import write_sample_crawl

    check_output_file(args.output, "OUT.warc.gz")

    truth = write_sample_crawl(args.output, pages=args.pages, seed=args.seed)
    print(f"wrote {args.output} ({len(truth.planted_pages)} HTML pages, seed {args.seed}) and its truth file")
    return 0


def _cmd_train_tokenizer(args: argparse.Namespace) -> int:
    from thresher.run.layout import RunLayout, dataset_files
    from thresher.run.tokenizer import iter_kept_texts
    from thresher.run.preflight import check_output_file
    from thresher.stages.tokenize.bpe_trainer import train_byte_level_bpe

    check_output_file(args.output)  # before training, which takes minutes
    layout = RunLayout.of(args.run_dir)
    if not dataset_files(layout.documents):
        raise ThresherError(f"{layout.root}: no kept documents to train on (_work/documents of a finished run)")
    tokenizer = train_byte_level_bpe(
        iter_kept_texts(layout, args.max_documents),
        vocab_size=args.vocab_size,
        special_tokens=(args.eos_token,),
    )
    tokenizer.save(args.output)
    print(f"wrote {args.output} (vocabulary {tokenizer.get_vocab_size()})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from thresher.engines import engine_names

    parser = argparse.ArgumentParser(
        prog="thresher",
        description="Curate a pretraining corpus: WARC archives in, tokenized Parquet shards out.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the pipeline (the bundled sample crawl when no input is given)",
        description="Run the whole pipeline. Engine options go after '--', e.g. "
        "'thresher run cfg.yaml -- --job_endpoint=localhost:8099'.",
    )
    run.add_argument("config", nargs="?", help="YAML config (default: the built-in recipe)")
    run.add_argument("--input", action="append", metavar="GLOB", help="input WARC path or glob (repeatable)")
    run.add_argument("--output", metavar="DIR", help="output directory")
    run.add_argument("--runner", choices=engine_names(), help="the engine (default: runner.name, else direct)")
    run.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: every core)")
    run.add_argument("--quiet", action="store_true", help="print only the final funnel")
    run.add_argument("--report", action="store_true", help="write report.html (the HTML run report) at the end")
    run.add_argument(
        "--overwrite", action="store_true", help="redo a finished output instead of leaving it as it is"
    )
    run.add_argument(
        "--dry-run", metavar="DIR", help="build every job (phase A, dedup, shards) without running any; write each "
        "job's description to DIR (Dataflow: the job request, built offline under Beam's --dry_run)",
    )
    run.add_argument(
        "--max-error-share", type=float, metavar="SHARE",
        help="exit with status 5 when more than this share of input records are errors "
        "(default: output.max_error_share, 0.05)",
    )
    run.set_defaults(func=_cmd_run)

    sample = sub.add_parser(
        "sample",
        help="write a deterministic sample crawl (WARC) with planted test cases",
        description="Generate a realistic WARC/1.0 crawl with planted duplicates, spam and low-quality pages.",
    )
    sample.add_argument("output", metavar="OUT.warc.gz")
    sample.add_argument("--pages", type=_positive_int, default=300, help="HTML pages to generate (default 300)")
    sample.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    sample.set_defaults(func=_cmd_sample)

    train = sub.add_parser(
        "train-tokenizer",
        help="train a byte-level BPE tokenizer on a run's kept text",
        description="Train a byte-level BPE (HF tokenizers) on the kept documents of RUN_DIR.",
    )
    train.add_argument("run_dir", metavar="RUN_DIR")
    train.add_argument("--vocab-size", type=_positive_int, default=8192)
    train.add_argument("--eos-token", default="<|endoftext|>")
    train.add_argument("--max-documents", type=_positive_int, default=200_000)
    train.add_argument("--output", required=True, metavar="tokenizer.json")
    train.set_defaults(func=_cmd_train_tokenizer)

    from thresher.tools.dedup_eval.cli import add_dedup_eval_parser
    from thresher.tools.export.cli import add_export_parser
    from thresher.tools.inspect.cli import add_inspect_parser
    from thresher.tools.report.cli import add_report_parser

    add_inspect_parser(sub)
    add_export_parser(sub)
    add_report_parser(sub)
    add_dedup_eval_parser(sub)
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def split_engine_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """Everything after the first bare ``--`` goes to the engine untouched (Beam options, Spark conf)."""
    if "--" not in argv:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1 :]


def main(argv: Sequence[str] | None = None) -> int:
    # Beam logs every worker start and each missing optional GCP client at WARNING.
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    argv, engine_args = split_engine_args(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    args.engine_args = engine_args
    from thresher.run.failures import explain_failure

    try:
        return args.func(args)
    except (ThresherError, OSError, ImportError, KeyboardInterrupt) as exc:
        # A user mistake or an environment problem: one line, never a traceback.
        message, status = explain_failure(exc)
        if message:
            print(f"thresher: {message}", file=sys.stderr)
        return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
