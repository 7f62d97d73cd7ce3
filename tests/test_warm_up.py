"""The driver's warm-up (thresher/run/warm_up.py) does the import it exists for, off the main thread."""

from __future__ import annotations

import subprocess
import sys


def test_the_warm_up_pays_pyarrows_first_conversion_in_a_daemon_thread():
    code = (
        "import sys, threading\n"
        "from thresher.run.warm_up import start_warm_up\n"
        "before = 'pandas' in sys.modules\n"
        "thread = start_warm_up()\n"
        "thread.join(timeout=120)\n"
        "print(before, thread.daemon, thread.is_alive(), 'pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    # pandas is installed beside Thresher (Beam needs it). When pyarrow stops importing it on its first
    # conversion of a list (apache/arrow#34994), this fails: the warm-up is then pointless and can go.
    assert out.stdout.split() == ["False", "True", "False", "True"], out.stdout + out.stderr
