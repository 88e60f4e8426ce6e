"""The 2-D toy of the paper's Figure 1: points on the curve ``y = sin(x)``.

Normal data lie on a 1-D manifold in 2-D; anomalies are points displaced off it.
"""

from __future__ import annotations

import numpy as np
import torch


def sine_manifold(
    n: int, *, noise: float = 0.0, x_range: tuple[float, float] = (-np.pi, np.pi), seed: int = 0
) -> torch.Tensor:
    """``n`` points on the curve ``y = sin(x)``: the 1-D manifold of the paper's Figure 1."""
    if n < 1:
        raise ValueError(f"n={n} is invalid: use n >= 1")
    rng = np.random.default_rng(seed)
    x = rng.uniform(*x_range, size=n)
    y = np.sin(x) + noise * rng.standard_normal(n)
    return torch.tensor(np.stack([x, y], axis=1), dtype=torch.float32)


def sine_off_manifold(
    n: int,
    *,
    min_offset: float = 0.3,
    max_offset: float = 1.5,
    x_range: tuple[float, float] = (-np.pi, np.pi),
    seed: int = 1,
) -> torch.Tensor:
    """``n`` anomalies: points displaced vertically by ``min_offset..max_offset`` from the sine."""
    if not 0 < min_offset <= max_offset:
        raise ValueError(f"min_offset={min_offset}, max_offset={max_offset}: use 0 < min <= max")
    rng = np.random.default_rng(seed)
    x = rng.uniform(*x_range, size=n)
    offset = rng.uniform(min_offset, max_offset, size=n) * rng.choice([-1.0, 1.0], size=n)
    return torch.tensor(np.stack([x, np.sin(x) + offset], axis=1), dtype=torch.float32)


def sine_toy(
    n_train: int = 512, n_test: int = 512, *, noise: float = 0.0, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Train points on the sine, plus a labelled test set (half on it, half off it).

    Returns
    -------
    (train_x, test_x, test_y) with ``test_y`` 1 for normal, 0 for anomaly.
    """
    train = sine_manifold(n_train, noise=noise, seed=seed)
    normal = sine_manifold(n_test // 2, noise=noise, seed=seed + 1000)
    anomalies = sine_off_manifold(n_test - n_test // 2, seed=seed + 2000)
    test_y = torch.cat([torch.ones(len(normal)), torch.zeros(len(anomalies))])
    return train, torch.cat([normal, anomalies]), test_y
