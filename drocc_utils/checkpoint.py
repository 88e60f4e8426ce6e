"""Checkpoint format of :class:`~drocc_utils.trainer.DROCCTrainer`.

A checkpoint is a plain dictionary of tensors, numbers and strings, written atomically
(a crash leaves the previous file intact) and read with ``torch.load(weights_only=True)``,
so loading never executes code from the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from .models import MLP, CIFAR10LeNet, build_model
from .utils import atomic_torch_save

CHECKPOINT_FORMAT = "drocc_utils/1"


def model_spec(model: nn.Module) -> dict[str, Any] | None:
    """Name and arguments that rebuild ``model`` on load (None for custom models)."""
    if isinstance(model, CIFAR10LeNet):
        return {"name": "lenet", "kwargs": {"rep_dim": model.rep_dim}}
    if isinstance(model, MLP):
        return {
            "name": "mlp",
            "kwargs": {"input_dim": model.input_dim, "hidden": list(model.hidden)},
        }
    return None


def write_checkpoint(
    path: str | Path,
    model: nn.Module,
    config: dict[str, Any],
    history: list[dict[str, Any]],
    selected_epoch: int | None,
    metadata: dict[str, Any],
) -> Path:
    """Write the model weights, configuration, history and metadata to ``path`` atomically."""
    state = {
        "format": CHECKPOINT_FORMAT,
        "model": model_spec(model),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "config": config,
        "history": history,
        "selected_epoch": selected_epoch,
        "metadata": metadata,
    }
    return atomic_torch_save(state, path)


def read_checkpoint(
    path: str | Path, model: nn.Module | None = None
) -> tuple[dict[str, Any], nn.Module]:
    """Read a checkpoint and return ``(state, model)`` with the weights loaded.

    Parameters
    ----------
    path : path
        The checkpoint file.
    model : nn.Module, optional
        Required for custom models; LeNet and MLP are rebuilt from the checkpoint.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist; train one first")
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not a drocc_utils checkpoint ({CHECKPOINT_FORMAT})")
    if model is None:
        if state["model"] is None:
            raise ValueError(f"{path} holds a custom model: pass model= to load it into")
        kwargs = dict(state["model"]["kwargs"])
        if "hidden" in kwargs:
            kwargs["hidden"] = tuple(kwargs["hidden"])
        model = build_model(state["model"]["name"], **kwargs)
    model.load_state_dict(state["state_dict"])
    return state, model
