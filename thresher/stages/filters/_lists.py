"""Reading the word and domain lists filters are configured with."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from thresher.errors import ConfigError


def resource_path(*parts: str) -> str:
    """The filesystem path of a file shipped in ``thresher/resources``."""
    return str(resources.files("thresher").joinpath("resources", *parts))


def read_list(path: str | Path, *, what: str = "list") -> list[str]:
    """Entries of a list file: one a line, ``#`` starts a comment, blanks skipped.

    Entries are stripped and lower-cased. A missing or unreadable file is a
    :class:`ConfigError` naming it.
    """
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{what} file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read {what} file {path}: {e}") from None
    out = []
    for line in raw.splitlines():
        if line.lstrip().startswith("#"):
            continue
        line = line.split(" #", 1)[0].strip().lower()
        if line:
            out.append(line)
    return out
