"""Turn flat stage counters into ``stats.json``: the funnel, the identity that proves it, and timings.

Every input record is accounted for exactly once:
``records_read == kept + dropped (all stages) + skipped + errors``.

Each funnel stage carries ``busy_seconds`` and ``cpu_seconds`` when it timed
itself, and ``tokens_in_estimated`` / ``tokens_kept_estimated`` when it
measured characters and the run counted the characters it tokenized (see
:func:`token_estimates`). ``timings`` lists every timed stage (tokenize and
shards too) and the wall seconds of the run's phases: see
:mod:`thresher.bookkeeping.timings` for what each figure measures.
"""

from __future__ import annotations

from typing import Any, Mapping

from thresher.bookkeeping.timings import build_timings, stage_seconds
from thresher.io import store_retries
from thresher.stats import distributions

#: Characters the shards phase tokenized (``len(text)`` of every kept document).
TOKENIZED_CHARS = "tokenize/chars"
ESTIMATE_METHOD = (
    "a stage's characters (chars_in, chars_kept) x tokens_per_char, where tokens_per_char = the tokens "
    "written to the shards (EOS included) / the characters tokenized; tokens are only counted at the end"
)

# Stages in pipeline order; quality filters are inserted where ``filters/*`` stands.
STAGE_ORDER = (
    "url_filter", "extract", "langid", "filters/*", "dedup_id", "dedup_index", "dedup_url", "dedup_exact", "dedup_minhash"
)


def _prefixed(counters: Mapping[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: v for k, v in sorted(counters.items()) if k.startswith(prefix)}


def _stage_names(counters: Mapping[str, int], filter_order: list[str]) -> list[str]:
    names = []
    for stage in STAGE_ORDER:
        if stage == "filters/*":
            names.extend(f"filters/{f}" for f in filter_order)
        else:
            names.append(stage)
    return [n for n in names if f"{n}/in" in counters]


def token_estimates(counters: Mapping[str, int]) -> dict[str, Any]:
    """How stage tokens are estimated: the run's final tokens per character, when it can be known."""
    tokens, chars = counters.get("shards/tokens", 0), counters.get(TOKENIZED_CHARS, 0)
    ratio = round(tokens / chars, 6) if tokens and chars else None
    out: dict[str, Any] = {"estimated": True, "method": ESTIMATE_METHOD, "tokens_per_char": ratio}
    if ratio is None:
        out["unavailable"] = f"the run counted no {TOKENIZED_CHARS} or no shard tokens"
    return out


def shuffle_summary(counters: Mapping[str, int], input_bytes: int | None) -> dict[str, Any]:
    """What went through the run's shuffles (every grouping of every job), against the input and the text.

    ``bytes``: the pickled size of every element that entered a grouping (the same measure on every
    engine; their wire formats and compression differ). Pages never enter one.
    """
    shuffled = counters.get("shuffle/bytes", 0)
    text = counters.get("extract/chars_kept", 0)
    return {
        "bytes": shuffled,
        "elements": counters.get("shuffle/elements", 0),
        "input_bytes": input_bytes,
        "per_input_byte": round(shuffled / input_bytes, 6) if input_bytes else None,
        "extracted_text_chars": text,
        "per_extracted_char": round(shuffled / text, 6) if text else None,
    }


def extraction_summary(counters: Mapping[str, int]) -> dict[str, int]:
    """Kept pages by the library whose text they carry (``extract/by/<library>``; the combined extractor chooses per page)."""
    return _prefixed(counters, "extract/by/")


def language_summary(counters: Mapping[str, int], filter_order: list[str]) -> dict[str, Any]:
    """Per language (as language ID labelled the document), each filter's documents in and drops by reason.

    From the filters' per-language counters (``filters/<name>/lang/<language>/in`` and ``/dropped/<reason>``).
    """
    out: dict[str, dict[str, Any]] = {}
    for name in filter_order:
        prefix = f"filters/{name}/lang/"
        for key, value in counters.items():
            if not key.startswith(prefix):
                continue
            language, _, what = key[len(prefix):].partition("/")
            entry = out.setdefault(language, {}).setdefault(name, {"in": 0, "dropped": {}})
            if what == "in":
                entry["in"] = value
            elif what.startswith("dropped/"):
                entry["dropped"][what[len("dropped/"):]] = value
    for filters in out.values():
        for entry in filters.values():
            entry["kept"] = entry["in"] - sum(entry["dropped"].values())
    return dict(sorted(out.items()))


def build_stats(
    counters: Mapping[str, int],
    filter_order: list[str],
    phases: Mapping[str, float] | None = None,
    wall_seconds: float | None = None,
    input_bytes: int | None = None,
) -> dict[str, Any]:
    """stats.json from the run's counters; ``phases`` and ``wall_seconds`` are the driver's wall clock,
    ``input_bytes`` the size of the input files."""
    estimates = token_estimates(counters)
    ratio = estimates["tokens_per_char"]
    records = counters.get("read/records", 0)
    skipped = _prefixed(counters, "read/skipped/")
    errors = _prefixed(counters, "read/error/")
    stages = []
    dropped_total = 0
    per_stage_distributions = distributions(counters)
    for name in _stage_names(counters, filter_order):
        dropped = _prefixed(counters, f"{name}/dropped/")
        dropped_total += sum(dropped.values())
        stage = {
            "stage": name,
            "in": counters.get(f"{name}/in", 0),
            "kept": counters.get(f"{name}/kept", 0),
            "dropped": dropped,
        }
        # Characters where the stage measures them (phase-A stages), and tokens estimated from them.
        for key in ("chars_in", "chars_kept"):
            if f"{name}/{key}" in counters:
                stage[key] = counters[f"{name}/{key}"]
                if ratio is not None:
                    stage[f"tokens_{key[len('chars_'):]}_estimated"] = round(counters[f"{name}/{key}"] * ratio)
        stage.update(stage_seconds(counters, name))
        # The kept documents' lengths (Beam Metrics.distribution / the same four keys on Spark).
        lengths = per_stage_distributions.get(f"{name}/text_chars")
        if lengths:
            stage["kept_text_chars"] = lengths
        stages.append(stage)
    kept = counters.get("shards/documents", 0)
    skipped_total, errors_total = sum(skipped.values()), sum(errors.values())
    stats: dict[str, Any] = {
        "records_read": records,
        "read": {
            "forwarded": counters.get("read/forwarded", 0),
            "skipped": skipped,
            "errors": errors,
            # Repairs on records still forwarded (outside the identity): missing_id, missing_field, ...
            "warnings": _prefixed(counters, "read/warning/"),
        },
        "stages": stages,
        "kept_documents": kept,
        "tokens": counters.get("shards/tokens", 0),
        "shards": counters.get("shards/written", 0),
        "identity": {
            "records_read": records,
            "kept": kept,
            "dropped": dropped_total,
            "skipped": skipped_total,
            "errors": errors_total,
            "holds": records == kept + dropped_total + skipped_total + errors_total,
        },
        "token_estimates": estimates,
        # Every distribution the stages recorded: {count, sum, min, max, mean}.
        "distributions": per_stage_distributions,
        "timings": build_timings(counters, filter_order, phases),
        "shuffle": shuffle_summary(counters, input_bytes),
        # Object-store requests the store's client sent again (io/store_retries.py).
        "storage": store_retries.summary(counters),
        "extraction": {
            "kept_by_extractor": extraction_summary(counters),
            # Pages whose trafilatura run the language gate skipped, by the language it saw (the
            # language stage drops them): extract.language_gate.
            "language_gated": _prefixed(counters, "extract/language_gated/"),
        },
        "filters_by_language": language_summary(counters, filter_order),
        "counters": dict(sorted(counters.items())),
    }
    if wall_seconds is not None:
        stats["wall_seconds"] = round(wall_seconds, 2)
    return stats


def format_funnel(stats: Mapping[str, Any]) -> str:
    """A plain-text funnel for the terminal."""
    lines = [f"records read            {stats['records_read']:>10,}"]
    read = stats["read"]
    for reason, n in read["skipped"].items():
        lines.append(f"  skipped {reason:<22} {n:>8,}")
    for reason, n in read["errors"].items():
        lines.append(f"  error   {reason:<22} {n:>8,}")
    lines.append(f"html pages forwarded    {read['forwarded']:>10,}")
    for what, n in read.get("warnings", {}).items():
        lines.append(f"  warning {what:<22} {n:>8,}")
    for stage in stats["stages"]:
        lines.append(f"{stage['stage']:<24}{stage['in']:>10,} in {stage['kept']:>10,} kept")
        for reason, n in stage["dropped"].items():
            lines.append(f"  dropped {reason:<22} {n:>8,}")
        if stage["stage"] == "extract":
            gated = sum(((stats.get("extraction") or {}).get("language_gated") or {}).values())
            if gated:  # kept pages whose trafilatura run the language gate skipped
                lines.append(f"  {'no trafilatura: language gate':<30} {gated:>8,}")
    lines.append(f"kept documents          {stats['kept_documents']:>10,}")
    lines.append(f"tokens                  {stats['tokens']:>10,}")
    timings = stats.get("timings") or {}
    if timings.get("stages"):
        width = max(22, *(len(row["stage"]) + 1 for row in timings["stages"]))  # filter names run long
        lines.append(f"{'time per stage':<{width + 2}}{'busy s':>10} {'CPU s':>10}   (summed over workers)")
        for row in timings["stages"]:
            busy, cpu = row.get("busy_seconds"), row.get("cpu_seconds")
            lines.append(f"  {row['stage']:<{width}}{_seconds(busy):>10} {_seconds(cpu):>10}")
    if timings.get("phases"):
        phases = ", ".join(f"{name} {seconds:,.1f} s" for name, seconds in timings["phases"].items())
        lines.append(f"wall time per phase     {phases}")
    ident = stats["identity"]
    lines.append(
        "identity: read {records_read:,} = kept {kept:,} + dropped {dropped:,} + skipped {skipped:,}"
        " + errors {errors:,}: {verdict}".format(verdict="holds" if ident["holds"] else "BROKEN", **ident)
    )
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"
