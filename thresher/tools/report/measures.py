"""Numbers the report derives from stats.json: the token funnel estimate.

Tokens are only counted at the end (in the shards). A stage that measured the characters it
kept gets an estimate: ``chars_kept × (final tokens / final characters)``. Stages that
measured no characters (the URL filter sees no text; dedup stages do not count them) get
none, rather than an invented number. stats.json holds these estimates itself when the run
counted the characters it tokenized (``token_estimates``); the report then shows exactly
those, and otherwise computes them the same way from the characters in the shards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class StageTokens:
    stage: str
    chars_kept: int | None
    #: ``None`` when the stage measured no characters.
    estimated_tokens: float | None


@dataclass(frozen=True)
class TokenFunnel:
    #: Final tokens per final character; ``None`` when the shards hold no text (or no characters).
    tokens_per_char: float | None
    stages: list[StageTokens]
    final_tokens: int
    final_chars: int | None
    #: True when the estimates are stats.json's own (``token_estimates``), not computed by the report.
    from_stats: bool = False


def token_funnel(stats: Mapping[str, Any], final_chars: int | None) -> TokenFunnel:
    """The per-stage estimates; ``final_chars`` (read from the shards) is used when stats.json has none."""
    final_tokens = int(stats["tokens"])
    recorded = (stats.get("token_estimates") or {}).get("tokens_per_char")
    if recorded:
        rows = [StageTokens(stage=s["stage"], chars_kept=s.get("chars_kept"),
                            estimated_tokens=s.get("tokens_kept_estimated")) for s in stats["stages"]]
        chars = (stats.get("counters") or {}).get("tokenize/chars")
        return TokenFunnel(tokens_per_char=recorded, stages=rows, final_tokens=final_tokens, final_chars=chars,
                           from_stats=True)
    ratio = final_tokens / final_chars if final_chars else None
    rows = []
    for stage in stats["stages"]:
        chars = stage.get("chars_kept")
        estimate = chars * ratio if chars is not None and ratio is not None else None
        rows.append(StageTokens(stage=stage["stage"], chars_kept=chars, estimated_tokens=estimate))
    return TokenFunnel(tokens_per_char=ratio, stages=rows, final_tokens=final_tokens, final_chars=final_chars)


def dropped_total(stage: Mapping[str, Any]) -> int:
    return sum(stage.get("dropped", {}).values())


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


#: Below this many busy seconds a stage's CPU share is not shown: stats.json rounds both figures
#: to milliseconds, and the timer's own cost weighs more than the work.
MIN_SHARE_BUSY_SECONDS = 0.05
#: Shares up to this ratio are shown as they are, above it they are marked (clock-read noise aside,
#: CPU time of one thread cannot exceed its wall time).
SHARE_TOLERANCE = 1.05
#: Stages whose CPU may truly exceed their busy time, and why.
SEVERAL_THREADS = {
    "tokenize": "timed with the process CPU clock: every thread of the worker process counts (the tokenizer "
                "encodes on several threads), and so does other work running in that process meanwhile",
    "extract": "its CPU includes the extraction worker processes'",
}


@dataclass(frozen=True)
class CpuShare:
    """A stage's CPU seconds as a share of its busy seconds, as the report shows it."""

    #: cpu / busy when shown as a share; None when it is not one.
    ratio: float | None
    #: None, "too-short", "several-threads" (may exceed 100 %) or "exceeds-busy" (an artefact, not a share).
    note: str | None
    text: str


def cpu_share(stage: str, busy: float | None, cpu: float | None) -> CpuShare:
    if busy is None or cpu is None:
        return CpuShare(None, None, "–")
    if busy < MIN_SHARE_BUSY_SECONDS:
        return CpuShare(None, "too-short", "too short")
    ratio = cpu / busy
    if ratio <= SHARE_TOLERANCE:
        return CpuShare(ratio, None, f"{100 * ratio:.1f}%")
    if stage in SEVERAL_THREADS:
        return CpuShare(ratio, "several-threads", f"{100 * ratio:.1f}% †")
    return CpuShare(None, "exceeds-busy", f"CPU {ratio:.1f}× busy ‡")
