"""Multi-process training with ``torchrun`` and ``DistributedDataParallel``.

Launch any script or the CLI under ``torchrun --nproc_per_node=N``; the trainer detects
the process group and

* splits every *global* batch of ``config.batch_size`` into one contiguous shard per rank,
  with the same shuffling and the same starting noise on every rank, and scales the
  losses so that the averaged gradient equals the single-process gradient of the global
  batch (for models without BatchNorm the run matches a single process up to float
  rounding);
* averages gradients with DDP; BatchNorm layers of :class:`~drocc_utils.models.CIFAR10LeNet`
  have no affine parameters, so their only state is the running statistics: each rank
  normalises with the statistics of its own shard during training (no SyncBatchNorm, as
  in the reference), and before every evaluation the running statistics of rank 0 are
  broadcast, so all ranks score with the same model;
* logs, evaluates the test set, and writes checkpoints and metrics on rank 0 only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass(frozen=True)
class DistInfo:
    """Where this process sits in the job."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """True on rank 0, the only rank that logs and writes files."""
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        """True when more than one process takes part."""
        return self.world_size > 1


def dist_info() -> DistInfo:
    """Describe the current process group (a single process when none is initialised)."""
    if dist.is_available() and dist.is_initialized():
        return DistInfo(
            dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", 0))
        )
    return DistInfo()


def init_distributed(backend: str | None = None) -> DistInfo:
    """Initialise the process group from ``torchrun``'s environment, if there is one.

    Parameters
    ----------
    backend : str, optional
        ``"nccl"`` or ``"gloo"``; default NCCL when CUDA is available, else gloo.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and dist.is_available() and not dist.is_initialized():
        backend = backend or ("nccl" if torch.cuda.is_available() else "gloo")
        if backend == "nccl":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
        dist.init_process_group(backend=backend)
    return dist_info()


def shutdown_distributed() -> None:
    """Destroy the process group if this process created one."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def all_reduce_sum(value: torch.Tensor) -> torch.Tensor:
    """Sum a tensor over ranks (identity for a single process)."""
    if dist_info().enabled:
        value = value.clone()
        dist.all_reduce(value, op=dist.ReduceOp.SUM)
    return value


def broadcast_buffers(module: nn.Module) -> None:
    """Copy rank 0's buffers (e.g. BatchNorm running statistics) to every rank."""
    if dist_info().enabled:
        for buffer in module.buffers():
            dist.broadcast(buffer, src=0)


def shard(indices: torch.Tensor, info: DistInfo) -> slice:
    """The contiguous slice of a global batch that ``info.rank`` trains on."""
    n, w = len(indices), info.world_size
    start = info.rank * n // w
    return slice(start, (info.rank + 1) * n // w)
