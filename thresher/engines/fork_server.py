"""The fork server the local engine's workers fork from, started as early as a run knows it needs it.

Light on purpose (multiprocessing only): the command line starts it right after reading the config
(:func:`thresher.engines.warm_up`), so the server's import of phase A's modules (about 0.3 s) runs on
another core while this process imports its own.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

#: What the fork server imports once for every worker: everything phase A's steps need.
PRELOAD = ("thresher.run.worker_preload",)


def context() -> Any:
    """multiprocessing's fork-server context, preloading :data:`PRELOAD` (spawn where there is none)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not on Linux
        return multiprocessing.get_context("spawn")
    forking = multiprocessing.get_context("forkserver")
    forking.set_forkserver_preload(list(PRELOAD))
    return forking


def start_fork_server(workers: int | None = None) -> None:
    """Start the fork server now, unless the run has one worker (which runs in this process)."""
    if workers == 1:
        return
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
