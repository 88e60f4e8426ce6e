"""The book's experiments, one function each, so chapters call them instead of copying code.

All sizes come from a :class:`~drocc_utils.budget.Budget`; trained CIFAR-10 models are
cached on disk under a name derived from their configuration and data, so chapter 5 loads
what chapter 4 trained ("load if present, else train").
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from .adversarial import adversarial_search, sample_initial_noise
from .budget import Budget, source_digest
from .config import DROCCConfig, cifar10_seed_preset, sine_toy_preset
from .data import OneClassData, cifar10_one_class
from .estimator import DROCC
from .metrics import roc_auc
from .models import CIFAR10LeNet
from .toy import sine_toy
from .trainer import DROCCTrainer
from .utils import set_seed

ARTIFACTS_ENV = "DROCC_ARTIFACTS_DIR"


def toy_params(budget: Budget, **changes: Any) -> dict[str, Any]:
    """:class:`~drocc_utils.estimator.DROCC` settings for the 2-D sine toy."""
    config = sine_toy_preset(epochs=budget.toy_epochs, only_ce_epochs=min(2, budget.toy_epochs - 1))
    accepted = DROCC().get_params()
    params = {k: v for k, v in config.to_dict().items() if k in accepted}
    params["hidden"] = 64
    params.update(changes)
    return params


def toy_data(budget: Budget, seed: int = 0) -> tuple[Any, Any, Any]:
    """Sine-manifold training points and a labelled test set sized by the budget."""
    return sine_toy(budget.toy_points, 512, seed=seed)


def fit_toy(budget: Budget, train_x: Any, **changes: Any) -> DROCC:
    """Fit DROCC on the sine toy with :func:`toy_params` (plus ``changes``)."""
    return DROCC(**toy_params(budget, **changes)).fit(train_x)


def cifar10_config(budget: Budget, **changes: Any) -> DROCCConfig:
    """The seed's CIFAR-10 configuration, with epochs and ascent steps set by the budget."""
    base = cifar10_seed_preset(epochs=budget.cifar_epochs, ascent_num_steps=budget.cifar_steps)
    return base.replace(**changes)


@functools.lru_cache(maxsize=4)
def load_cifar10(budget: Budget, normal_class: int = 0, seed: int = 0) -> OneClassData:
    """The one-class CIFAR-10 split for ``normal_class``, limited by the budget (memoised)."""
    return cifar10_one_class(
        normal_class, train_limit=budget.train_limit, test_limit=budget.test_limit, seed=seed
    )


def artifacts_dir() -> Path:
    """Where trained models are cached: ``$DROCC_ARTIFACTS_DIR`` or ``book/_artifacts``."""
    default = Path(__file__).resolve().parents[1] / "book" / "_artifacts"
    return Path(os.environ.get(ARTIFACTS_ENV) or default)


def _run_id(config: DROCCConfig, data: OneClassData) -> str:
    blob = json.dumps(
        {"config": config.to_dict(), "data": data.describe(), "code": source_digest()},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def train_or_load(config: DROCCConfig, data: OneClassData, progress: bool = True) -> DROCCTrainer:
    """Load the model trained with ``config`` on ``data`` if cached, else train and cache it.

    The cache name covers the configuration, the data and the drocc_utils sources, so a
    code change retrains instead of loading a model the current code did not produce.
    """
    path = artifacts_dir() / f"cifar10_{data.normal_class}_{_run_id(config, data)}.pt"
    if path.is_file():
        return DROCCTrainer.load(path)
    set_seed(config.seed)
    trainer = DROCCTrainer(CIFAR10LeNet(), config)
    val = (data.val_x, data.val_y) if len(data.val_x) else None
    trainer.fit(data.train_x, val=val, test=(data.test_x, data.test_y), progress=progress)
    trainer.save(path, normal_class=data.normal_class, data=data.describe())
    return trainer


def run_summary(trainer: DROCCTrainer, data: OneClassData) -> pd.DataFrame:
    """Kept-model test AUC beside the best-test-epoch AUC (which is not a valid result)."""
    tests = [r["test_auc"] for r in trainer.history]
    best = int(np.argmax(tests))
    rows = [
        (
            "kept model (selected on validation)",
            trainer.selected_epoch,
            trainer.evaluate(data.test_x, data.test_y),
        ),
        ("best test epoch (test-set selection: optimistic)", best, tests[best]),
        ("last epoch", len(tests) - 1, tests[-1]),
    ]
    return pd.DataFrame(rows, columns=["model", "epoch", "test AUC"]).set_index("model")


def compare_negatives(budget: Budget, data: OneClassData, progress: bool = False) -> pd.DataFrame:
    """Test AUC of DROCC (adversarial search) vs DROCC-Rand (random points on the annulus).

    Both use the seed's CIFAR-10 settings with ``budget.compare_epochs`` epochs, over
    ``budget.compare_seeds`` seeds; models are selected on the validation split.
    """
    rows = []
    for seed in range(budget.compare_seeds):
        for method, steps in (("DROCC", budget.cifar_steps), ("DROCC-Rand", 0)):
            config = cifar10_config(
                budget, epochs=budget.compare_epochs, ascent_num_steps=steps, seed=seed
            )
            trainer = train_or_load(config, data, progress=progress)
            rows.append(
                {
                    "method": method,
                    "seed": seed,
                    "ascent steps": steps,
                    "test AUC": roc_auc(data.test_y, trainer.score(data.test_x)),
                }
            )
    return pd.DataFrame(rows)


def generate_negatives(
    trainer: DROCCTrainer, x: Any, seed: int = 0, noise: torch.Tensor | None = None, **changes: Any
) -> torch.Tensor:
    """Run the trainer's adversarial search on ``x`` with a copy of its model.

    The copy matters: in the reference "train" search mode the search updates BatchNorm
    running statistics, which would change the trained model's scores. ``noise`` is the
    starting offset (default: drawn from a generator seeded with ``seed``).
    """
    x = x.to(trainer.device)
    if noise is None:
        noise = sample_initial_noise(x.shape, torch.Generator().manual_seed(seed), x.device)
    model = copy.deepcopy(trainer.model)
    return adversarial_search(x, model, trainer.config.replace(**changes), noise=noise)


def search_vs_random(trainer: DROCCTrainer, x: Any, seed: int = 0) -> pd.DataFrame:
    """How far the ascent moves points, compared with r and with random negatives.

    Runs the configured search and a 0-step search (DROCC-Rand) from the *same* noise
    and reports mean distances and the cosine between the two offsets.
    """
    cfg = trainer.config
    x = x.to(trainer.device)
    noise = sample_initial_noise(x.shape, torch.Generator().manual_seed(seed), x.device)
    searched = generate_negatives(trainer, x, noise=noise)
    random = generate_negatives(trainer, x, noise=noise, ascent_num_steps=0)

    def norms(t: torch.Tensor) -> float:
        return float(torch.linalg.vector_norm(t.flatten(1), dim=1).mean())

    cosine = F.cosine_similarity((searched - x).flatten(1), (random - x).flatten(1))
    rows = {
        "radius r": cfg.radius,
        "gamma * r": cfg.gamma * cfg.radius,
        "|noise| (start offset)": norms(noise),
        "max ascent travel (steps x step size)": cfg.ascent_num_steps * cfg.ascent_step_size,
        "|x~ - x| after search": norms(searched - x),
        "|x~ search - x~ random|": norms(searched - random),
        "cosine(h search, h random)": float(cosine.mean()),
    }
    return pd.Series(rows, name="mean over the batch").to_frame()
