import json
import subprocess
import sys

import pytest

from drocc_utils.cli import build_parser, main

TRAIN = [
    "train",
    "--normal-class",
    "0",
    "--epochs",
    "2",
    "--ascent-steps",
    "2",
    "--train-limit",
    "8",
    "--batch-size",
    "4",
    "--seed",
    "0",
    "--no-progress",
    "--val-fraction",
    "0.25",
    "--device",
    "cpu",
]


def test_train_and_evaluate_end_to_end(image_folder, tmp_path, capsys):
    out = tmp_path / "run"
    assert main([*TRAIN, "--data-dir", str(image_folder), "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"config", "history", "test_auc", "best_test_auc_epoch", "selected_epoch"} <= set(
        metrics
    )
    assert len(metrics["history"]) == 2
    for record in metrics["history"]:
        assert {"ce_loss", "adv_loss", "test_auc", "val_auc", "seconds"} <= set(record)
    assert metrics["config"]["ascent_num_steps"] == 2 and metrics["config"]["radius"] == 8.0
    assert metrics["model_selection"] == "val"
    assert metrics["best_test_auc_epoch"] in (0, 1)
    assert 0.0 <= metrics["test_auc"] <= 1.0
    capsys.readouterr()
    assert (
        main(["evaluate", "--checkpoint", str(out / "model.pt"), "--data-dir", str(image_folder)])
        == 0
    )
    printed = capsys.readouterr().out
    assert f"test AUC: {metrics['test_auc']:.4f}" in printed


def test_every_config_field_has_a_flag():
    import dataclasses

    from drocc_utils.config import DROCCConfig

    train = build_parser()._subparsers._group_actions[0].choices["train"]
    dests = {a.dest for a in train._actions}
    assert {f.name for f in dataclasses.fields(DROCCConfig)} <= dests
    args = train.parse_args(["--out", "x", "--compile", "--no-amp", "--ascent-steps", "7"])
    assert args.compile is True and args.amp is False and args.ascent_num_steps == 7


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--out", "x", "--bogus"], "unrecognized arguments: --bogus"),
        (["train", "--out", "x", "--radius", "abc"], "invalid float value"),
    ],
)
def test_bad_flags_exit_nonzero_with_one_line(argv, message):
    proc = subprocess.run(
        [sys.executable, "-m", "drocc_utils", *argv], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_bad_config_value_is_one_line(image_folder, tmp_path, capsys):
    code = main([*TRAIN, "--data-dir", str(image_folder), "--out", str(tmp_path), "--gamma", "0.5"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "DROCCConfig.gamma=0.5" in err[0]


def test_missing_data_message(tmp_path, monkeypatch, capsys):
    def no_network(*args, **kwargs):
        raise OSError("offline")

    monkeypatch.setattr("torchvision.datasets.CIFAR10", no_network)
    code = main(["train", "--data-dir", str(tmp_path), "--out", str(tmp_path / "o")])
    assert code == 2 and "DROCC_DATA_DIR" in capsys.readouterr().err
