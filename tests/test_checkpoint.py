import numpy as np
import pytest
import torch

from drocc_utils.config import sine_toy_preset
from drocc_utils.toy import sine_toy
from drocc_utils.trainer import DROCCTrainer

TOY = sine_toy_preset()


def test_save_load_round_trip(tmp_path, fit_mlp):
    train, test_x, _ = sine_toy(64, 64)
    trainer = fit_mlp(TOY.replace(epochs=2), train)
    path = trainer.save(tmp_path / "ckpt" / "model.pt", note="toy")
    loaded = DROCCTrainer.load(path)
    assert np.array_equal(trainer.score(test_x), loaded.score(test_x))
    assert loaded.config == trainer.config and loaded.history == trainer.history
    assert loaded.metadata == {"note": "toy"}
    assert [p.name for p in path.parent.iterdir()] == ["model.pt"]  # no temp files left


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        DROCCTrainer.load(tmp_path / "missing.pt")
    torch.save({"weights": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a drocc_utils checkpoint"):
        DROCCTrainer.load(tmp_path / "other.pt")
