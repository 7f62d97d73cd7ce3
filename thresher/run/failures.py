"""The one line a command prints when it stops on a user mistake or an environment problem.

The command line catches these at its top (:func:`thresher.cli.main`) so that no user ever
reads a traceback for a wrong path, a missing library or Ctrl-C; a bug still shows its traceback.
"""

from __future__ import annotations

import os
import sys

from thresher.errors import ThresherError
from thresher.run.interrupt import INTERRUPTED

#: Exit status of a command stopped by a user mistake or an environment problem.
USAGE_OR_ENVIRONMENT = 2

#: Exit status when the reader of our output went away (128 + SIGPIPE, as shells report it).
BROKEN_PIPE = 141

#: Optional libraries and the extra that installs them.
EXTRAS = {"pyspark": "spark", "py4j": "spark", "torch": "torch", "gcsfs": "gcp", "google": "gcp"}


def explain_failure(exc: BaseException) -> tuple[str, int]:
    """``(message, exit status)`` for an exception that stopped a command (an empty message: print
    nothing); re-raises what is a bug."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", INTERRUPTED
    if isinstance(exc, ThresherError):
        # One line even when the message quotes a multi-line one (a YAML parser's).
        return "error: " + "; ".join(part.strip() for part in str(exc).splitlines() if part.strip()), \
            USAGE_OR_ENVIRONMENT
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        install = f"pip install 'thresher[{EXTRAS[top]}]'" if top in EXTRAS else f"pip install {top}"
        return f"error: this needs the Python package {top}, which is not installed: {install}", USAGE_OR_ENVIRONMENT
    if isinstance(exc, BrokenPipeError):
        # The reader of our output left (``thresher inspect head RUN | head -1``): not an error to
        # report, and Python must not complain again when it flushes stdout at exit.
        _detach_stdout()
        return "", BROKEN_PIPE
    if isinstance(exc, OSError):
        return f"error: {describe_os_error(exc)}", USAGE_OR_ENVIRONMENT
    raise exc


def describe_os_error(exc: OSError) -> str:
    """``<what went wrong>: <path>`` without the errno noise."""
    what = exc.strerror or str(exc) or type(exc).__name__
    where = ": ".join(str(name) for name in (exc.filename, exc.filename2) if name)
    return f"{what.lower()}: {where}" if where else what


def _detach_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
