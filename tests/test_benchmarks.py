"""The hand-run benchmarks still run: tiny settings, output checked, nothing timed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def run(script: str, *args: str) -> str:
    cmd = [sys.executable, str(BENCH / script), "--device", "cpu", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_bench_trainer_prints_the_step_table():
    out = run("bench_trainer.py", "--steps", "1", "--repeats", "1", "--batch-size", "8")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    names = [row.split("|")[1].strip() for row in rows[1:]]  # after the header
    assert names[0] == "baseline (seed loop)" and "drocc_utils default" in names
    assert rows[1].rstrip().endswith("| 1.00 |")  # the baseline against itself
    assert "peak memory" in out


def test_bench_trainer_epoch_reports_auc_for_both(image_folder):
    out = run(
        "bench_trainer.py",
        *("--no-steps", "--epoch", "--data-dir", str(image_folder), "--auc-seeds", "1"),
        *("--steps", "1", "--batch-size", "8", "--train-limit", "12", "--test-limit", "18"),
    )
    table = [line for line in out.splitlines() if line.startswith("| ")][1:]
    assert [row.split("|")[1].strip() for row in table] == ["baseline", "drocc_utils default"]
    for row in table:
        auc = float(row.split("|")[3].split("±")[0])
        assert 0.0 <= auc <= 1.0


def test_conv_floor_bounds_the_speed_up():
    out = run(
        "conv_floor.py",
        *("--steps", "1", "--repeats", "1", "--baseline-repeats", "1"),
        *("--batch-size", "8", "--matmul-size", "256"),
    )
    layers = [line for line in out.splitlines() if re.match(r"\| conv\d ", line)]
    assert len(layers) == 6  # 3 convolutions x 2 memory formats
    bound = float(out.rsplit("baseline: ", 1)[1].rstrip().rstrip("x"))
    assert bound > 0
