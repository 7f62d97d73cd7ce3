"""Turn flat stage counters into ``stats.json``: the funnel, and the identity that proves it.

Every input record is accounted for exactly once:
``records_read == kept + dropped (all stages) + skipped + errors``.
"""

from __future__ import annotations

from typing import Any, Mapping

# Stages in pipeline order; quality filters are inserted where ``filters/*`` stands.
STAGE_ORDER = (
    "url_filter", "extract", "langid", "filters/*", "dedup_index", "dedup_url", "dedup_exact", "dedup_minhash"
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


def build_stats(counters: Mapping[str, int], filter_order: list[str]) -> dict[str, Any]:
    records = counters.get("read/records", 0)
    skipped = _prefixed(counters, "read/skipped/")
    errors = _prefixed(counters, "read/error/")
    stages = []
    dropped_total = 0
    for name in _stage_names(counters, filter_order):
        dropped = _prefixed(counters, f"{name}/dropped/")
        dropped_total += sum(dropped.values())
        stage = {
            "stage": name,
            "in": counters.get(f"{name}/in", 0),
            "kept": counters.get(f"{name}/kept", 0),
            "dropped": dropped,
        }
        # Characters and CPU time where the stage measures them (phase-A stages).
        for key in ("chars_in", "chars_kept"):
            if f"{name}/{key}" in counters:
                stage[key] = counters[f"{name}/{key}"]
        if f"{name}/time_us" in counters:
            stage["cpu_seconds"] = round(counters[f"{name}/time_us"] / 1e6, 3)
        stages.append(stage)
    kept = counters.get("shards/documents", 0)
    skipped_total, errors_total = sum(skipped.values()), sum(errors.values())
    return {
        "records_read": records,
        "read": {
            "forwarded": counters.get("read/forwarded", 0),
            "skipped": skipped,
            "errors": errors,
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
        "counters": dict(sorted(counters.items())),
    }


def format_funnel(stats: Mapping[str, Any]) -> str:
    """A plain-text funnel for the terminal."""
    lines = [f"records read            {stats['records_read']:>10,}"]
    read = stats["read"]
    for reason, n in read["skipped"].items():
        lines.append(f"  skipped {reason:<22} {n:>8,}")
    for reason, n in read["errors"].items():
        lines.append(f"  error   {reason:<22} {n:>8,}")
    lines.append(f"html pages forwarded    {read['forwarded']:>10,}")
    for stage in stats["stages"]:
        lines.append(f"{stage['stage']:<24}{stage['in']:>10,} in {stage['kept']:>10,} kept")
        for reason, n in stage["dropped"].items():
            lines.append(f"  dropped {reason:<22} {n:>8,}")
    lines.append(f"kept documents          {stats['kept_documents']:>10,}")
    lines.append(f"tokens                  {stats['tokens']:>10,}")
    ident = stats["identity"]
    lines.append(
        "identity: read {records_read:,} = kept {kept:,} + dropped {dropped:,} + skipped {skipped:,}"
        " + errors {errors:,}: {verdict}".format(verdict="holds" if ident["holds"] else "BROKEN", **ident)
    )
    return "\n".join(lines)
