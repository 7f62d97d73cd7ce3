"""A finished run at the output: the same run (nothing to do) or another one (an error saying what differs).

"Nothing to do" is only true when the finished run was made from the same config and the same
input files; otherwise the user would take an old corpus for the one they asked for. What the
run was made from is recorded when it finishes: the config in ``manifest.json`` and the input
files in ``stats.json`` (``inputs``: count, digest, and the list itself while it is short).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping, Sequence

from thresher.errors import ThresherError

#: Input lists up to this long are recorded in full (beyond it, their count and digest).
RECORDED_FILES = 2000

#: Config keys left out of the comparison: how a run is executed or judged never changes what it
#: writes, and the input patterns are compared as the files they name (another glob for the same
#: files is the same run).
_NOT_COMPARED = ("runner", "output.path", "output.max_error_share", "input.paths")


def inputs_record(files: Sequence[str]) -> dict[str, Any]:
    """stats.json's ``inputs``: the run's input files."""
    record: dict[str, Any] = {"count": len(files), "sha256": _digest(files)}
    if len(files) <= RECORDED_FILES:
        record["files"] = list(files)
    return record


def _digest(files: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(files)).encode("utf-8", "surrogatepass")).hexdigest()


def config_fingerprint(config: Mapping[str, Any]) -> str:
    """A hash of what in the config shapes the output (the runner, the output path and input patterns do not)."""
    return hashlib.sha256(json.dumps(_shaping(config), sort_keys=True, default=str).encode()).hexdigest()[:16]


def check_same_run(root: str, manifest: Mapping[str, Any], stats: Mapping[str, Any] | None,
                   config: Mapping[str, Any], files: Sequence[str]) -> None:
    """Raise a :class:`ThresherError` saying what differs when the finished run at ``root`` is another run."""
    differences = []
    recorded = manifest.get("config")
    if isinstance(recorded, Mapping):
        keys = _differing_keys(_shaping(recorded), _shaping(config))
        if keys:
            shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
            differences.append(
                f"config (fingerprint {config_fingerprint(recorded)} there, {config_fingerprint(config)} now; "
                f"differs in {shown})"
            )
    inputs = (stats or {}).get("inputs")
    if isinstance(inputs, Mapping) and inputs.get("sha256") != _digest(files):
        differences.append(f"input list ({_input_difference(inputs, files)})")
    if differences:
        raise ThresherError(
            f"{root} holds a finished run made with another " + " and another ".join(differences)
            + ": use --overwrite to replace it, or choose another --output"
        )


def _shaping(config: Mapping[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(config, default=str))
    for dotted in _NOT_COMPARED:
        *parents, last = dotted.split(".")
        node = out
        for key in parents:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node.pop(last, None)
    return out


def _differing_keys(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        keys = []
        for key in sorted(set(a) | set(b)):
            keys.extend(_differing_keys(a.get(key), b.get(key), f"{prefix}{key}."))
        return keys
    return [] if a == b else [prefix.rstrip(".")]


def _input_difference(recorded: Mapping[str, Any], files: Sequence[str]) -> str:
    before = recorded.get("files")
    if before is None:
        return f"{recorded.get('count')} files there, {len(files)} now"
    added = sorted(set(files) - set(before))
    removed = sorted(set(before) - set(files))
    parts = []
    if added:
        parts.append(f"{len(added)} new, e.g. {added[0]}")
    if removed:
        parts.append(f"{len(removed)} missing, e.g. {removed[0]}")
    return "; ".join(parts)
