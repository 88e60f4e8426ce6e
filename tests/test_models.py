import pytest
import torch

from drocc_utils.models import MLP, CIFAR10LeNet, build_model


def test_lenet_matches_the_seed_architecture():
    model = CIFAR10LeNet()
    assert [m.out_channels for m in (model.conv1, model.conv2, model.conv3)] == [32, 64, 128]
    assert all(
        c.bias is None and c.kernel_size == (5, 5) for c in (model.conv1, model.conv2, model.conv3)
    )
    for bn in (model.bn2d1, model.bn2d2, model.bn2d3):
        assert bn.eps == 1e-4 and not bn.affine
    assert [(fc.in_features, fc.out_features) for fc in (model.fc1, model.fc2, model.fc3)] == [
        (2048, 128),
        (128, 64),
        (64, 1),
    ]
    assert all(fc.bias is None for fc in (model.fc1, model.fc2, model.fc3))
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 1)


def test_lenet_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"\(B, 3, 32, 32\)"):
        CIFAR10LeNet()(torch.randn(2, 10))


def test_lenet_batch_of_one_in_train_mode():
    model = CIFAR10LeNet().train()
    assert torch.isfinite(model(torch.randn(1, 3, 32, 32))).all()


def test_mlp_shapes_and_errors():
    assert MLP(2, 16)(torch.randn(5, 2)).shape == (5, 1)
    assert MLP(12, (8, 4))(torch.randn(3, 3, 2, 2)).shape == (3, 1)
    with pytest.raises(ValueError, match="input_dim"):
        MLP(0)
    with pytest.raises(ValueError, match="hidden"):
        MLP(3, 0)


def test_build_model():
    assert isinstance(build_model("lenet"), CIFAR10LeNet)
    assert isinstance(build_model("mlp", input_dim=3), MLP)
    with pytest.raises(ValueError, match="unknown model"):
        build_model("resnet")
