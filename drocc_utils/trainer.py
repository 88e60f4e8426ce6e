"""The DROCC trainer: fit, score, evaluate, save and load.

Loss per batch (paper eq. 3, reference trainer): ``BCE(f(x), 1) + lamda * BCE(f(x~), 0)``
with x~ from :func:`~drocc_utils.adversarial.adversarial_search`. Differences from the
reference, all documented fixes:

* ``ascent_num_steps`` and ``only_ce_epochs`` are always honoured (the seed notebook set
  100 steps and 10 warm-up epochs but silently ran 50 and 0);
* the kept model is the last epoch or the best *validation* epoch, never the best test
  epoch; the history still records the test AUC of every epoch for comparison;
* no NaN from zero norms, and a batch of one works.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .adversarial import sample_initial_noise
from .checkpoint import read_checkpoint, write_checkpoint
from .config import DROCCConfig
from .distributed import DistInfo, all_reduce_sum, broadcast_buffers, dist_info, shard
from .metrics import roc_auc
from .objective import DROCCObjective
from .optim import build_optimizer, lr_factor
from .utils import to_tensor


class DROCCTrainer:
    """Train a one-class classifier with DROCC.

    Parameters
    ----------
    model : nn.Module
        Network mapping a batch to logits ``(B, 1)``; higher = more normal.
    config : DROCCConfig
        Hyper-parameters; ``config.device`` decides where everything runs.
    optimizer : torch.optim.Optimizer, optional
        Default: Adam or SGD (with ``config.momentum``) at ``config.lr``.

    Attributes
    ----------
    history : list of dict
        One entry per epoch: ``epoch, lr, ce_loss, adv_loss, val_auc, test_auc, seconds``.
    selected_epoch : int or None
        The epoch whose weights the trainer kept.
    last_batch : dict
        ``{"normal": x, "generated": x~}`` of the last training batch (CPU tensors).
    """

    def __init__(
        self, model: nn.Module, config: DROCCConfig, optimizer: torch.optim.Optimizer | None = None
    ) -> None:
        self.config = config
        self.dist: DistInfo = dist_info()
        device = config.torch_device
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"DROCCConfig.device={config.device!r} but CUDA is not available: "
                "use device='auto' or 'cpu'"
            )
        if device.type == "cuda" and device.index is None and self.dist.enabled:
            device = torch.device("cuda", self.dist.local_rank)
        self.device = device
        if config.use_channels_last:
            model = model.to(memory_format=torch.channels_last)
        self.model = model.to(device)
        self.optimizer = optimizer or build_optimizer(self.model.parameters(), config)
        self.history: list[dict[str, Any]] = []
        self.selected_epoch: int | None = None
        self.last_batch: dict[str, torch.Tensor] = {}
        self.metadata: dict[str, Any] = {}
        self.generator = torch.Generator().manual_seed(config.seed)
        self._step = self._build_step()

    def _build_step(self) -> nn.Module:
        inner = torch.compile(self.model) if self.config.compile else self.model
        step: nn.Module = DROCCObjective(inner, self.config)
        if self.dist.enabled:
            ids = [self.device.index] if self.device.type == "cuda" else None
            step = nn.parallel.DistributedDataParallel(step, device_ids=ids)
        return step

    def _prepare(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.device, non_blocking=True)
        if self.config.use_channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    # ------------------------------------------------------------------ training
    def fit(
        self,
        train_x: Any,
        train_y: Any | None = None,
        *,
        val: tuple[Any, Any] | None = None,
        test: tuple[Any, Any] | None = None,
        progress: bool = True,
    ) -> list[dict[str, Any]]:
        """Train for ``config.epochs`` epochs and keep the selected model.

        Parameters
        ----------
        train_x : array or tensor, shape (n, ...)
            Training points (normal data).
        train_y : array or tensor, optional
            Labels (1 normal, 0 anomaly); default all 1. CE uses all points, the
            adversarial term only the normal ones, as in the reference.
        val, test : (x, y) pairs, optional
            Scored after every epoch. ``val`` drives model selection; ``test`` is only
            recorded.
        progress : bool
            Show a tqdm progress bar (rank 0 only).

        Returns
        -------
        list of dict
            :attr:`history`.
        """
        cfg = self.config
        x_all = to_tensor(train_x, "train_x").to(self.device)
        y_all = (
            torch.ones(len(x_all))
            if train_y is None
            else to_tensor(train_y, "train_y", 1).reshape(-1)
        )
        if len(y_all) != len(x_all):
            raise ValueError(f"train_y has {len(y_all)} labels for {len(x_all)} points")
        y_all = y_all.to(self.device)
        select = cfg.model_selection
        if select == "auto":
            select = "val" if val is not None else "last"
        if select == "val" and val is None:
            raise ValueError("model_selection='val' needs validation data: pass val=(x, y)")
        n, world = len(x_all), self.dist.world_size
        batches = [b for b in torch.arange(n).split(cfg.batch_size) if len(b) >= world]
        if not batches:
            raise ValueError(f"{n} training points cannot be split over {world} ranks")
        bar = tqdm(
            total=cfg.epochs * len(batches),
            desc="DROCC",
            unit="batch",
            disable=not (progress and self.dist.is_main),
        )
        best_val, best_state = -np.inf, None
        self.history = []
        for epoch in range(cfg.epochs):
            start = time.perf_counter()
            lr = cfg.lr * lr_factor(epoch, cfg.epochs, cfg.only_ce_epochs)
            for group in self.optimizer.param_groups:
                group["lr"] = lr
            adversarial = epoch >= cfg.only_ce_epochs
            sums = self.train_epoch(x_all, y_all, adversarial, bar)
            broadcast_buffers(self.model)
            record: dict[str, Any] = {
                "epoch": epoch,
                "lr": lr,
                "ce_loss": sums[0],
                "adv_loss": sums[1] if adversarial else None,
                "val_auc": self.evaluate(*val) if val is not None else None,
                "test_auc": self.evaluate(*test)
                if test is not None and self.dist.is_main
                else None,
            }
            record["seconds"] = time.perf_counter() - start
            self.history.append(record)
            bar.set_postfix(
                {
                    k: f"{v:.4g}"
                    for k, v in record.items()
                    if k in ("ce_loss", "adv_loss", "val_auc", "test_auc") and v is not None
                }
            )
            if select == "last" or record["val_auc"] > best_val:
                best_val = record["val_auc"] if select == "val" else best_val
                self.selected_epoch = epoch
                if select == "val":
                    best_state = copy.deepcopy(self.model.state_dict())
        bar.close()
        if best_state is not None and self.selected_epoch != cfg.epochs - 1:
            self.model.load_state_dict(best_state)
        self.last_batch = {k: v.detach().cpu() for k, v in self.last_batch.items()}
        return self.history

    def train_epoch(
        self,
        x_all: torch.Tensor,
        y_all: torch.Tensor,
        adversarial: bool = True,
        bar: tqdm | None = None,
    ) -> tuple[float, float]:
        """One shuffled pass over device tensors ``x_all``/``y_all``; mean CE and adv loss.

        :meth:`fit` calls this every epoch (after setting the learning rate); the
        benchmark calls it directly to time training steps.
        """
        cfg, info = self.config, self.dist
        self._step.train()
        order = torch.randperm(len(x_all), generator=self.generator)
        totals = torch.zeros(4, device=self.device)  # ce_sum, adv_sum, n, n_pos
        for idx in order.split(cfg.batch_size):
            if len(idx) < info.world_size:
                continue
            y_global = y_all[idx.to(self.device)]
            n_global, n_pos = len(idx), max(int((y_global == 1).sum()), 1)
            noise = None
            if adversarial:
                noise = sample_initial_noise((len(idx), *x_all.shape[1:]), self.generator)
            part = shard(idx, info)
            xb = self._prepare(x_all[idx[part].to(self.device)])
            yb = y_global[part]
            noise_b = None if noise is None else self._prepare(noise[part])
            self.optimizer.zero_grad(set_to_none=True)
            ce_sum, adv_sum, x_adv = self._step(xb, yb, noise_b)
            # Sums over the global batch, times world size: DDP's gradient average then
            # equals the single-process gradient of the global-batch mean.
            loss = ce_sum / n_global + cfg.lamda * adv_sum / n_pos
            (loss * info.world_size).backward()
            self.optimizer.step()
            totals += torch.stack(
                [
                    ce_sum.detach(),
                    adv_sum.detach(),
                    torch.tensor(float(len(yb)), device=self.device),
                    (yb == 1).sum().float(),
                ]
            )
            if x_adv is not None:
                self.last_batch = {"normal": xb[yb == 1].detach(), "generated": x_adv}
            if bar is not None:
                bar.update(1)
        totals = all_reduce_sum(totals)
        return float(totals[0] / totals[2]), float(totals[1] / totals[3].clamp_min(1))

    # ------------------------------------------------------------------ scoring
    @torch.inference_mode()
    def score(self, x: Any) -> np.ndarray:
        """Logits of ``x`` (higher = more normal), in eval mode, as a float32 array."""
        x = to_tensor(x, "x")
        was_training = self.model.training
        self.model.eval()
        out = []
        try:
            for chunk in x.split(self.config.eval_batch_size):
                with torch.autocast(
                    self.device.type, dtype=torch.bfloat16, enabled=self.config.amp
                ):
                    out.append(self.model(self._prepare(chunk)).reshape(-1).float().cpu())
        finally:
            self.model.train(was_training)
        return torch.cat(out).numpy()

    def evaluate(self, x: Any, y: Any) -> float:
        """ROC-AUC of :meth:`score` on ``x`` with labels ``y`` (1 = normal)."""
        return roc_auc(to_tensor(y, "y", 1).reshape(-1), self.score(x))

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path, **metadata: Any) -> Path | None:
        """Write a checkpoint atomically (rank 0 only); ``metadata`` must be plain data."""
        if not self.dist.is_main:
            return None
        return write_checkpoint(
            path, self.model, self.config.to_dict(), self.history, self.selected_epoch, metadata
        )

    @classmethod
    def load(
        cls, path: str | Path, model: nn.Module | None = None, device: str | None = None
    ) -> DROCCTrainer:
        """Load a checkpoint written by :meth:`save` (with ``weights_only=True``).

        ``model`` is needed only for custom models; ``device`` overrides the saved one.
        """
        state, model = read_checkpoint(path, model)
        values = dict(state["config"])
        if device is not None:
            values["device"] = device
        trainer = cls(model, DROCCConfig.from_dict(values))
        trainer.history = list(state["history"])
        trainer.selected_epoch = state["selected_epoch"]
        trainer.metadata = dict(state["metadata"])
        return trainer
