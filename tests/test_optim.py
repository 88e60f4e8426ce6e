import pytest
import torch

from drocc_utils.config import DROCCConfig
from drocc_utils.optim import build_optimizer, lr_factor


@pytest.mark.parametrize(
    ("epoch", "factor"),
    [(0, 1.0), (9, 1.0), (10, 1.0), (22, 1.0), (23, 0.1), (34, 0.1), (35, 0.01), (39, 0.01)],
)
def test_lr_schedule_with_warmup(epoch, factor):
    # 10 CE-only epochs, 30 DROCC epochs: 1x to 40 % (e<=12), 0.1x to 80 % (e<=24), then 0.01x.
    assert lr_factor(epoch, 40, 10) == factor


def test_build_optimizer_follows_the_config():
    params = [torch.nn.Parameter(torch.zeros(2))]
    adam = build_optimizer(params, DROCCConfig(lr=0.01, weight_decay=1e-4))
    assert isinstance(adam, torch.optim.Adam)
    assert adam.param_groups[0]["lr"] == 0.01 and adam.param_groups[0]["weight_decay"] == 1e-4
    sgd = build_optimizer(params, DROCCConfig(optimizer="sgd", lr=0.1, momentum=0.9))
    assert isinstance(sgd, torch.optim.SGD) and sgd.param_groups[0]["momentum"] == 0.9
