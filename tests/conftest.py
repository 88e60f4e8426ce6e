"""Shared fixtures: tiny data sets made by the tests themselves."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

torch.set_num_threads(2)

CLASSES = ("airplane", "automobile", "bird")


@pytest.fixture
def fit_mlp():
    """Return ``fit(config, train_x, **fit_kwargs)``: seed, build an MLP trainer, fit it."""
    from drocc_utils.models import MLP
    from drocc_utils.trainer import DROCCTrainer
    from drocc_utils.utils import set_seed

    def fit(config, train_x, **kwargs):
        set_seed(config.seed)
        trainer = DROCCTrainer(MLP(train_x.shape[1], 64), config)
        trainer.fit(train_x, progress=False, **kwargs)
        return trainer

    return fit


def _images(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)


@pytest.fixture(scope="session")
def image_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ImageFolder tree: train/<class>/ 12 PNGs per class, test/<class>/ 6 per class."""
    root = tmp_path_factory.mktemp("imagefolder")
    for split, n in (("train", 12), ("test", 6)):
        for c, name in enumerate(CLASSES):
            folder = root / split / name
            folder.mkdir(parents=True)
            for i, image in enumerate(_images(n, seed=100 * c + n)):
                Image.fromarray(image).save(folder / f"{i:04d}.png")
    return root


@pytest.fixture(scope="session")
def official_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny fake of the official ``cifar-10-batches-py`` release (10 classes)."""
    root = tmp_path_factory.mktemp("official")
    folder = root / "cifar-10-batches-py"
    folder.mkdir()
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for k, name in enumerate(names):
        images = _images(20, seed=k).transpose(0, 3, 1, 2).reshape(20, -1)
        entry = {"data": images, "labels": [i % 10 for i in range(20)]}
        with open(folder / name, "wb") as handle:
            pickle.dump(entry, handle)
    return root
