"""A note when the engine's worker processes on this machine will compile their imports from source.

Python caches compiled modules as ``.pyc`` files beside them. pip writes them at install time;
uv does not unless asked (``--compile-bytecode``), and where ``PYTHONDONTWRITEBYTECODE`` is set
(many container and CI images) Python never writes them either. Then every process compiles what it
imports, every time: ``import apache_beam`` took 5.5 CPU-s against 1.5 s from bytecode on a 2-core
machine, paid again by each of the direct runner's worker processes in each job (BENCHMARKS.md §7).
The run still works; the note says how to stop paying.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import sys

#: The largest pure-Python import of the worker processes each local runner starts afresh. Spark's
#: local Python workers are forked from one daemon that has imported PySpark already: not listed.
WORKER_IMPORT = {"direct": "apache_beam", "prism": "apache_beam"}


def uncached_bytecode_note(runner: str) -> str | None:
    """One line when ``runner``'s local workers would compile their engine's package from source, else None."""
    module = WORKER_IMPORT.get(runner)
    return module_bytecode_note(module) if module else None


def module_bytecode_note(module: str) -> str | None:
    """One line when ``module`` has no compiled bytecode and this Python will not write it, else None."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.cached or not spec.origin.endswith(".py"):
        return None  # not installed, or not plain Python source
    if os.path.exists(spec.cached):
        return None
    cache_dir = os.path.dirname(spec.cached)
    writable = os.access(cache_dir if os.path.isdir(cache_dir) else os.path.dirname(cache_dir), os.W_OK)
    if writable and not sys.dont_write_bytecode:
        return None  # the first import writes it
    why = "PYTHONDONTWRITEBYTECODE is set" if sys.dont_write_bytecode else "its folder is read-only"
    site = os.path.dirname(os.path.dirname(spec.origin))
    return (f"{module} has no compiled bytecode and {why}: each worker process compiles it again "
            f"(seconds of CPU each); compile it once with: {shlex.quote(sys.executable)} -m compileall -q {shlex.quote(site)}")
