import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils.validation import NotFittedError

from drocc_utils.budget import BUDGETS
from drocc_utils.estimator import DROCC
from drocc_utils.experiments import toy_params
from drocc_utils.metrics import roc_auc
from drocc_utils.toy import sine_toy

TOY = toy_params(BUDGETS["cpu"])


def test_fit_score_predict_on_sine():
    train, test_x, test_y = sine_toy(512, 512)
    det = DROCC(**TOY).fit(train.numpy())
    scores = det.score_samples(test_x.numpy())
    assert roc_auc(test_y, scores) > 0.9
    assert np.allclose(det.decision_function(test_x), scores - det.threshold_)
    pred = det.predict(test_x)
    assert set(np.unique(pred)) <= {-1, 1}
    assert np.mean(det.predict(train) == -1) == pytest.approx(0.05, abs=0.02)


def test_clone_and_params():
    det = DROCC(radius=0.3, epochs=2)
    twin = clone(det)
    assert twin.get_params() == det.get_params() and twin is not det
    det.set_params(radius=0.5)
    assert det.radius == 0.5


def test_grid_search_runs():
    train, _, _ = sine_toy(64, 4)
    search = GridSearchCV(
        DROCC(**{**TOY, "epochs": 2}),
        {"radius": [0.1, 0.3]},
        cv=2,
        scoring=lambda est, X, y=None: float(np.mean(est.score_samples(X))),
    )
    search.fit(train.numpy())
    assert search.best_params_["radius"] in (0.1, 0.3)


def test_images_tensors_and_errors():
    det = DROCC(radius=8.0, epochs=1, ascent_num_steps=1, batch_size=8, device="cpu")
    with pytest.raises(NotFittedError):
        det.predict(np.zeros((1, 2)))
    det.fit(torch.randn(10, 3, 32, 32))
    assert type(det.trainer_.model).__name__ == "CIFAR10LeNet"
    assert det.score_samples(torch.randn(3, 3, 32, 32)).shape == (3,)
    with pytest.raises(ValueError, match="sample shape"):
        det.score_samples(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="DROCCConfig.radius"):
        DROCC(radius=-1).fit(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="contamination"):
        DROCC(contamination=0.7).fit(np.zeros((4, 2)))
