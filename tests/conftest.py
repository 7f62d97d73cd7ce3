"""Shared fixtures: the real-data folder beside the project, skipped cleanly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """One pipeline run over the bundled sample on the real DirectRunner, two worker
    processes, shared by every test that only reads its output.

    A small shard target spreads the corpus over several shards.
    """
    from thresher.config import config_from_dict
    from thresher.run.driver import run_pipeline

    out = tmp_path_factory.mktemp("sample-run")
    config = config_from_dict(
        {"output": {"path": str(out), "shard_target_tokens": 20_000}, "runner": {"workers": 2}}
    )
    return run_pipeline(config), out
