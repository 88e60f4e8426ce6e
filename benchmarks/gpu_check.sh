#!/usr/bin/env bash
# GPU readiness check, for a CUDA machine (< 8 minutes): unit tests, the benchmark, and a
# short CIFAR-10 run through the CLI, then one summary table.
#   DROCC_DATA_DIR=/path/to/cifar10 bash benchmarks/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || { python3 -m venv .venv && .venv/bin/pip install -q -e ".[dev]"; }
out=$(mktemp -d)
"$PY" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print(torch.cuda.get_device_name(0))" | tee "$out/device.txt"
start=$(date +%s)
timeout 180 "$PY" -m pytest -q -x 2>&1 | tail -3 | tee "$out/tests.txt"
timeout 150 "$PY" benchmarks/bench_trainer.py --repeats 5 --amp --compile 2>&1 | tee "$out/bench.txt"
timeout 120 "$PY" -m drocc_utils train --data-dir "${DROCC_DATA_DIR:?set DROCC_DATA_DIR}" \
    --normal-class 0 --epochs 3 --seed 0 --device cuda --no-progress --out "$out/run" 2>&1 | tail -2 | tee "$out/train.txt"
echo
echo "## GPU check summary ($(cat "$out/device.txt"), $(( $(date +%s) - start )) s)"
echo "| check | result |"
echo "|---|---|"
echo "| unit tests | $(tail -1 "$out/tests.txt") |"
grep '^| ' "$out/bench.txt" | grep -v -- '---' | tail -n +2 | sed 's/^| /| bench: /'
echo "| CIFAR-10 class 0, 3 epochs x 50 steps | $(tail -1 "$out/train.txt" | cut -c1-120) |"
