import pytest
import torch

from drocc_utils import data as data_mod
from drocc_utils.data import (
    CIFAR10_MEAN,
    cifar10_one_class,
    denormalize,
    normalize,
    resolve_data_dir,
)


def test_image_folder_split(image_folder):
    d = cifar10_one_class(1, image_folder, val_fraction=0.25)
    assert d.classes == ("airplane", "automobile", "bird")
    assert d.train_x.shape == (9, 3, 32, 32) and d.train_x.dtype == torch.float32
    assert len(d.val_x) == 6 and d.val_y.tolist() == [1, 1, 1, 0, 0, 0]
    assert len(d.test_x) == 18 and int(d.test_y.sum()) == 6
    assert torch.equal(d.test_y, (d.test_classes == 1).float())
    assert "image folder" in d.describe()
    by_name = cifar10_one_class("automobile", image_folder, val_fraction=0.25)
    assert torch.equal(by_name.train_x, d.train_x)


def test_validation_comes_from_training_images_only(image_folder):
    d = cifar10_one_class(0, image_folder, val_fraction=0.25)
    flat = lambda t: {tuple(row.tolist()) for row in t.flatten(1)[:, :16]}  # noqa: E731
    assert not flat(d.val_x) & flat(d.test_x)
    assert not flat(d.val_x[d.val_y == 1]) & flat(d.train_x)


def test_limits_and_seed(image_folder):
    d = cifar10_one_class(0, image_folder, val_fraction=0.0, train_limit=5, test_limit=9, seed=3)
    assert len(d.train_x) == 5 and len(d.val_x) == 0 and len(d.test_x) == 9
    assert set(d.test_classes.tolist()) == {0, 1, 2}
    again = cifar10_one_class(
        0, image_folder, val_fraction=0.0, train_limit=5, test_limit=9, seed=3
    )
    assert torch.equal(d.train_x, again.train_x)


def test_official_format(official_folder):
    d = cifar10_one_class(3, official_folder, val_fraction=0.5)
    assert d.classes[3] == "cat" and d.source.startswith("official")
    assert len(d.train_x) + int(d.val_y.sum()) == 10  # 100 train images, 10 per class
    assert len(d.test_x) == 20 and int(d.test_y.sum()) == 2


def test_env_variable_and_missing_data(tmp_path, monkeypatch):
    monkeypatch.setenv("DROCC_DATA_DIR", str(tmp_path))
    assert resolve_data_dir() == tmp_path

    def no_network(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr("torchvision.datasets.CIFAR10", no_network)
    with pytest.raises(FileNotFoundError, match="Set DROCC_DATA_DIR") as info:
        cifar10_one_class(0)
    assert "train/<class>" in str(info.value) and "cifar-10-batches-py" in str(info.value)


def test_bad_arguments(image_folder):
    with pytest.raises(ValueError, match="normal_class=7"):
        cifar10_one_class(7, image_folder)
    with pytest.raises(ValueError, match="normal_class='ship'"):
        cifar10_one_class("ship", image_folder)
    with pytest.raises(ValueError, match="val_fraction"):
        cifar10_one_class(0, image_folder, val_fraction=1.0)
    with pytest.raises(ValueError, match="train_limit"):
        cifar10_one_class(0, image_folder, train_limit=0)


def test_images_are_decoded_once(image_folder, monkeypatch):
    calls = []
    original = data_mod._decode_files
    monkeypatch.setattr(
        data_mod, "_decode_files", lambda files: calls.append(len(files)) or original(files)
    )
    d = cifar10_one_class(0, image_folder, val_fraction=0.25)
    assert sum(calls) == len(d.train_x) + len(d.val_x) + len(d.test_x)


def test_normalize_round_trip():
    images = torch.randint(0, 256, (4, 3, 8, 8), dtype=torch.uint8)
    x = normalize(images)
    assert torch.allclose(denormalize(x) * 255, images.float(), atol=1e-3)
    assert torch.allclose(denormalize(x[0]) * 255, images[0].float(), atol=1e-3)
    assert denormalize(torch.full((1, 3, 2, 2), 100.0)).max() == 1.0
    assert (
        abs(
            float(normalize(torch.full((1, 3, 1, 1), 125, dtype=torch.uint8))[0, 0])
            - (125 / 255 - CIFAR10_MEAN[0]) / 0.247
        )
        < 1e-5
    )
