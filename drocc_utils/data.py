"""Data for DROCC: CIFAR-10 one-class splits and user image folders.

Images are decoded once, normalised, and kept as tensors: training then indexes a
tensor instead of decoding and transforming every image every epoch.

Where CIFAR-10 comes from (``data_dir`` argument, else ``$DROCC_DATA_DIR``, else
``~/.cache/drocc_utils/data``):

* a folder with ``train/<class>/*`` and ``test/<class>/*`` image files (the layout of
  ``torchvision.datasets.ImageFolder``) is used as is; classes sort alphabetically;
* a folder holding ``cifar-10-batches-py/`` (the official Python release) is read directly;
* otherwise ``torchvision.datasets.CIFAR10(root, download=True)`` downloads the official
  set into it (checksummed).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.247, 0.243, 0.261)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".gif", ".webp"}
DATA_ENV = "DROCC_DATA_DIR"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return ``data_dir``, else ``$DROCC_DATA_DIR``, else ``~/.cache/drocc_utils/data``."""
    if data_dir is None:
        data_dir = os.environ.get(DATA_ENV) or Path.home() / ".cache" / "drocc_utils" / "data"
    return Path(data_dir).expanduser()


def normalize(images: torch.Tensor) -> torch.Tensor:
    """uint8 ``(N, 3, H, W)`` images -> float32 normalised with the CIFAR-10 mean/std."""
    mean = torch.tensor(CIFAR10_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR10_STD).view(1, 3, 1, 1)
    return (images.float() / 255.0 - mean.to(images.device)) / std.to(images.device)


def denormalize(images: torch.Tensor) -> torch.Tensor:
    """Invert :func:`normalize` and clip to ``[0, 1]``, ready for ``imshow``.

    The seed notebook cast normalised floats straight to uint8, which shows noise; this
    maps them back to pixel intensities first.
    """
    images = images.detach().float().cpu()
    mean = torch.tensor(CIFAR10_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(CIFAR10_STD).view(1, 3, 1, 1)
    squeeze = images.dim() == 3
    if squeeze:
        images = images.unsqueeze(0)
    out = (images * std + mean).clamp(0.0, 1.0)
    return out[0] if squeeze else out


def _decode_one(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def _decode_files(files: list[Path]) -> torch.Tensor:
    """Decode image files (in parallel threads) to one uint8 tensor ``(N, 3, H, W)``."""
    from concurrent.futures import ThreadPoolExecutor

    if not files:
        raise ValueError("no image files to decode")
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        images = list(pool.map(_decode_one, files, chunksize=256))
    shapes = {im.shape for im in images}
    if len(shapes) != 1:
        raise ValueError(
            f"images under {files[0].parent.parent} have different sizes {shapes}; "
            "resize them to one size first"
        )
    return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).contiguous()


@dataclass
class _FolderSplit:
    classes: list[str]
    files: list[Path]
    labels: np.ndarray


def _scan_folder(split_dir: Path) -> _FolderSplit:
    classes = sorted(p.name for p in split_dir.iterdir() if p.is_dir())
    files: list[Path] = []
    labels: list[int] = []
    for index, name in enumerate(classes):
        found = sorted(
            p for p in (split_dir / name).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
        )
        files += found
        labels += [index] * len(found)
    if not files:
        raise FileNotFoundError(f"no images found under {split_dir}/<class>/")
    return _FolderSplit(classes, files, np.asarray(labels, dtype=np.int64))


def _read_official_batches(folder: Path, train: bool) -> tuple[torch.Tensor, np.ndarray]:
    names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
    data, labels = [], []
    for name in names:
        with open(folder / name, "rb") as handle:
            entry = pickle.load(handle, encoding="latin1")
        data.append(np.asarray(entry["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels += list(entry.get("labels", entry.get("fine_labels", [])))
    return torch.from_numpy(np.concatenate(data)), np.asarray(labels, dtype=np.int64)


def _official_folder(root: Path) -> Path:
    folder = root / "cifar-10-batches-py"
    if folder.is_dir():
        return folder
    try:
        from torchvision.datasets import CIFAR10

        CIFAR10(str(root), train=True, download=True)
    except Exception as error:  # no network, no disk space, ...
        raise FileNotFoundError(
            f"CIFAR-10 not found in {root} and the download failed ({error}). "
            f"Set {DATA_ENV} (or pass --data-dir / data_dir=) to a folder that holds either "
            "'train/<class>/*.jpg' and 'test/<class>/*.jpg' (ImageFolder layout) or the "
            "official 'cifar-10-batches-py/' folder."
        ) from error
    return folder


@dataclass
class OneClassData:
    """Normalised tensors for one one-class experiment (label 1 = normal, 0 = anomaly).

    ``val_*`` is carved from the *training* images: held-out normal images plus as many
    images of the other classes. The test set is the full test split; ``test_classes``
    keeps the original class of every test image.
    """

    train_x: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    test_classes: torch.Tensor
    normal_class: int
    classes: tuple[str, ...]
    source: str

    def describe(self) -> str:
        """One line naming the data, for figure captions and logs."""
        return (
            f"{self.source}, normal class {self.normal_class} "
            f"({self.classes[self.normal_class]}): {len(self.train_x)} train, "
            f"{len(self.val_x)} val, {len(self.test_x)} test images"
        )


def _class_index(normal_class: int | str, classes: tuple[str, ...]) -> int:
    if isinstance(normal_class, str):
        if normal_class not in classes:
            raise ValueError(f"normal_class={normal_class!r} is not a class; choose from {classes}")
        return classes.index(normal_class)
    if not 0 <= int(normal_class) < len(classes):
        raise ValueError(f"normal_class={normal_class} is out of range: use 0..{len(classes) - 1}")
    return int(normal_class)


def _subsample(rng: np.random.Generator, idx: np.ndarray, limit: int | None) -> np.ndarray:
    if limit is None or limit >= len(idx):
        return idx
    return np.sort(rng.choice(idx, size=limit, replace=False))


def cifar10_one_class(
    normal_class: int | str = 0,
    data_dir: str | os.PathLike | None = None,
    *,
    val_fraction: float = 0.1,
    train_limit: int | None = None,
    test_limit: int | None = None,
    seed: int = 0,
) -> OneClassData:
    """Load the one-class CIFAR-10 experiment of the paper for ``normal_class``.

    Parameters
    ----------
    normal_class : int or str
        Index (0 = airplane) or folder name of the normal class.
    data_dir : path, optional
        See the module docstring; default ``$DROCC_DATA_DIR``.
    val_fraction : float
        Share of the normal training images held out for validation (0 disables it);
        as many images of the other classes are added as validation anomalies.
    train_limit, test_limit : int, optional
        Keep a random subset of this many training / test images (stratified for test).
    seed : int
        Seed of the split and subsets.
    """
    if not 0 <= val_fraction < 1:
        raise ValueError(f"val_fraction={val_fraction} is invalid: use 0 <= val_fraction < 1")
    for name, limit in (("train_limit", train_limit), ("test_limit", test_limit)):
        if limit is not None and limit < 1:
            raise ValueError(f"{name}={limit} is invalid: use a positive count or None")
    root = resolve_data_dir(data_dir)
    rng = np.random.default_rng(seed)
    if (root / "train").is_dir() and (root / "test").is_dir():
        train, test = _scan_folder(root / "train"), _scan_folder(root / "test")
        classes, source = tuple(train.classes), f"image folder {root}"
        train_labels, test_labels = train.labels, test.labels

        def train_images(idx: np.ndarray) -> torch.Tensor:
            return _decode_files([train.files[i] for i in idx])

        def test_images(idx: np.ndarray) -> torch.Tensor:
            return _decode_files([test.files[i] for i in idx])
    else:
        folder = _official_folder(root)
        train_all, train_labels = _read_official_batches(folder, train=True)
        test_all, test_labels = _read_official_batches(folder, train=False)
        classes, source = CIFAR10_CLASSES, f"official CIFAR-10 {root}"

        def train_images(idx: np.ndarray) -> torch.Tensor:
            return train_all[torch.from_numpy(idx)]

        def test_images(idx: np.ndarray) -> torch.Tensor:
            return test_all[torch.from_numpy(idx)]

    k = _class_index(normal_class, classes)
    normal_idx = rng.permutation(np.flatnonzero(train_labels == k))
    if len(normal_idx) == 0:
        raise ValueError(f"normal_class={normal_class!r} has no training images under {root}")
    n_val = int(round(val_fraction * len(normal_idx)))
    val_normal, train_idx = np.sort(normal_idx[:n_val]), normal_idx[n_val:]
    train_idx = _subsample(rng, np.sort(train_idx), train_limit)
    others = np.flatnonzero(train_labels != k)
    val_other = _subsample(rng, others, min(n_val, len(others)))
    test_idx = np.arange(len(test_labels))
    if test_limit is not None and test_limit < len(test_idx):
        test_idx = np.sort(
            np.concatenate(
                [
                    _subsample(
                        rng,
                        test_idx[test_labels == c],
                        max(1, round(test_limit * np.mean(test_labels == c))),
                    )
                    for c in np.unique(test_labels)
                ]
            )
        )
    val_idx = np.concatenate([val_normal, val_other])
    train_x = normalize(train_images(train_idx))
    val_x = normalize(train_images(val_idx)) if len(val_idx) else train_x[:0]
    test_classes = torch.from_numpy(test_labels[test_idx])
    return OneClassData(
        train_x=train_x,
        val_x=val_x,
        val_y=torch.cat([torch.ones(len(val_normal)), torch.zeros(len(val_other))]),
        test_x=normalize(test_images(test_idx)),
        test_y=(test_classes == k).float(),
        test_classes=test_classes,
        normal_class=k,
        classes=classes,
        source=source,
    )
