import dataclasses

import pytest

from drocc_utils.config import DROCCConfig, cifar10_paper_preset, cifar10_seed_preset

INVALID = {
    "radius": [0, -1.0, float("nan"), "8"],
    "gamma": [0.5, float("inf")],
    "lamda": [-0.1],
    "ascent_step_size": [-1e-3],
    "ascent_num_steps": [-1, 2.5],
    "projection_every": [0],
    "only_ce_epochs": [-1, 41],
    "epochs": [0],
    "lr": [0, -1e-3],
    "optimizer": ["rmsprop"],
    "momentum": [1.0, -0.1],
    "weight_decay": [-1.0],
    "batch_size": [0, True],
    "seed": [-1],
    "device": ["gpu", "cuda:x"],
    "search_mode": ["test"],
    "model_selection": ["best_test"],
    "amp": ["yes"],
    "channels_last": [1, "yes"],
    "compile": [None],
    "eval_batch_size": [0],
}


def test_every_field_has_invalid_cases():
    assert set(INVALID) == {f.name for f in dataclasses.fields(DROCCConfig)}


@pytest.mark.parametrize(("field", "value"), [(k, v) for k, vs in INVALID.items() for v in vs])
def test_invalid_value_names_the_field(field, value):
    with pytest.raises(ValueError, match=rf"DROCCConfig\.{field}="):
        DROCCConfig(epochs=40, **{field: value}) if field != "epochs" else DROCCConfig(epochs=value)


def test_seed_preset_states_what_ran():
    cfg = cifar10_seed_preset()
    assert (cfg.radius, cfg.gamma, cfg.lamda, cfg.lr, cfg.batch_size) == (8.0, 1.0, 1.0, 1e-3, 256)
    assert cfg.ascent_num_steps == 50 and cfg.only_ce_epochs == 0 and cfg.epochs == 40
    assert "default of 50 steps" in cifar10_seed_preset.__doc__
    paper = cifar10_paper_preset()
    assert paper.ascent_num_steps == 100 and paper.only_ce_epochs == 10


def test_dict_round_trip_and_unknown_keys():
    cfg = DROCCConfig(radius=2.0, amp=True)
    assert DROCCConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown DROCCConfig field"):
        DROCCConfig.from_dict({"radius": 1.0, "radus": 2.0})


def test_replace_validates():
    with pytest.raises(ValueError, match="gamma"):
        DROCCConfig().replace(gamma=0.9)


def test_auto_device_is_cpu_without_cuda(monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    assert DROCCConfig(device="auto").torch_device.type == "cpu"


def test_channels_last_auto_resolution():
    assert DROCCConfig(device="cpu").use_channels_last
    assert not DROCCConfig(device="cpu", channels_last=False).use_channels_last
    assert DROCCConfig(channels_last=None, device="cpu").channels_last is None
