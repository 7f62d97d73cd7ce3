"""Peers' own virtual environments, for side-by-side benchmarks and decision fixtures.

datatrove pins ``trafilatura < 1.12`` while Thresher needs 2.x, so it can never be
installed beside Thresher: it gets a venv of its own under ``bench/.venvs/`` (git
ignores it), made on first use from the package registry and reused afterwards.

    python bench/peers.py datatrove      # make (or check) the venv, print its python

Scripts call :func:`peer_python` and run their peer-side code in that interpreter
(a child process), never importing the peer into Thresher's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENVS = Path(os.environ.get("THRESHER_PEER_VENVS", ROOT / "bench" / ".venvs"))

#: What each peer's venv holds: the exact release measured in BENCHMARKS.md, and what its
#: recipes import at run time (spaCy: datatrove's word tokenizer for the Gopher rules; WarcReader's
#: and JsonlWriter's dependencies; lxml_html_clean, which trafilatura 1.x needs beside lxml >= 5.2).
PEERS: dict[str, list[str]] = {
    "datatrove": ["datatrove[processing]==0.10.1", "spacy>=3.7,<4", "warcio", "faust-cchardet", "python-magic",
                  "orjson", "lxml_html_clean"],
}


def peer_python(name: str) -> str:
    """The python of peer ``name``'s venv, made and filled on first use."""
    if name not in PEERS:
        raise SystemExit(f"unknown peer {name!r}; known: {', '.join(sorted(PEERS))}")
    home = VENVS / name
    python = home / "bin" / "python"
    stamp = home / "thresher-peer.txt"
    wanted = "\n".join(PEERS[name]) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return str(python)
    print(f"peers: installing {', '.join(PEERS[name])} into {home} (once)", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    subprocess.run([str(python), "-m", "pip", "install", "-qq", "--disable-pip-version-check", *PEERS[name]], check=True)
    stamp.write_text(wanted)
    return str(python)


def peer_version(name: str, package: str) -> str:
    """The installed version of ``package`` in peer ``name``'s venv."""
    out = subprocess.run(
        [peer_python(name), "-c", f"import importlib.metadata as m; print(m.version({package!r}))"],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


if __name__ == "__main__":
    print(peer_python(sys.argv[1] if len(sys.argv) > 1 else "datatrove"))
