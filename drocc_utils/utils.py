"""Small shared helpers: seeding, devices, atomic writes."""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch


def set_seed(seed: int, deterministic: bool = False) -> torch.Generator:
    """Seed Python, NumPy and PyTorch (CPU and CUDA) in one place.

    Parameters
    ----------
    seed : int
        The seed.
    deterministic : bool
        Also ask PyTorch for deterministic kernels (slower on GPU).

    Returns
    -------
    torch.Generator
        A CPU generator seeded with ``seed``, for data shuffling.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - legacy global RNG used by many libraries
    torch.manual_seed(seed)
    if deterministic:
        torch.use_deterministic_algorithms(True, warn_only=True)
    return torch.Generator().manual_seed(seed)


def atomic_torch_save(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``torch.save(obj)`` to ``path`` atomically (temp file + rename).

    A crash mid-write leaves the previous file intact instead of a truncated one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            torch.save(obj, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def to_tensor(data: Any, name: str = "X", min_dim: int = 2) -> torch.Tensor:
    """Convert an array / tensor / list to float32 with at least ``min_dim`` dimensions."""
    if isinstance(data, torch.Tensor):
        out = data.detach()
    else:
        out = torch.as_tensor(np.asarray(data))
    if out.dim() < min_dim:
        raise ValueError(
            f"{name} has shape {tuple(out.shape)}: pass a batch, shape (n_samples, ...)"
        )
    if out.shape[0] == 0:
        raise ValueError(f"{name} is empty: pass at least one sample")
    return out.float()
