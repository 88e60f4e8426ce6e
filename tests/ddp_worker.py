"""Worker for tests/test_distributed.py: train a tiny MLP, write scores from rank 0 only.

Run as ``python tests/ddp_worker.py OUT`` (one process) or under
``torchrun --nproc_per_node=2`` (two CPU processes on gloo).
"""

import json
import sys
from pathlib import Path

from drocc_utils.config import sine_toy_preset
from drocc_utils.distributed import init_distributed, shutdown_distributed
from drocc_utils.models import MLP
from drocc_utils.toy import sine_toy
from drocc_utils.trainer import DROCCTrainer
from drocc_utils.utils import atomic_write_text, set_seed

if __name__ == "__main__":
    out = Path(sys.argv[1])
    info = init_distributed()
    config = sine_toy_preset(ascent_num_steps=4, epochs=3, only_ce_epochs=0, batch_size=32)
    set_seed(0)
    train_x, test_x, test_y = sine_toy(96, 64)
    trainer = DROCCTrainer(MLP(2, 16), config)
    trainer.fit(train_x, val=(test_x, test_y), progress=False)
    trainer.save(out / "model.pt")
    if info.is_main:
        result = {
            "world_size": info.world_size,
            "scores": trainer.score(test_x).tolist(),
            "history": [{k: v for k, v in r.items() if k != "seconds"} for r in trainer.history],
        }
        atomic_write_text(json.dumps(result), out / "result.json")
    shutdown_distributed()
