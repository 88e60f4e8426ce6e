"""How fast can one DROCC training step possibly be on this device, in float32?

    python benchmarks/conv_floor.py                # CIFAR10LeNet, batch 256, 50 steps

A training step is ``steps`` ascent passes (forward + gradient w.r.t. the input) plus the
CE and adversarial passes (forward + gradient w.r.t. the weights, and the input gradient
of every convolution but the first). This script times only the convolutions of
CIFAR10LeNet at their real shapes, each in its faster memory format, adds them up the
way a step uses them, and compares the sum with a measured step of the seed's loop
(``baseline_seed.py``). Everything else in a step (BatchNorm, activations, pooling,
linear layers, the optimiser) costs more than zero, so ``baseline / floor`` is an upper
bound on the speed-up any float32 implementation can reach here without changing the
computation. The device's matmul throughput is printed for scale.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_trainer import make_baseline  # noqa: E402

from drocc_utils.models import CIFAR10LeNet  # noqa: E402


def median_time(fn: Callable[[], object], repeats: int, device: str) -> float:
    """Median wall time of ``fn`` over ``repeats`` calls, after one warm-up call."""

    def run() -> float:
        start = time.perf_counter()
        fn()
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    run()
    return statistics.median(run() for _ in range(repeats))


def conv_inputs(model: nn.Module, batch: int, device: str) -> list[tuple[nn.Conv2d, tuple]]:
    """Each convolution of ``model`` with the input shape it sees in a forward pass."""
    seen: list[tuple[nn.Conv2d, tuple]] = []
    hooks = [
        m.register_forward_hook(lambda m, args, out: seen.append((m, tuple(args[0].shape))))
        for m in model.modules()
        if isinstance(m, nn.Conv2d)
    ]
    with torch.no_grad():
        model(torch.randn(batch, 3, 32, 32, device=device))
    for h in hooks:
        h.remove()
    return seen


def time_conv(conv: nn.Conv2d, shape: tuple, fmt, repeats: int, device: str) -> dict[str, float]:
    """Forward, input-gradient and weight-gradient times of one convolution."""
    x = torch.randn(shape, device=device).contiguous(memory_format=fmt)
    w = conv.weight.detach().clone().contiguous(memory_format=fmt)
    x.requires_grad_(True)
    w.requires_grad_(True)

    def conv_fn() -> torch.Tensor:
        return F.conv2d(x, w, None, conv.stride, conv.padding)

    y = conv_fn()
    g = torch.randn_like(y)
    return {
        "fwd": median_time(lambda: conv_fn().detach(), repeats, device),
        "dx": median_time(lambda: torch.autograd.grad(y, x, g, retain_graph=True), repeats, device),
        "dw": median_time(lambda: torch.autograd.grad(y, w, g, retain_graph=True), repeats, device),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=50, help="ascent steps (seed: 50)")
    parser.add_argument("--repeats", type=int, default=7, help="timings per kernel")
    parser.add_argument("--baseline-repeats", type=int, default=3)
    parser.add_argument("--matmul-size", type=int, default=4096, help="for the GFLOP/s line")
    args = parser.parse_args()
    dev, batch = args.device, args.batch_size

    n = args.matmul_size
    a = torch.randn(n, n, device=dev)
    gflops = 2 * n**3 / median_time(lambda: a @ a, 3, dev) / 1e9
    print(f"device {dev}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"float32 matmul {n}x{n}: {gflops:.0f} GFLOP/s\n")

    model = CIFAR10LeNet().to(dev)
    print("| conv | input | format | fwd ms | dx ms | dw ms | fwd+dx GFLOP/s |")
    print("|---|---|---|---|---|---|---|")
    ascent, outer = 0.0, 0.0
    for i, (conv, shape) in enumerate(conv_inputs(model, batch, dev)):
        out_hw = shape[2] * shape[3]  # stride 1, "same" padding
        flops = 2 * batch * out_hw * conv.weight.numel()
        best = None
        for name, fmt in (("NCHW", torch.contiguous_format), ("NHWC", torch.channels_last)):
            t = time_conv(conv, shape, fmt, args.repeats, dev)
            rate = 2 * flops / (t["fwd"] + t["dx"]) / 1e9
            print(
                f"| conv{i + 1} | {tuple(shape[1:])} | {name} | {t['fwd'] * 1e3:.1f} | "
                f"{t['dx'] * 1e3:.1f} | {t['dw'] * 1e3:.1f} | {rate:.0f} |"
            )
            if best is None or t["fwd"] + t["dx"] < best["fwd"] + best["dx"]:
                best = t
        ascent += best["fwd"] + best["dx"]
        # CE and adversarial passes: no input gradient for the first convolution.
        outer += best["fwd"] + best["dw"] + (best["dx"] if i > 0 else 0.0)
    floor = args.steps * ascent + 2 * outer

    baseline = make_baseline(dev, args.steps)
    x = torch.randn(batch, 3, 32, 32, device=dev)
    y = torch.ones(batch, device=dev)
    base = median_time(lambda: baseline.train_step(x, y), args.baseline_repeats, dev)
    print(
        f"\nOne training step, batch {batch}, {args.steps} ascent steps:\n"
        f"| | s/step |\n|---|---|\n"
        f"| convolutions only, faster format per layer (floor) | {floor:.2f} |\n"
        f"| baseline: the seed's loop | {base:.2f} |\n"
        f"\nUpper bound on the float32 speed-up over the baseline: {base / floor:.2f}x"
    )


if __name__ == "__main__":
    main()
