"""A scikit-learn style DROCC estimator, usable beside OneClassSVM and IsolationForest.

>>> from drocc_utils.estimator import DROCC
>>> detector = DROCC(radius=0.2, gamma=3.0, epochs=20).fit(X_normal)   # doctest: +SKIP
>>> detector.score_samples(X_test)      # higher = more normal            # doctest: +SKIP
>>> detector.predict(X_test)            # +1 normal, -1 anomaly           # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils.validation import check_is_fitted
from torch import nn

from .config import DROCCConfig
from .models import MLP, CIFAR10LeNet
from .trainer import DROCCTrainer
from .utils import set_seed, to_tensor

_CONFIG_FIELDS = tuple(f.name for f in dataclasses.fields(DROCCConfig))


class DROCC(OutlierMixin, BaseEstimator):
    """Deep Robust One-Class Classification with the scikit-learn outlier API.

    Parameters
    ----------
    radius, gamma, lamda, ascent_step_size, ascent_num_steps, projection_every, \
only_ce_epochs, epochs, lr, optimizer, momentum, weight_decay, batch_size, seed, device, \
search_mode, amp, channels_last, compile
        As in :class:`~drocc_utils.config.DROCCConfig` (defaults differ: these suit small
        tabular data; pass the CIFAR values explicitly for images).
    model : {"auto", "mlp", "lenet"} or callable
        ``"auto"`` uses :class:`CIFAR10LeNet` for ``(3, 32, 32)`` images and an
        :class:`MLP` otherwise; a callable receives the input shape and returns a module.
    hidden : int
        Hidden width of the MLP.
    contamination : float
        Share of *training* points scored below the threshold used by :meth:`predict`.
    progress : bool
        Show the training progress bar.
    """

    def __init__(
        self,
        radius: float = 1.0,
        gamma: float = 2.0,
        lamda: float = 1.0,
        ascent_step_size: float = 0.01,
        ascent_num_steps: int = 50,
        projection_every: int = 10,
        only_ce_epochs: int = 0,
        epochs: int = 30,
        lr: float = 1e-3,
        optimizer: str = "adam",
        momentum: float = 0.99,
        weight_decay: float = 0.0,
        batch_size: int = 128,
        seed: int = 0,
        device: str = "auto",
        search_mode: str = "train",
        amp: bool = False,
        channels_last: bool | None = None,
        compile: bool = False,
        model: str | Callable[[tuple[int, ...]], nn.Module] = "auto",
        hidden: int = 128,
        contamination: float = 0.05,
        progress: bool = False,
    ) -> None:
        self.radius, self.gamma, self.lamda = radius, gamma, lamda
        self.ascent_step_size, self.ascent_num_steps = ascent_step_size, ascent_num_steps
        self.projection_every, self.only_ce_epochs, self.epochs = (
            projection_every,
            only_ce_epochs,
            epochs,
        )
        self.lr, self.optimizer, self.momentum, self.weight_decay = (
            lr,
            optimizer,
            momentum,
            weight_decay,
        )
        self.batch_size, self.seed, self.device, self.search_mode = (
            batch_size,
            seed,
            device,
            search_mode,
        )
        self.amp, self.channels_last, self.compile = amp, channels_last, compile
        self.model, self.hidden = model, hidden
        self.contamination, self.progress = contamination, progress

    def _config(self) -> DROCCConfig:
        values = {name: getattr(self, name) for name in _CONFIG_FIELDS if hasattr(self, name)}
        return DROCCConfig(**values, model_selection="last")

    def _build_model(self, shape: tuple[int, ...]) -> nn.Module:
        if callable(self.model):
            return self.model(shape)
        if self.model == "lenet" or (self.model == "auto" and shape == (3, 32, 32)):
            return CIFAR10LeNet()
        if self.model in ("auto", "mlp"):
            return MLP(int(np.prod(shape)), self.hidden)
        raise ValueError(
            f"model={self.model!r} is invalid: use 'auto', 'mlp', 'lenet' or a callable"
        )

    def fit(self, X: Any, y: Any = None) -> DROCC:
        """Train on normal data ``X`` (numpy array or tensor); ``y`` is ignored."""
        if not 0 <= self.contamination < 0.5:
            raise ValueError(f"contamination={self.contamination} is invalid: use 0 <= c < 0.5")
        config = self._config()
        x = to_tensor(X, "X")
        set_seed(config.seed)
        self.trainer_ = DROCCTrainer(self._build_model(tuple(x.shape[1:])), config)
        self.trainer_.fit(x, progress=self.progress)
        self.input_shape_ = tuple(x.shape[1:])
        self.n_features_in_ = int(np.prod(self.input_shape_))
        self.history_ = self.trainer_.history
        train_scores = self.trainer_.score(x)
        self.threshold_ = float(np.quantile(train_scores, self.contamination))
        return self

    def _checked(self, X: Any) -> Any:
        check_is_fitted(self, "trainer_")
        x = to_tensor(X, "X")
        if tuple(x.shape[1:]) != self.input_shape_:
            raise ValueError(
                f"X has sample shape {tuple(x.shape[1:])}, but the model was fitted "
                f"on {self.input_shape_}"
            )
        return x

    def score_samples(self, X: Any) -> np.ndarray:
        """DROCC logits: higher = more normal."""
        x = self._checked(X)
        return self.trainer_.score(x).astype(np.float64)

    def decision_function(self, X: Any) -> np.ndarray:
        """``score_samples(X) - threshold_``: negative for predicted anomalies."""
        return self.score_samples(X) - self.threshold_

    def predict(self, X: Any) -> np.ndarray:
        """+1 for normal points, -1 for anomalies."""
        return np.where(self.decision_function(X) >= 0, 1, -1)
