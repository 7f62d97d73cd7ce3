"""The PyTorch adapter's own logic (worker split, resume, set_epoch) under a stand-in ``torch``.

The real-torch test in test_loader_torch.py skips here; this one runs the
adapter's code with the few torch names it uses replaced by plain Python.
"""

from __future__ import annotations

import importlib
import sys
import types

import numpy as np
import pytest

from test_inspect_fixture import make_run
from thresher.tools.loader import SequenceLoader


@pytest.fixture
def adapter(monkeypatch):
    if "torch" in sys.modules and not getattr(sys.modules["torch"], "_thresher_stub", False):
        pytest.skip("real torch is installed; test_loader_torch.py covers the adapter")
    worker = {"info": None}
    torch = types.ModuleType("torch")
    torch._thresher_stub = True
    torch.from_numpy = lambda array: array  # the adapter's tensors are the int64 arrays here
    data = types.ModuleType("torch.utils.data")
    data.IterableDataset = type("IterableDataset", (), {})
    data.get_worker_info = lambda: worker["info"]
    utils = types.ModuleType("torch.utils")
    utils.data = data
    torch.utils = utils
    distributed = types.ModuleType("torch.distributed")
    distributed.is_available = lambda: False
    torch.distributed = distributed
    for name, module in {"torch": torch, "torch.utils": utils, "torch.utils.data": data,
                         "torch.distributed": distributed}.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "thresher.tools.loader.torch_dataset", raising=False)
    module = importlib.import_module("thresher.tools.loader.torch_dataset")
    yield module, worker
    sys.modules.pop("thresher.tools.loader.torch_dataset", None)


def test_workers_split_a_rank_and_resume(adapter, tmp_path):
    module, worker = adapter
    run = make_run(tmp_path / "run")
    everything = [s.tolist() for s in SequenceLoader(str(run.path), 8, seed=9)]
    parts = []
    for worker_id in range(3):
        worker["info"] = types.SimpleNamespace(id=worker_id, num_workers=3)
        dataset = module.ShardSequenceDataset(str(run.path), 8, seed=9)  # rank 0 of 1 without torch.distributed
        parts.append(list(dataset))
    assert all(s.dtype == np.int64 for p in parts for s in p)
    assert [s.tolist() for p in parts for s in p] == everything

    worker["info"] = None
    dataset = module.ShardSequenceDataset(str(run.path), 8, seed=9)
    iterator = iter(dataset)
    head = [next(iterator) for _ in range(4)]
    state = dataset.state_dict()
    resumed = module.ShardSequenceDataset(str(run.path), 8, seed=9)
    resumed.load_state_dict(state)
    assert [s.tolist() for s in head + list(resumed)] == everything

    second_epoch = module.ShardSequenceDataset(str(run.path), 8, seed=9)
    second_epoch.set_epoch(1)
    loader = SequenceLoader(str(run.path), 8, seed=9)
    loader.set_epoch(1)
    assert [s.tolist() for s in second_epoch] == [s.tolist() for s in loader] != everything
