"""The PyTorch adapter: the same sequences as ``SequenceLoader``, as int64 tensors."""

from __future__ import annotations

import pytest

torch = pytest.importorskip(
    "torch", reason="PyTorch is not installed here; thresher.tools.loader.torch_dataset is only importable with it"
)

from test_inspect_fixture import make_run  # noqa: E402
from thresher.tools.loader import SequenceLoader  # noqa: E402
from thresher.tools.loader.torch_dataset import ShardSequenceDataset  # noqa: E402


def test_dataset_matches_the_loader_and_resumes(tmp_path):
    run = make_run(tmp_path / "run")
    dataset = ShardSequenceDataset(str(run.path), 16, rank=0, world_size=1, seed=2)
    tensors = list(dataset)
    arrays = list(SequenceLoader(str(run.path), 16, seed=2))
    assert len(tensors) == len(arrays) > 0
    assert all(t.dtype == torch.int64 and t.tolist() == a.tolist() for t, a in zip(tensors, arrays))

    resumed = ShardSequenceDataset(str(run.path), 16, rank=0, world_size=1, seed=2)
    state = SequenceLoader(str(run.path), 16, seed=2).state_dict()
    state["sequence"] = 5
    resumed.load_state_dict(state)
    assert [t.tolist() for t in resumed] == [t.tolist() for t in tensors[5:]]
