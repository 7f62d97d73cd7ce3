"""Long fuzz runs of the input readers, the HTTP/charset layer and the extraction wrapper.

The same generators and oracles as the bounded fuzz tests
(``tests/test_fuzz_*.py``), driven by a seeded ``random.Random`` for as long
as asked::

    .venv/bin/python bench/fuzz_inputs.py --seconds 300 --seed 1
    .venv/bin/python bench/fuzz_inputs.py --examples 2000 --targets read,decode_html
    .venv/bin/python bench/fuzz_inputs.py --replay tests/fuzz_corpus/*.json --no-save

Each case is one target's input (a mutant archive for ``iter_input``, bytes
and a label for ``decode_html``...); targets take turns, ``extract`` less
often (a page costs ~50 ms in the worker process). A case that crashes (an
exception escaped the code under test) or breaks an invariant is shrunk while
it fails the same way (inside its gzip members first, then byte ranges) and
saved as JSON in ``tests/fuzz_corpus/`` (``--save-dir``), where
``tests/test_fuzz_regressions.py`` replays it: it fails the suite until the
bug is fixed and its note says how. Prints the inputs tried per target and
one line per distinct failure; exits 1 when anything failed."""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
# The generators and oracles live with the tests (the suite runs them too); this tree's code goes first.
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_fuzz_cases import GENERATORS, FuzzMaterial, load_material  # noqa: E402
from test_fuzz_checks import CORPUS_DIR, FuzzCase, FuzzContext, InvariantBroken, run_case, save_case  # noqa: E402
from test_fuzz_seeds import inflate_member, split_gzip_members  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
#: How often each target comes up, relative to the others (extraction is slow: fewer, larger cases).
WEIGHTS = {"read": 6, "decode_html": 3, "dechunk": 2, "decode_content": 3, "decode_payload": 2, "extract": 1}
#: Shrinking stops after this many re-runs of one failing case (a read takes milliseconds).
MAX_SHRINK_RUNS = 3000


@dataclass
class Failure:
    """One distinct way of failing, and the smallest case found for it."""

    signature: str
    case: FuzzCase
    detail: str
    count: int = 1


def failure_signature(case: FuzzCase, exc: BaseException) -> str:
    """Target, exception type and the innermost frame in thresher (or the oracle's message head)."""
    if isinstance(exc, InvariantBroken):
        # Numbers (offsets, sizes) differ between instances of the same failure, and change while shrinking.
        return f"{case.target}: invariant: " + re.sub(r"\d+", "N", str(exc).split(":")[0][:80])
    where = "?"
    for frame in traceback.extract_tb(exc.__traceback__):
        if "/thresher/" in frame.filename:
            where = f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno}"
    return f"{case.target}: {type(exc).__name__} at {where}"


def try_case(case: FuzzCase, ctx: FuzzContext) -> BaseException | None:
    try:
        run_case(case, ctx)
    except Exception as exc:  # noqa: BLE001 - anything escaping the code under test is the finding
        return exc
    return None


def shrink(case: FuzzCase, signature: str, ctx: FuzzContext) -> FuzzCase:
    """The smallest case found that still fails with the same signature.

    Gzip-compressed inputs are shrunk inside their members first (deleting
    bytes of compressed data mostly breaks it, which is another failure), then
    every input byte-wise.
    """
    budget = [MAX_SHRINK_RUNS]

    def still_fails(data: bytes) -> bool:
        budget[0] -= 1
        candidate = FuzzCase(case.target, data, case.params)
        exc = try_case(candidate, ctx)
        return exc is not None and failure_signature(candidate, exc) == signature

    data = case.data
    members = split_gzip_members(data) if data[:2] == b"\x1f\x8b" else []
    plains = [inflate_member(m) for m in members]
    # Recompressed one member per piece, intact or with the last member cut short (a common way to
    # fail), it may still fail the same way: then shrink the plain bytes inside.
    for cut in (0, 8, 12, 40):
        if not members:
            break

        def pack(pieces: list[bytes], cut: int = cut) -> bytes:
            packed = b"".join(gzip.compress(piece, mtime=0) for piece in pieces)
            return packed[: len(packed) - cut]

        if still_fails(pack(plains)):
            plains = _shrink_pieces(plains, lambda pieces: still_fails(pack(pieces)), budget)
            data = pack(plains)
            break
    pieces = _shrink_pieces([data], lambda pieces: still_fails(pieces[0]), budget)
    return FuzzCase(case.target, pieces[0], case.params)


def _shrink_pieces(pieces: list[bytes], still_fails: Callable[[list[bytes]], bool], budget: list[int]) -> list[bytes]:
    """Drop whole pieces, then byte ranges of halving size in each, while ``still_fails``."""
    pieces = list(pieces)
    i = 0
    while i < len(pieces) and len(pieces) > 1 and budget[0] > 0:
        if still_fails(pieces[:i] + pieces[i + 1:]):
            del pieces[i]
        else:
            i += 1
    for i in range(len(pieces)):
        size = max(len(pieces[i]) // 2, 1)
        while size >= 1 and budget[0] > 0:
            start = 0
            while start < len(pieces[i]) and budget[0] > 0:
                piece = pieces[i][:start] + pieces[i][start + size:]
                if still_fails(pieces[:i] + [piece] + pieces[i + 1:]):
                    pieces[i] = piece
                else:
                    start += size
            size //= 2
    return pieces


def pick_target(rng: random.Random, targets: list[str]) -> str:
    return rng.choices(targets, weights=[WEIGHTS[t] for t in targets])[0]


def run(
    material: FuzzMaterial, ctx: FuzzContext, targets: list[str], seed: int, seconds: float, examples: int | None
) -> tuple[Counter[str], dict[str, Failure]]:
    rng = random.Random(seed)
    tried: Counter[str] = Counter()
    failures: dict[str, Failure] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (examples is None or sum(tried.values()) < examples):
        target = pick_target(rng, targets)
        # One Random per case, seeded from the run's: any case can be regenerated alone from its number.
        case = GENERATORS[target](random.Random(rng.getrandbits(64)), material)
        tried[target] += 1
        exc = try_case(case, ctx)
        if exc is None:
            continue
        signature = failure_signature(case, exc)
        if signature in failures:
            failures[signature].count += 1
            continue
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300]
        print(f"FAIL {signature}\n     {detail}", flush=True)
        failures[signature] = Failure(signature, shrink(case, signature, ctx), detail)
    return tried, failures


def replay(paths: list[Path], save_dir: Path, *, save: bool) -> int:
    """Run saved cases (triage: does it still fail? how small can it get?)."""
    failed = 0
    extractor = None
    with tempfile.TemporaryDirectory(prefix="thresher-fuzz-") as workdir:
        ctx = FuzzContext(Path(workdir))
        for path in paths:
            case = FuzzCase.from_json(path.read_text())
            if case.target == "extract" and ctx.extractor is None:
                from thresher.stages.extract import build_extractor

                ctx.extractor = extractor = build_extractor("trafilatura", {"timeout_s": 5.0})
            exc = try_case(case, ctx)
            if exc is None:
                print(f"pass {path}")
                continue
            failed += 1
            signature = failure_signature(case, exc)
            smaller = shrink(case, signature, ctx)
            where = f" -> {save_case(smaller, signature, save_dir)}" if save else ""
            print(f"FAIL {path}: {signature} ({len(case.data)} -> {len(smaller.data)} bytes){where}")
    if extractor is not None:
        extractor.close()  # type: ignore[attr-defined]
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=None,
                        help="stop after this long (default 60, or no limit when --examples is given)")
    parser.add_argument("--examples", type=int, default=None, help="stop after this many inputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--targets", default=",".join(GENERATORS), help="comma-separated, of: " + ", ".join(GENERATORS))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--save-dir", type=Path, default=CORPUS_DIR, help="where failing cases are saved")
    parser.add_argument("--no-save", action="store_true", help="report failures without saving them")
    parser.add_argument("--replay", type=Path, nargs="+", metavar="CASE.json",
                        help="run saved cases instead of fuzzing; shrink and re-save the ones that still fail")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.save_dir, save=not args.no_save)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = sorted(set(targets) - set(GENERATORS))
    if unknown:
        parser.error(f"unknown targets {unknown}")
    if not args.data.is_dir():
        parser.error(f"no shared data at {args.data}")

    material = load_material(args.data)
    extractor = None
    if "extract" in targets:
        from thresher.stages.extract import build_extractor

        extractor = build_extractor("trafilatura", {"timeout_s": 5.0})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="thresher-fuzz-") as workdir:
        ctx = FuzzContext(Path(workdir), extractor)
        try:
            seconds = args.seconds if args.seconds is not None else (float("inf") if args.examples else 60.0)
            tried, failures = run(material, ctx, targets, args.seed, seconds, args.examples)
        finally:
            if extractor is not None:
                extractor.close()  # type: ignore[attr-defined]
    elapsed = time.monotonic() - started

    total = sum(tried.values())
    print(f"\n{total} inputs in {elapsed:.0f} s (seed {args.seed}): "
          + ", ".join(f"{t} {tried[t]}" for t in targets))
    for failure in failures.values():
        where = ""
        if not args.no_save:
            where = f" -> {save_case(failure.case, f'{failure.signature}: {failure.detail}', args.save_dir)}"
        print(f"{failure.count:6d}x {failure.signature} ({len(failure.case.data)} bytes){where}")
    print("no failures" if not failures else f"{len(failures)} distinct failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
