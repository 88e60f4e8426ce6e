"""Benchmark one DROCC training step: the seed's plain loop vs drocc_utils.

    python benchmarks/bench_trainer.py                      # step timing only
    python benchmarks/bench_trainer.py --data-dir DIR --epoch --auc-seeds 3

Prints images/s of one full training step (CE pass + ascent + adversarial pass) for
CIFAR10LeNet at batch 256 with the seed's settings, for the baseline
(``baseline_seed.py``) and drocc_utils variants, timed alternately in one process;
optionally an end-to-end epoch on real data and the test AUC over several seeds.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline_seed import SeedTrainer, seed_loaders  # noqa: E402

from drocc_utils.config import cifar10_seed_preset  # noqa: E402
from drocc_utils.data import cifar10_one_class  # noqa: E402
from drocc_utils.models import CIFAR10LeNet  # noqa: E402
from drocc_utils.trainer import DROCCTrainer  # noqa: E402
from drocc_utils.utils import set_seed  # noqa: E402

SEED_LR = 1e-3  # the seed's Adam learning rate


def variants(args: argparse.Namespace, device: str) -> dict[str, dict]:
    """drocc_utils settings to time; the first is the library default."""
    out = {"drocc_utils default": {}, "drocc_utils channels_last=False": {"channels_last": False}}
    if args.amp:
        out["drocc_utils bf16+channels_last"] = {"amp": True, "channels_last": True}
    if args.compile:
        out["drocc_utils compile"] = {"compile": True}
    return out


def make_ours(changes: dict, device: str, steps: int, seed: int = 0) -> DROCCTrainer:
    set_seed(seed)
    config = cifar10_seed_preset(ascent_num_steps=steps, device=device, seed=seed, **changes)
    return DROCCTrainer(CIFAR10LeNet(), config)


def make_baseline(device: str, steps: int, seed: int = 0) -> SeedTrainer:
    set_seed(seed)
    model = CIFAR10LeNet().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=SEED_LR)
    return SeedTrainer(model, opt, 1.0, 8.0, 1.0, device, 0.001, steps)


def peak_memory_mb(device: str) -> float:
    if device == "cuda":
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_steps(args: argparse.Namespace, device: str) -> None:
    batch = args.batch_size
    x = torch.randn(batch, 3, 32, 32, device=device)
    y = torch.ones(batch, device=device)
    runners = {"baseline (seed loop)": make_baseline(device, args.steps)}
    runners.update({k: make_ours(v, device, args.steps) for k, v in variants(args, device).items()})

    def step(name: str) -> None:
        runner = runners[name]
        if isinstance(runner, SeedTrainer):
            runner.train_step(x, y)
        else:
            runner.train_epoch(x, y)
        if device == "cuda":
            torch.cuda.synchronize()

    for name in runners:  # warm-up (and compilation)
        start = time.perf_counter()
        step(name)
        print(f"warm-up {name}: {time.perf_counter() - start:.2f} s", flush=True)
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(args.repeats):
        for name in runners:
            start = time.perf_counter()
            step(name)
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["baseline (seed loop)"])
    print(
        f"\nOne training step, CIFAR10LeNet, batch {batch}, {args.steps} ascent steps, "
        f"device {device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"median of {args.repeats}:"
    )
    print("| variant | s/step | images/s | ratio vs baseline |\n|---|---|---|---|")
    for name, values in times.items():
        t = statistics.median(values)
        print(f"| {name} | {t:.3f} | {batch / t:.0f} | {base / t:.2f} |")
    print(f"peak memory of the process: {peak_memory_mb(device):.0f} MiB")


def epoch_and_auc(args: argparse.Namespace, device: str) -> None:
    limit = dict(train_limit=args.train_limit, test_limit=args.test_limit)
    data = cifar10_one_class(0, args.data_dir, val_fraction=0.0, **limit)
    train_loader, test_loader = seed_loaders(args.data_dir, 0, args.batch_size, **limit)
    best = ("drocc_utils default", {})
    rows = []
    for seed in range(args.auc_seeds):
        base = make_baseline(device, args.steps, seed)
        start = time.perf_counter()
        base.train(train_loader, SEED_LR, args.epochs)
        base_train = time.perf_counter() - start
        base_auc = base.test(test_loader)
        changes = {**best[1], "epochs": args.epochs, "model_selection": "last"}
        trainer = make_ours(changes, device, args.steps, seed)
        start = time.perf_counter()
        trainer.fit(data.train_x, progress=False)
        ours_train = time.perf_counter() - start
        rows.append(
            (seed, base_train, base_auc, ours_train, trainer.evaluate(data.test_x, data.test_y))
        )
        print(
            f"seed {seed}: baseline {base_train:.1f} s AUC {base_auc:.4f} | {best[0]} "
            f"{ours_train:.1f} s AUC {rows[-1][-1]:.4f}",
            flush=True,
        )
    arr = np.array(rows)
    print(
        f"\n{args.epochs} epoch(s) on {len(data.train_x)} images ({data.source}), "
        f"{args.steps} ascent steps, test AUC on {len(data.test_x)} images:"
    )
    print("| | train s/epoch (mean) | test AUC mean ± std | AUC range |\n|---|---|---|---|")
    for label, t_col, a_col in (("baseline", 1, 2), (best[0], 3, 4)):
        print(
            f"| {label} | {arr[:, t_col].mean() / args.epochs:.1f} | {arr[:, a_col].mean():.4f} ± "
            f"{arr[:, a_col].std():.4f} | {arr[:, a_col].min():.4f}..{arr[:, a_col].max():.4f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=50, help="ascent steps (seed: 50)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--amp",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include bf16 autocast (default: only on CUDA)",
    )
    parser.add_argument("--compile", action="store_true", help="include torch.compile")
    parser.add_argument("--data-dir", default=None, help="CIFAR-10 folder for --epoch")
    parser.add_argument("--no-steps", action="store_true", help="skip the per-step timing")
    parser.add_argument(
        "--epoch", action="store_true", help="also train end to end and compare AUC"
    )
    parser.add_argument("--auc-seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--train-limit", type=int, default=2048)
    parser.add_argument("--test-limit", type=int, default=2000)
    args = parser.parse_args()
    if args.amp is None:
        args.amp = args.device.startswith("cuda")
    if not args.no_steps:
        time_steps(args, args.device)
    if args.epoch:
        epoch_and_auc(args, args.device)


if __name__ == "__main__":
    main()
