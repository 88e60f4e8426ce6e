"""DROCC's objective for one batch (paper eq. 3), as a module.

``BCE(f(x), y)`` summed over the batch, then the adversarial search from the normal points,
then ``BCE(f(x~), 0)`` summed; the trainer divides by the batch counts and weighs the
second term by ``lamda``. Chapter 2 of the book maps each line to the formula.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .adversarial import adversarial_search
from .config import DROCCConfig


class DROCCObjective(nn.Module):
    """One training forward: CE logits, then the search, then the adversarial logits.

    Wrapping the whole step in one module keeps the reference's order of BatchNorm
    updates and gives DistributedDataParallel exactly one forward per backward.
    """

    def __init__(self, model: nn.Module, config: DROCCConfig) -> None:
        super().__init__()
        self.model, self.config = model, config

    def forward(
        self, x: torch.Tensor, y: torch.Tensor, noise: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        cfg = self.config
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=cfg.amp):
            logits = self.model(x).reshape(-1).float()
        ce_sum = F.binary_cross_entropy_with_logits(logits, y, reduction="sum")
        if noise is None:
            return ce_sum, torch.zeros((), device=x.device), None
        pos = y == 1
        x_adv = adversarial_search(x[pos], self.model, cfg, noise=noise[pos])
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=cfg.amp):
            adv_logits = self.model(x_adv).reshape(-1).float()
        adv_sum = F.binary_cross_entropy_with_logits(
            adv_logits, torch.zeros_like(adv_logits), reduction="sum"
        )
        return ce_sum, adv_sum, x_adv
