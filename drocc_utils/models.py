"""Networks used with DROCC: the seed's CIFAR-10 LeNet and a small MLP.

Both return one logit per input, shape ``(batch, 1)``; higher means "more normal".
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class CIFAR10LeNet(nn.Module):
    """LeNet-style network of the seed notebook (and of Deep SVDD / DROCC for CIFAR-10).

    Three 5x5 convolutions 3->32->64->128 (padding 2, no bias), each followed by
    ``BatchNorm2d(eps=1e-4, affine=False)``, LeakyReLU and 2x2 max-pooling; then linear
    layers 2048->128->64->1 without biases and LeakyReLU between them.

    Because the BatchNorm layers have no affine parameters, their only state is the
    running mean/variance buffers. Under ``DistributedDataParallel``
    (``broadcast_buffers=True``) rank 0's buffers are copied to every rank at the start
    of each training step and again before evaluation, so all ranks score with rank 0's
    running statistics.
    """

    def __init__(self, rep_dim: int = 128) -> None:
        super().__init__()
        self.rep_dim = rep_dim
        self.pool = nn.MaxPool2d(2, 2)
        self.conv1 = nn.Conv2d(3, 32, 5, bias=False, padding=2)
        self.bn2d1 = nn.BatchNorm2d(32, eps=1e-04, affine=False)
        self.conv2 = nn.Conv2d(32, 64, 5, bias=False, padding=2)
        self.bn2d2 = nn.BatchNorm2d(64, eps=1e-04, affine=False)
        self.conv3 = nn.Conv2d(64, 128, 5, bias=False, padding=2)
        self.bn2d3 = nn.BatchNorm2d(128, eps=1e-04, affine=False)
        self.fc1 = nn.Linear(128 * 4 * 4, rep_dim, bias=False)
        self.fc2 = nn.Linear(rep_dim, rep_dim // 2, bias=False)
        self.fc3 = nn.Linear(rep_dim // 2, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images ``(B, 3, 32, 32)`` to logits ``(B, 1)``."""
        if x.dim() != 4 or x.shape[1:] != (3, 32, 32):
            raise ValueError(
                f"CIFAR10LeNet expects images of shape (B, 3, 32, 32), got {tuple(x.shape)}; "
                "use MLP for flat vectors"
            )
        x = self.pool(F.leaky_relu(self.bn2d1(self.conv1(x))))
        x = self.pool(F.leaky_relu(self.bn2d2(self.conv2(x))))
        x = self.pool(F.leaky_relu(self.bn2d3(self.conv3(x))))
        x = torch.flatten(x, 1)
        x = F.leaky_relu(self.fc1(x))
        x = F.leaky_relu(self.fc2(x))
        return self.fc3(x)


class MLP(nn.Module):
    """Fully connected network ``d -> hidden -> ... -> 1`` with ReLU, for tabular/2-D data.

    Parameters
    ----------
    input_dim : int
        Number of input features.
    hidden : int or sequence of int
        Width of the hidden layer(s).
    """

    def __init__(self, input_dim: int, hidden: int | tuple[int, ...] = 128) -> None:
        super().__init__()
        if input_dim < 1:
            raise ValueError(
                f"MLP input_dim={input_dim} is invalid: use the number of features >= 1"
            )
        widths = (hidden,) if isinstance(hidden, int) else tuple(hidden)
        if not widths or min(widths) < 1:
            raise ValueError(f"MLP hidden={hidden!r} is invalid: use one or more widths >= 1")
        layers: list[nn.Module] = []
        last = input_dim
        for width in widths:
            layers += [nn.Linear(last, width), nn.ReLU()]
            last = width
        layers.append(nn.Linear(last, 1))
        self.input_dim = input_dim
        self.hidden = widths
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(B, input_dim)`` (or any shape flattening to it) to logits ``(B, 1)``."""
        return self.net(torch.flatten(x, 1))


def build_model(name: str, **kwargs: int) -> nn.Module:
    """Build a model by name (``"lenet"`` or ``"mlp"``); used by checkpoints and the CLI."""
    if name == "lenet":
        return CIFAR10LeNet(**kwargs)
    if name == "mlp":
        return MLP(**kwargs)
    raise ValueError(f"unknown model {name!r}: use 'lenet' or 'mlp'")
