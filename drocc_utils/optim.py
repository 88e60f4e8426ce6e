"""The reference's optimiser and its step learning-rate schedule."""

from __future__ import annotations

from collections.abc import Iterable

import torch

from .config import DROCCConfig


def lr_factor(epoch: int, epochs: int, only_ce_epochs: int) -> float:
    """The reference step schedule: factor of the base learning rate at ``epoch``.

    Warm-up epochs use 1. Counting DROCC epochs ``e = epoch - only_ce_epochs`` out of
    ``D = epochs - only_ce_epochs``: 1 while ``e <= 0.4 D``, 0.1 while ``e <= 0.8 D``,
    then 0.01.
    """
    e, d = epoch - only_ce_epochs, epochs - only_ce_epochs
    if e <= 0.4 * d:
        return 1.0
    if e <= 0.8 * d:
        return 0.1
    return 0.01


def build_optimizer(
    params: Iterable[torch.nn.Parameter], config: DROCCConfig
) -> torch.optim.Optimizer:
    """Adam, or SGD with ``config.momentum``, at ``config.lr`` and ``config.weight_decay``."""
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay
        )
    return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
