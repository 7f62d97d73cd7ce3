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
