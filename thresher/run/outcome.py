"""What a finished run's exit status says, and which input files had problems.

Exit statuses of ``thresher run`` (README "Exit status"):

====  ==========================================================================
0     the run finished, kept documents, and errors stayed within the allowed share
2     nothing ran or the run stopped: a bad option, config, output path, a missing
      library, or a finished run with another config or input at the output
3     the record identity does not hold (a bug: a record was lost or counted twice)
4     no document was kept
5     more input records were errors than ``--max-error-share`` allows
130   interrupted (Ctrl-C): what was committed stays, the same command resumes
====  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

OK = 0
IDENTITY_BROKEN = 3
NOTHING_KEPT = 4
TOO_MANY_ERRORS = 5

#: The share of input records that may be errors before a run fails (``output.max_error_share``).
DEFAULT_MAX_ERROR_SHARE = 0.05

#: Skips that concern a whole input file (not a record inside it): the summary names such files.
FILE_SKIPS = frozenset({"empty_file", "not_a_crawl_file"})

#: Files named in the terminal summary; stats.json lists up to :data:`LISTED_FILES`.
NAMED_FILES = 5
LISTED_FILES = 1000


@dataclass(frozen=True)
class Verdict:
    status: int
    #: Why the status is not 0 (None when it is).
    message: str | None = None


def judge(stats: Mapping[str, Any], max_error_share: float) -> Verdict:
    """The exit status of a run with ``stats`` (stats.json)."""
    identity = stats["identity"]
    if not identity["holds"]:
        return Verdict(IDENTITY_BROKEN, "the record identity does not hold (a bug): see stats.json's identity")
    records, errors = stats["records_read"], identity["errors"]
    if records and errors / records > max_error_share:
        reasons = ", ".join(f"{reason} {n:,}" for reason, n in _largest(stats["read"]["errors"]))
        return Verdict(TOO_MANY_ERRORS, (
            f"{errors:,} of {records:,} input records ({errors / records:.1%}) were errors ({reasons}), more "
            f"than the allowed share {max_error_share:g} (--max-error-share or output.max_error_share)"
        ))
    if stats["kept_documents"] == 0:
        return Verdict(NOTHING_KEPT, f"no document was kept ({records:,} input records read): {_why_nothing(stats)}")
    return Verdict(OK)


def _largest(counts: Mapping[str, int], n: int = 3) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def _why_nothing(stats: Mapping[str, Any]) -> str:
    """Where the records went: the largest outcome, so the user knows where to look."""
    if not stats["records_read"]:
        return "the input gave no record"
    outcomes = {f"skipped {r}": n for r, n in stats["read"]["skipped"].items()}
    outcomes.update({f"error {r}": n for r, n in stats["read"]["errors"].items()})
    for stage in stats["stages"]:
        outcomes.update({f"{stage['stage']} dropped {r}": n for r, n in stage["dropped"].items()})
    if not outcomes:
        return "see stats.json"
    return "most went to " + ", ".join(f"{what} ({n:,})" for what, n in _largest(outcomes)) + "; see stats.json"


def problem_files(results: Iterable[Any]) -> list[dict[str, Any]]:
    """Input files with read errors or a whole-file skip: ``{source, errors, skipped}``, in input order.

    ``results`` are committed phase-A results (:class:`~thresher.run.results.FileResult`).
    """
    out = []
    for result in results:
        counters = result.counters
        errors = {k[len("read/error/"):]: v for k, v in sorted(counters.items()) if k.startswith("read/error/")}
        skipped = {k[len("read/skipped/"):]: v for k, v in sorted(counters.items())
                   if k.startswith("read/skipped/") and k[len("read/skipped/"):] in FILE_SKIPS}
        if errors or skipped:
            entry: dict[str, Any] = {"source": result.source, "errors": errors, "skipped": skipped}
            causes = result.data.get("causes")
            if causes:
                entry["causes"] = dict(causes)
            out.append(entry)
    return out


def problem_files_record(files: list[dict[str, Any]]) -> dict[str, Any]:
    """stats.json's ``problem_files``: how many, and the first :data:`LISTED_FILES` of them."""
    return {"count": len(files), "files": files[:LISTED_FILES]}


def format_problem_files(record: Mapping[str, Any] | None) -> str | None:
    """One terminal line naming a few problem files, then how many more; None when there are none."""
    if not record or not record.get("count"):
        return None
    named = []
    for entry in record["files"][:NAMED_FILES]:
        outcomes = [f"skipped {r}" for r in entry["skipped"]] + [
            f"error {r}" + (f" x{n:,}" if n > 1 else "") for r, n in entry["errors"].items()]
        cause = next(iter((entry.get("causes") or {}).values()), None)
        named.append(f"{entry['source']} ({', '.join(outcomes)}{': ' + cause if cause else ''})")
    more = record["count"] - len(named)
    tail = f"; and {more:,} more" if more > 0 else ""
    return f"{record['count']:,} input file(s) with problems: " + "; ".join(named) + tail + " (stats.json: problem_files)"
