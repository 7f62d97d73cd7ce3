"""What the driver's later jobs will import, imported while phase A runs elsewhere.

The driver mostly waits during phase A (for its workers, or for the local engine's fork server
to hand it workers), then runs dedup and shards itself on a local runner, in series, while the
other cores idle. The first of those to build an Arrow array from a Python list pays pyarrow's
lazy import of pandas (apache/arrow#34994): 0.26 CPU-s, a quarter of the 4,000-page run's tail
(BENCHMARKS.md §7). A background thread pays it while the driver waits; the run joins it before
dedup, so no job ever runs beside it.
"""

from __future__ import annotations

import threading


def _warm() -> None:
    try:
        import pyarrow as pa

        pa.array([0])  # the first conversion of a list: pyarrow imports pandas here
    except Exception:  # noqa: BLE001 - a warm-up that fails costs the job the import later, nothing else
        pass


def start_warm_up() -> threading.Thread:
    """Start warming in a daemon thread (Ctrl-C never waits for it); join it before the driver's own jobs."""
    thread = threading.Thread(target=_warm, name="thresher-warm-up", daemon=True)
    thread.start()
    return thread
