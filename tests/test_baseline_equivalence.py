"""drocc_utils computes the same training step as the seed's reference loop.

The benchmark's baseline (``benchmarks/baseline_seed.py``) is a plain copy of the
reference trainer. Given the same weights, batch and starting noise, one step of each
must produce the same losses and the same updated weights (up to float rounding).
"""

import copy
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import baseline_seed  # noqa: E402

from drocc_utils.config import cifar10_seed_preset  # noqa: E402
from drocc_utils.models import CIFAR10LeNet  # noqa: E402
from drocc_utils.optim import lr_factor  # noqa: E402
from drocc_utils.trainer import DROCCTrainer  # noqa: E402


def test_one_step_matches_the_reference(monkeypatch):
    torch.manual_seed(0)
    model = CIFAR10LeNet()
    x, y = torch.randn(16, 3, 32, 32), torch.ones(16)
    config = cifar10_seed_preset(
        ascent_num_steps=10,
        optimizer="sgd",
        momentum=0.0,
        lr=0.1,
        channels_last=False,
        device="cpu",
        batch_size=16,
    )
    ours = DROCCTrainer(copy.deepcopy(model), config)
    # Replay our trainer's random draws: the shuffle, then the starting noise.
    replay = torch.Generator().manual_seed(config.seed)
    order = torch.randperm(16, generator=replay)
    noise = torch.randn(x.shape, generator=replay)
    ce, adv = ours.train_epoch(x, y)

    ref_model = copy.deepcopy(model)
    opt = torch.optim.SGD(ref_model.parameters(), lr=0.1)
    reference = baseline_seed.SeedTrainer(ref_model, opt, 1.0, 8.0, 1.0, "cpu", 0.001, 10)
    monkeypatch.setattr(baseline_seed.torch, "randn", lambda shape: noise.clone())
    ref_ce, ref_adv = reference.train_step(x[order], y[order])

    assert abs(ce - ref_ce) < 1e-5 and abs(adv - ref_adv) < 1e-5
    for (name, p), q in zip(ours.model.named_parameters(), ref_model.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-6), name
    for b, c in zip(ours.model.buffers(), ref_model.buffers(), strict=True):
        assert torch.allclose(b.float(), c.float(), atol=1e-5)


def test_learning_rate_schedule_matches_the_seed():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    for epochs, warm_up in ((40, 0), (3, 0), (100, 10), (1, 0)):
        for epoch in range(epochs):
            baseline_seed.adjust_learning_rate(epoch, epochs, warm_up, 1.0, opt)
            seed_lr = opt.param_groups[0]["lr"]
            assert seed_lr == lr_factor(epoch, epochs, warm_up), (epochs, warm_up, epoch)
