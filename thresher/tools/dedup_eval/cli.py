"""``thresher dedup-eval RUN_DIR``: precision and recall of a run's MinHash LSH against exact Jaccard."""

from __future__ import annotations

import argparse

# Literal copies of thresher.tools.dedup_eval.evaluate's defaults, so that registering the
# parser imports neither numpy nor pyarrow (a test keeps them in step).
DEFAULT_SAMPLE_PAIRS = 10_000
DEFAULT_MAX_CANDIDATE_PAIRS = 20_000_000


def _fraction(value: str) -> float:
    number = float(value)
    if not 0.0 < number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within (0, 1], got {value}")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be positive, got {value}")
    return number


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return number


def add_dedup_eval_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``dedup-eval`` on the top-level subparsers (the handler returns an exit code)."""
    parser = subparsers.add_parser(
        "dedup-eval",
        help="measure precision and recall of a run's MinHash LSH candidates against exact Jaccard",
        description="Re-sign the documents that reached the MinHash stage of the run in RUN_DIR (its "
        "phase-A results after URL and exact dedup) with the run's dedup.minhash settings, list every LSH "
        "candidate pair and compute its exact shingle Jaccard similarity (precision), and compare a random "
        "sample of the other pairs to estimate the similar pairs LSH missed (recall). Prints the figures "
        "and writes RUN_DIR/dedup_eval.json.",
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="output directory of a finished `thresher run`")
    parser.add_argument(
        "--sample-pairs",
        type=_non_negative,
        default=DEFAULT_SAMPLE_PAIRS,
        metavar="N",
        help=f"non-candidate pairs to compare for the recall estimate (default {DEFAULT_SAMPLE_PAIRS:,}); "
        "all of them when there are fewer",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of the samples (default 0)")
    parser.add_argument(
        "--threshold",
        type=_fraction,
        metavar="J",
        help="Jaccard similarity that counts as a near-duplicate (default: the S-curve threshold (1/b)^(1/r))",
    )
    parser.add_argument(
        "--max-documents",
        type=_positive,
        metavar="N",
        help="evaluate a uniform random sample of N documents (for large runs)",
    )
    parser.add_argument(
        "--max-candidate-pairs",
        type=_positive,
        default=DEFAULT_MAX_CANDIDATE_PAIRS,
        metavar="N",
        help=f"stop with an error beyond this many candidate pairs (default {DEFAULT_MAX_CANDIDATE_PAIRS:,})",
    )
    parser.add_argument("--json", action="store_true", help="print the full result as JSON instead of a summary")
    parser.set_defaults(func=_cmd_dedup_eval)


def _cmd_dedup_eval(args: argparse.Namespace) -> int:
    import json
    import os

    from thresher.tools.dedup_eval.evaluate import EVAL_FILE, evaluate_run, format_evaluation

    result = evaluate_run(
        args.run_dir,
        sample_pairs=args.sample_pairs,
        seed=args.seed,
        threshold=args.threshold,
        max_documents=args.max_documents,
        max_candidate_pairs=args.max_candidate_pairs,
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_evaluation(result))
        print(f"\nwrote {os.path.join(args.run_dir, EVAL_FILE)}")
    return 0
