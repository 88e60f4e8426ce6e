"""DROCC's adversarial search for negatives in N_i(r) = {x~ : r <= |x~ - x_i| <= gamma r}.

The search follows the reference DROCC trainer (EdgeML ``drocc_trainer.py``):

1. start at ``x + N(0, I)``;
2. take ``ascent_num_steps`` steps of size ``ascent_step_size`` along the per-sample
   L2-normalised gradient of ``BCE(f(x~), anomaly)``, i.e. towards points the model
   wrongly calls normal;
3. every ``projection_every`` steps project ``h = x~ - x`` onto ``r <= |h| <= gamma r``.

Fixes over the reference, all without changing its results where it was well defined:

* a zero gradient gives a zero step instead of ``0/0 = NaN`` (norms are clamped at eps);
* a zero ``h`` is projected along a random direction instead of producing NaN;
* the last iterate is always projected (the reference left it unprojected when the step
  count was not a multiple of 10, e.g. for 0 steps);
* no autograd graph is carried across steps, and no parameter gradients are computed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .config import DROCCConfig

EPS = 1e-12


def _flat_norm(t: torch.Tensor) -> torch.Tensor:
    """Per-sample L2 norm, shaped to broadcast against ``t``."""
    norm = torch.linalg.vector_norm(t.flatten(1).float(), dim=1)
    return norm.view(-1, *([1] * (t.dim() - 1)))


def project_to_annulus(
    x_adv: torch.Tensor,
    x: torch.Tensor,
    radius: float,
    gamma: float,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Project ``x_adv`` so that ``radius <= |x_adv - x| <= gamma * radius`` per sample.

    Points already inside the annulus are unchanged; others are moved along ``x_adv - x``.
    A point with ``x_adv == x`` (no direction) is placed at distance ``radius`` along a
    random direction.
    """
    h = x_adv - x
    norm = _flat_norm(h)
    degenerate = norm <= EPS
    if bool(degenerate.any()):
        direction = torch.randn(h.shape, generator=generator, device="cpu").to(h)
        h = torch.where(degenerate, direction, h)
        norm = _flat_norm(h)
    target = norm.clamp(radius, gamma * radius)
    return x + h * (target / norm.clamp_min(EPS)).to(h.dtype)


def sample_initial_noise(
    shape: torch.Size | tuple[int, ...],
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> torch.Tensor:
    """Draw the search's starting noise N(0, I) on the CPU generator, then move it.

    Drawing on a CPU generator makes runs identical across devices and lets distributed
    ranks draw the same global-batch noise and keep their own slice.
    """
    return torch.randn(tuple(shape), generator=generator).to(device)


@contextlib.contextmanager
def _search_context(model: nn.Module, mode: str) -> Iterator[None]:
    """Freeze parameters (only the input needs gradients) and set train/eval mode."""
    params = [p for p in model.parameters() if p.requires_grad]
    was_training = model.training
    for p in params:
        p.requires_grad_(False)
    model.train(mode == "train")
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)
        model.train(was_training)


@dataclass
class SearchTrace:
    """Snapshots of a search, for plots: one entry per phase of every step."""

    phases: list[str] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    points: list[torch.Tensor] = field(default_factory=list)

    def add(self, phase: str, step: int, points: torch.Tensor) -> None:
        """Record a detached CPU copy of ``points``."""
        self.phases.append(phase)
        self.steps.append(step)
        self.points.append(points.detach().float().cpu().clone())


def adversarial_search(
    x: torch.Tensor,
    model: nn.Module,
    config: DROCCConfig,
    *,
    noise: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
    trace: SearchTrace | None = None,
) -> torch.Tensor:
    """Find DROCC's negatives x~ in N_i(r) for a batch of normal points ``x``.

    Parameters
    ----------
    x : torch.Tensor
        Normal points, shape ``(B, ...)``, on the model's device.
    model : nn.Module
        Network returning logits ``(B, 1)`` (higher = more normal).
    config : DROCCConfig
        Uses ``radius``, ``gamma``, ``ascent_step_size``, ``ascent_num_steps``,
        ``projection_every``, ``search_mode``, ``amp`` and ``channels_last``.
    noise : torch.Tensor, optional
        Starting perturbation; default ``N(0, I)`` drawn from ``generator``.
    generator : torch.Generator, optional
        CPU generator for the starting noise (default: the global RNG).
    trace : SearchTrace, optional
        If given, receives the iterate after the noise, every step and every projection.

    Returns
    -------
    torch.Tensor
        Detached points with ``radius <= |x~ - x| <= gamma * radius``, same shape as ``x``.
    """
    if x.shape[0] == 0:
        return x.detach().clone()
    x = x.detach()
    if noise is None:
        noise = sample_initial_noise(x.shape, generator, x.device)
    x_adv = x + noise.to(x)
    if trace is not None:
        trace.add("noise", 0, x_adv)
    autocast = torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=config.amp)
    memory_format = torch.channels_last if config.use_channels_last and x.dim() == 4 else None
    target = torch.zeros(x.shape[0], device=x.device)
    n_steps = config.ascent_num_steps
    with _search_context(model, config.search_mode), torch.enable_grad():
        for step in range(n_steps):
            x_in = x_adv.detach()
            if memory_format is not None:
                x_in = x_in.contiguous(memory_format=memory_format)
            x_in.requires_grad_(True)
            with autocast:
                logits = model(x_in).reshape(-1).float()
            # Sum, not mean: identical after per-sample normalisation, but no underflow.
            loss = F.binary_cross_entropy_with_logits(logits, target, reduction="sum")
            (grad,) = torch.autograd.grad(loss, [x_in])
            grad = grad.float()
            with torch.no_grad():
                step_dir = grad / _flat_norm(grad).clamp_min(EPS)
                x_adv = x_adv + config.ascent_step_size * step_dir.to(x_adv.dtype)
            if trace is not None:
                trace.add("ascent", step + 1, x_adv)
            if (step + 1) % config.projection_every == 0 or step + 1 == n_steps:
                x_adv = project_to_annulus(x_adv, x, config.radius, config.gamma, generator)
                if trace is not None:
                    trace.add("projection", step + 1, x_adv)
    if n_steps == 0:
        x_adv = project_to_annulus(x_adv, x, config.radius, config.gamma, generator)
        if trace is not None:
            trace.add("projection", 0, x_adv)
    return x_adv.detach()
