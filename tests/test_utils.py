import random

import numpy as np
import pytest
import torch

from drocc_utils import utils
from drocc_utils.utils import atomic_torch_save, atomic_write_text, set_seed


def test_set_seed_seeds_everything():
    set_seed(5)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    g = set_seed(5)
    assert a == (random.random(), np.random.rand(), torch.rand(1).item())
    assert torch.equal(torch.randperm(5, generator=g), torch.randperm(5, generator=set_seed(5)))


def test_atomic_save_keeps_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    atomic_torch_save({"v": torch.ones(1)}, path)

    def broken_save(obj, handle):
        handle.write(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(utils.torch, "save", broken_save)
    with pytest.raises(RuntimeError, match="disk full"):
        atomic_torch_save({"v": torch.zeros(1)}, path)
    monkeypatch.undo()
    assert torch.load(path, weights_only=True)["v"].item() == 1.0
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]
    atomic_write_text("hello", tmp_path / "a.txt")
    assert (tmp_path / "a.txt").read_text() == "hello"
