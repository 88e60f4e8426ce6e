"""Command line: ``python -m drocc_utils train ...`` and ``python -m drocc_utils evaluate ...``.

Every :class:`~drocc_utils.config.DROCCConfig` field has a flag (``--ascent-num-steps``,
alias ``--ascent-steps``; booleans as ``--amp/--no-amp``). Works unchanged under
``torchrun``: only rank 0 prints and writes.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .config import DROCCConfig, cifar10_paper_preset, cifar10_seed_preset
from .data import cifar10_one_class
from .distributed import init_distributed, shutdown_distributed
from .models import CIFAR10LeNet
from .trainer import DROCCTrainer
from .utils import atomic_write_text, set_seed

PRESETS = {"seed": cifar10_seed_preset, "paper": cifar10_paper_preset, "default": DROCCConfig}
ALIASES = {"ascent_num_steps": ["--ascent-steps"]}


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line on stderr and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("DROCC configuration (defaults: the chosen --preset)")
    for f in dataclasses.fields(DROCCConfig):
        flags = ["--" + f.name.replace("_", "-"), *ALIASES.get(f.name, [])]
        if f.type in ("bool", bool, "bool | None"):
            group.add_argument(
                *flags, dest=f.name, action=argparse.BooleanOptionalAction, default=None
            )
        else:
            kind = {"int": int, "float": float, "str": str}[str(f.type)]
            group.add_argument(*flags, dest=f.name, type=kind, default=None, metavar=f.name.upper())


def build_parser() -> argparse.ArgumentParser:
    """The CLI's argument parser."""
    parser = _Parser(prog="python -m drocc_utils", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = sub.add_parser("train", help="train DROCC on one CIFAR-10 class")
    train.add_argument("--data-dir", default=None, help="data folder (default $DROCC_DATA_DIR)")
    train.add_argument(
        "--normal-class", default="0", help="index or folder name of the normal class"
    )
    train.add_argument(
        "--train-limit", type=int, default=None, help="use this many training images"
    )
    train.add_argument("--test-limit", type=int, default=None, help="use this many test images")
    train.add_argument(
        "--val-fraction",
        type=float,
        default=0.1,
        help="share of normal training images held out for model selection",
    )
    train.add_argument("--preset", choices=sorted(PRESETS), default="seed")
    train.add_argument("--out", required=True, help="output folder for metrics.json and model.pt")
    train.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    _add_config_flags(train)
    evaluate = sub.add_parser("evaluate", help="print the test AUC of a checkpoint")
    evaluate.add_argument("--checkpoint", required=True)
    evaluate.add_argument("--data-dir", default=None)
    evaluate.add_argument("--normal-class", default=None, help="default: the checkpoint's class")
    evaluate.add_argument("--test-limit", type=int, default=None)
    evaluate.add_argument("--device", default=None)
    return parser


def _class_arg(value: str | int) -> int | str:
    return int(value) if str(value).isdigit() else str(value)


def _train(args: argparse.Namespace) -> dict[str, Any]:
    info = init_distributed()
    overrides = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(DROCCConfig)
        if getattr(args, f.name) is not None
    }
    config = PRESETS[args.preset]().replace(**overrides)
    set_seed(config.seed)
    data = cifar10_one_class(
        _class_arg(args.normal_class),
        args.data_dir,
        val_fraction=args.val_fraction,
        train_limit=args.train_limit,
        test_limit=args.test_limit,
        seed=config.seed,
    )
    if info.is_main:
        print(data.describe(), flush=True)
    trainer = DROCCTrainer(CIFAR10LeNet(), config)
    start = time.perf_counter()
    val = (data.val_x, data.val_y) if len(data.val_x) else None
    history = trainer.fit(
        data.train_x, val=val, test=(data.test_x, data.test_y), progress=not args.no_progress
    )
    test_aucs = [r["test_auc"] for r in history]
    result = {
        "config": config.to_dict(),
        "data": {
            "source": data.source,
            "normal_class": data.normal_class,
            "class_name": data.classes[data.normal_class],
            "n_train": len(data.train_x),
            "n_val": len(data.val_x),
            "n_test": len(data.test_x),
        },
        "history": history,
        "selected_epoch": trainer.selected_epoch,
        "model_selection": "val"
        if val is not None and config.model_selection != "last"
        else "last",
        "test_auc": trainer.evaluate(data.test_x, data.test_y) if info.is_main else None,
        "best_test_auc_epoch": int(np.argmax(test_aucs)) if info.is_main else None,
        "best_test_auc": max(test_aucs) if info.is_main else None,
        "train_seconds": time.perf_counter() - start,
        "device": str(trainer.device),
        "world_size": info.world_size,
        "torch": torch.__version__,
    }
    if info.is_main:
        out = Path(args.out)
        trainer.save(out / "model.pt", normal_class=data.normal_class, data_source=data.source)
        atomic_write_text(json.dumps(result, indent=2) + "\n", out / "metrics.json")
        print(
            f"test AUC (kept model, epoch {trainer.selected_epoch}): {result['test_auc']:.4f}; "
            f"best test epoch {result['best_test_auc_epoch']} ({result['best_test_auc']:.4f}, "
            f"reported only); wrote {out / 'metrics.json'}",
            flush=True,
        )
    shutdown_distributed()
    return result


def _evaluate(args: argparse.Namespace) -> float:
    trainer = DROCCTrainer.load(args.checkpoint, device=args.device)
    normal_class = (
        args.normal_class
        if args.normal_class is not None
        else trainer.metadata.get("normal_class", 0)
    )
    data = cifar10_one_class(
        _class_arg(normal_class),
        args.data_dir,
        val_fraction=0.0,
        train_limit=1,
        test_limit=args.test_limit,
    )
    auc = trainer.evaluate(data.test_x, data.test_y)
    print(f"test AUC: {auc:.4f}  ({data.describe()})")
    return auc


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            _train(args)
        else:
            _evaluate(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0
