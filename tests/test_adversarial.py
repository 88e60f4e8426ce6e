import torch
from torch import nn

from drocc_utils.adversarial import SearchTrace, adversarial_search, project_to_annulus
from drocc_utils.config import DROCCConfig
from drocc_utils.models import MLP, CIFAR10LeNet


def _norms(a, b):
    return torch.linalg.vector_norm((a - b).flatten(1), dim=1)


def test_projection_lands_in_annulus():
    torch.manual_seed(0)
    x = torch.randn(64, 3, 8, 8)
    scales = torch.logspace(-3, 2, 64).view(-1, 1, 1, 1)
    x_adv = x + scales * torch.randn_like(x)
    out = project_to_annulus(x_adv, x, radius=2.0, gamma=1.5)
    d = _norms(out, x)
    assert (d >= 2.0 - 1e-4).all() and (d <= 3.0 + 1e-4).all()
    inside = (_norms(x_adv, x) >= 2.0) & (_norms(x_adv, x) <= 3.0)
    assert torch.allclose(out[inside], x_adv[inside])


def test_projection_of_zero_offset_is_finite_and_on_the_sphere():
    x = torch.randn(4, 2)
    out = project_to_annulus(x.clone(), x, radius=0.5, gamma=1.0)
    assert torch.isfinite(out).all()
    assert torch.allclose(_norms(out, x), torch.full((4,), 0.5), atol=1e-5)


def test_each_ascent_step_moves_by_the_step_size():
    torch.manual_seed(0)
    x = torch.randn(16, 2)
    cfg = DROCCConfig(
        radius=100.0, gamma=2.0, ascent_step_size=0.05, ascent_num_steps=5, projection_every=10
    )
    trace = SearchTrace()
    smooth = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))  # gradient never zero
    adversarial_search(x, smooth, cfg, noise=torch.randn(16, 2), trace=trace)
    ascent = [p for p, ph in zip(trace.points, trace.phases) if ph != "projection"]
    assert len(ascent) == 6
    for before, after in zip(ascent, ascent[1:]):
        assert torch.allclose(_norms(after, before), torch.full((16,), 0.05), atol=1e-5)
    assert trace.phases[-1] == "projection"  # the last iterate is always projected


def test_search_ends_in_annulus_for_images():
    torch.manual_seed(0)
    x = torch.randn(8, 3, 32, 32)
    cfg = DROCCConfig(radius=8.0, gamma=2.0, ascent_num_steps=3)
    d = _norms(adversarial_search(x, CIFAR10LeNet(), cfg), x)
    assert (d >= 8.0 - 1e-3).all() and (d <= 16.0 + 1e-3).all()


def test_zero_steps_is_random_on_the_annulus():
    x = torch.zeros(32, 2)
    cfg = DROCCConfig(radius=1.0, gamma=1.0, ascent_num_steps=0)
    out = adversarial_search(x, MLP(2, 4), cfg, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(_norms(out, x), torch.ones(32), atol=1e-5)


def test_no_nan_with_an_all_zero_model():
    model = MLP(2, 8)
    for p in model.parameters():
        nn.init.zeros_(p)
    x = torch.randn(10, 2)
    cfg = DROCCConfig(radius=0.5, gamma=2.0, ascent_num_steps=12)
    out = adversarial_search(x, model, cfg, noise=torch.zeros(10, 2))
    assert torch.isfinite(out).all()
    d = _norms(out, x)
    assert (d >= 0.5 - 1e-5).all() and (d <= 1.0 + 1e-5).all()


def test_batch_of_one_and_empty_batch():
    cfg = DROCCConfig(radius=1.0, gamma=2.0, ascent_num_steps=2)
    assert adversarial_search(torch.randn(1, 3, 32, 32), CIFAR10LeNet(), cfg).shape == (
        1,
        3,
        32,
        32,
    )
    assert adversarial_search(torch.randn(0, 2), MLP(2), cfg).shape == (0, 2)


def test_search_restores_parameters_and_mode():
    model = CIFAR10LeNet().eval()
    adversarial_search(torch.randn(2, 3, 32, 32), model, DROCCConfig(ascent_num_steps=1))
    assert not model.training
    assert all(p.requires_grad for p in model.parameters())
    assert all(p.grad is None for p in model.parameters())


def test_eval_search_mode_leaves_batchnorm_statistics_alone():
    model = CIFAR10LeNet().train()
    before = model.bn2d1.running_mean.clone()
    adversarial_search(
        torch.randn(4, 3, 32, 32), model, DROCCConfig(ascent_num_steps=2, search_mode="eval")
    )
    assert torch.equal(before, model.bn2d1.running_mean)
    adversarial_search(
        torch.randn(4, 3, 32, 32), model, DROCCConfig(ascent_num_steps=2, search_mode="train")
    )
    assert not torch.equal(before, model.bn2d1.running_mean)


def test_ascent_increases_the_anomaly_loss():
    torch.manual_seed(0)
    model = MLP(2, 16)
    x = torch.randn(64, 2)
    cfg = DROCCConfig(
        radius=1.0, gamma=2.0, ascent_step_size=0.05, ascent_num_steps=10, projection_every=100
    )
    noise = torch.randn(64, 2) * 0.3
    start = x + noise
    out = adversarial_search(x, model, cfg, noise=noise, trace=(trace := SearchTrace()))
    before_projection = trace.points[-2]
    assert model(before_projection).mean() > model(start).mean()
    assert out.shape == x.shape
