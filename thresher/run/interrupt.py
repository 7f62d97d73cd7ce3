"""Ctrl-C during a run: one line saying what is safe on disk and how to go on, then exit 130.

A run commits its work through markers written last (see :mod:`thresher.io.storage`), so
stopping it at any instant loses at most the uncommitted work: nothing needs cleaning up.
What a plain ``KeyboardInterrupt`` prints instead is about a hundred lines: the engine's
threads and worker processes (which get the same SIGINT from the terminal) log gRPC errors
and "worker exited" messages while the exception unwinds through them. So on the first
SIGINT the run stops at once: logging and thread tracebacks are silenced, the one line is
written, and the process ends without unwinding (``os._exit``); worker processes die with
the SIGINT the terminal sent them, or when their connection to this process closes.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from thresher.config import PipelineConfig
    from thresher.run.layout import RunLayout

#: The exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130


@contextmanager
def stop_cleanly_on_interrupt(describe: Callable[[], str]) -> Iterator[None]:
    """Inside the block, SIGINT prints ``thresher: interrupted: <describe()>`` and exits 130.

    ``describe`` reads what is committed on disk; it runs in the main thread, from the handler.
    Only installed in the main thread (signal handlers can only be set there).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # The terminal as it is now: during a run, file descriptor 2 goes to the worker log.
    terminal_fd = os.dup(2)

    def on_sigint(_signum: object = None, _frame: object = None) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt this
        logging.disable(logging.CRITICAL)
        threading.excepthook = lambda _args: None
        try:
            message = describe()
        except Exception as exc:  # noqa: BLE001 - the line must be written whatever the disk says
            message = f"the run stopped ({type(exc).__name__} while reading what was committed)"
        line = f"thresher: interrupted: {message}\n"
        if sys.stderr is not None and sys.stderr.isatty():
            line = "\r\033[K" + line  # over the live progress line
        try:
            sys.stdout.flush()
        except Exception:  # noqa: BLE001
            pass
        os.write(terminal_fd, line.encode("utf-8", "replace"))
        _stop_child_processes()
        os._exit(INTERRUPTED)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    except KeyboardInterrupt:
        # An engine that installs its own SIGINT handler (PySpark cancels its jobs, then raises this).
        on_sigint()
    finally:
        signal.signal(signal.SIGINT, previous)
        os.close(terminal_fd)


def _stop_child_processes() -> None:
    """Kill what this run started (engine workers, a JVM that ignores SIGINT): committed work is
    on disk, and a child left running would print its own errors after the one line."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:  # not Linux: the children end when their connection to this process closes
        return
    children: set[int] = set()
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children") as fh:
                children.update(int(pid) for pid in fh.read().split())
        except (OSError, ValueError):
            continue
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def committed_summary(config: "PipelineConfig") -> Callable[[], str]:
    """What an interrupted run of ``config`` leaves committed, as a callable for the SIGINT handler.

    The layout and fingerprint are taken now (input globs expanded once); the disk is read
    when the run is interrupted.
    """
    from thresher.run.plan import build_plan
    from thresher.run.remote import prepare_storage

    prepare_storage(config)  # an input glob on a store is listed with the config's storage options
    plan = build_plan(config)  # the run's own layout and fingerprint
    return lambda: describe_committed(plan.layout, plan.fingerprint)


def describe_committed(layout: "RunLayout", fingerprint: str) -> str:
    from thresher.io import storage
    from thresher.run.results import completed_results

    if storage.exists(layout.stats) and storage.exists(layout.manifest):
        return f"the run in {layout.root} had finished; nothing was lost"
    done = len(completed_results(layout, fingerprint))
    total = len(layout.input_files)
    if done < total:
        what = f"{done} of {total} input file(s) committed in {layout.root}"
    else:
        what = f"all {total} input file(s) committed in {layout.root}; dedup, tokenizer and shards were not"
    return f"{what}; run the same command again to resume"
