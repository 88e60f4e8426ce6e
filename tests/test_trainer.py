import numpy as np
import pytest
import torch

from drocc_utils.config import DROCCConfig, sine_toy_preset
from drocc_utils.models import MLP, CIFAR10LeNet
from drocc_utils.toy import sine_toy
from drocc_utils.trainer import DROCCTrainer
from drocc_utils.utils import set_seed

TOY = sine_toy_preset()


def test_sine_manifold_reaches_high_auc(fit_mlp):
    train, test_x, test_y = sine_toy(512, 512)
    trainer = fit_mlp(TOY, train, test=(test_x, test_y))
    assert trainer.evaluate(test_x, test_y) > 0.9


def test_same_seed_gives_identical_history(fit_mlp):
    train, test_x, test_y = sine_toy(128, 128)
    cfg = TOY.replace(epochs=4)
    h1 = fit_mlp(cfg, train, test=(test_x, test_y)).history
    h2 = fit_mlp(cfg, train, test=(test_x, test_y)).history
    strip = [[{k: v for k, v in r.items() if k != "seconds"} for r in h] for h in (h1, h2)]
    assert strip[0] == strip[1]
    h3 = fit_mlp(cfg.replace(seed=1), train, test=(test_x, test_y)).history
    assert h3[-1]["ce_loss"] != h1[-1]["ce_loss"]


def test_history_records_every_epoch_and_warmup(fit_mlp):
    train, test_x, test_y = sine_toy(64, 64)
    trainer = fit_mlp(TOY.replace(epochs=3, only_ce_epochs=2), train, test=(test_x, test_y))
    assert [r["epoch"] for r in trainer.history] == [0, 1, 2]
    assert [r["adv_loss"] is None for r in trainer.history] == [True, True, False]
    assert all(r["test_auc"] is not None and r["seconds"] > 0 for r in trainer.history)
    assert trainer.last_batch["generated"].shape[1] == 2


def test_lr_schedule_is_applied_to_the_optimizer(fit_mlp):
    train, _, _ = sine_toy(32, 4)
    trainer = fit_mlp(TOY.replace(epochs=10, only_ce_epochs=0, lr=0.5, ascent_num_steps=1), train)
    assert [r["lr"] for r in trainer.history] == [0.5] * 5 + [0.05] * 4 + [0.005]
    assert trainer.optimizer.param_groups[0]["lr"] == 0.005


def test_batch_of_one_and_lenet_partial_batch(fit_mlp):
    trainer = fit_mlp(TOY.replace(epochs=1, only_ce_epochs=0), torch.randn(1, 2))
    assert np.isfinite(trainer.history[0]["ce_loss"])
    cfg = DROCCConfig(epochs=1, ascent_num_steps=1, batch_size=4, device="cpu")
    set_seed(0)
    lenet = DROCCTrainer(CIFAR10LeNet(), cfg)
    lenet.fit(torch.randn(5, 3, 32, 32), progress=False)  # batches of 4 and 1
    assert np.isfinite(lenet.score(torch.randn(3, 3, 32, 32))).all()


def test_no_nan_with_all_zero_model():
    set_seed(0)
    model = MLP(2, 8)
    for p in model.parameters():
        torch.nn.init.zeros_(p)
    trainer = DROCCTrainer(model, TOY.replace(epochs=2, only_ce_epochs=0))
    trainer.fit(torch.randn(16, 2), progress=False)
    assert all(np.isfinite(v) for r in trainer.history for v in (r["ce_loss"], r["adv_loss"]))


def test_model_selection_uses_validation_never_test(fit_mlp):
    train, test_x, test_y = sine_toy(128, 128)
    val = (test_x[::2], test_y[::2])
    trainer = fit_mlp(TOY.replace(epochs=6), train, val=val, test=(test_x, test_y))
    val_aucs = [r["val_auc"] for r in trainer.history]
    assert trainer.selected_epoch == int(np.argmax(val_aucs))
    assert trainer.evaluate(*val) == pytest.approx(max(val_aucs))
    last = fit_mlp(TOY.replace(epochs=6, model_selection="last"), train, val=val)
    assert last.selected_epoch == 5
    with pytest.raises(ValueError, match="model_selection='val' needs validation"):
        fit_mlp(TOY.replace(model_selection="val"), train)


def test_labels_and_bad_input():
    trainer = DROCCTrainer(MLP(2, 8), TOY.replace(epochs=1, only_ce_epochs=0))
    with pytest.raises(ValueError, match="train_y has 3 labels for 4 points"):
        trainer.fit(torch.randn(4, 2), torch.ones(3), progress=False)
    with pytest.raises(ValueError, match="empty"):
        trainer.fit(torch.randn(0, 2), progress=False)
    trainer.fit(torch.randn(8, 2), torch.tensor([1, 1, 1, 1, 0, 0, 1, 1]), progress=False)


def test_cuda_request_without_cuda_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA is not available"):
        DROCCTrainer(MLP(2, 4), TOY.replace(device="cuda"))
