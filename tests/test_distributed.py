"""Two CPU processes on gloo under torchrun give the single-process result."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from drocc_utils.distributed import DistInfo, dist_info, shard

WORKER = Path(__file__).with_name("ddp_worker.py")
TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]


def _run(cmd, cwd):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def test_shards_cover_the_global_batch():
    idx = torch.arange(7)
    parts = [idx[shard(idx, DistInfo(rank=r, world_size=3))] for r in range(3)]
    assert torch.equal(torch.cat(parts), idx) and [len(p) for p in parts] == [2, 2, 3]
    assert dist_info() == DistInfo()


def test_two_gloo_ranks_match_one_process(tmp_path):
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    _run([sys.executable, str(WORKER), str(single)], tmp_path)
    _run([*TORCHRUN, str(WORKER), str(ddp)], tmp_path)
    a = json.loads((single / "result.json").read_text())
    b = json.loads((ddp / "result.json").read_text())
    assert (a["world_size"], b["world_size"]) == (1, 2)
    assert np.allclose(a["scores"], b["scores"], atol=1e-4)
    for ra, rb in zip(a["history"], b["history"], strict=True):
        for key in ("ce_loss", "adv_loss", "val_auc"):
            assert abs(ra[key] - rb[key]) < 1e-4, (key, ra, rb)
    assert sorted(p.name for p in ddp.iterdir()) == ["model.pt", "result.json"]


def test_cli_under_torchrun(image_folder, tmp_path):
    out = tmp_path / "run"
    proc = _run(
        [
            *TORCHRUN,
            "-m",
            "drocc_utils",
            "train",
            "--data-dir",
            str(image_folder),
            "--epochs",
            "1",
            "--ascent-steps",
            "1",
            "--batch-size",
            "8",
            "--no-progress",
            "--val-fraction",
            "0.25",
            "--device",
            "cpu",
            "--out",
            str(out),
        ],
        tmp_path,
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["world_size"] == 2 and len(metrics["history"]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "model.pt"]
    assert proc.stdout.count("test AUC (kept model") == 1  # rank 0 only
