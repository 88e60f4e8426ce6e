import torch

from drocc_utils.toy import sine_manifold, sine_toy


def test_sine_toy():
    pts = sine_manifold(100, seed=0)
    assert torch.allclose(pts[:, 1], torch.sin(pts[:, 0]), atol=1e-6)
    train, test_x, test_y = sine_toy(50, 40)
    assert train.shape == (50, 2) and test_x.shape == (40, 2) and int(test_y.sum()) == 20
    off = test_x[test_y == 0]
    assert ((off[:, 1] - torch.sin(off[:, 0])).abs() >= 0.3 - 1e-6).all()
