"""Metrics for one-class scores (higher score = more normal, label 1 = normal)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score, roc_curve


def _as_numpy(values: np.ndarray | torch.Tensor | list[float]) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach().float().cpu().numpy()
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _check(labels: np.ndarray, scores: np.ndarray) -> None:
    if labels.shape != scores.shape:
        raise ValueError(f"labels {labels.shape} and scores {scores.shape} differ in length")
    if not np.isfinite(scores).all():
        raise ValueError("scores contain NaN or inf; check the model's outputs")
    if len(np.unique(labels)) != 2:
        raise ValueError("labels must contain both normal (1) and anomalous (0) examples")


def roc_auc(labels: np.ndarray | torch.Tensor, scores: np.ndarray | torch.Tensor) -> float:
    """Area under the ROC curve with normal (label 1) as the positive class.

    Scores are DROCC logits: higher means more normal.
    """
    y, s = _as_numpy(labels), _as_numpy(scores)
    _check(y, s)
    return float(roc_auc_score(y, s))


def f1_at_percentile(
    labels: np.ndarray | torch.Tensor, scores: np.ndarray | torch.Tensor, percentile: float = 20.0
) -> float:
    """F1 score for detecting *anomalies*, flagging the lowest ``percentile`` % of scores.

    This is the DROCC paper's tabular protocol (Thyroid, Arrhythmia, Abalone): the
    threshold is the 20th percentile of the test scores.
    """
    if not 0 < percentile < 100:
        raise ValueError(f"percentile={percentile} is invalid: use 0 < percentile < 100")
    y, s = _as_numpy(labels), _as_numpy(scores)
    _check(y, s)
    flagged = s <= np.percentile(s, percentile)
    anomaly = y == 0
    tp = np.sum(flagged & anomaly)
    precision = tp / max(np.sum(flagged), 1)
    recall = tp / max(np.sum(anomaly), 1)
    return float(0.0 if tp == 0 else 2 * precision * recall / (precision + recall))


def recall_at_fpr(
    labels: np.ndarray | torch.Tensor, scores: np.ndarray | torch.Tensor, fpr: float = 0.05
) -> float:
    """Share of anomalies detected when at most ``fpr`` of the normal points are flagged."""
    if not 0 < fpr < 1:
        raise ValueError(f"fpr={fpr} is invalid: use 0 < fpr < 1")
    y, s = _as_numpy(labels), _as_numpy(scores)
    _check(y, s)
    # Anomalies are the positives here: score them by -s.
    false_pos, true_pos, _ = roc_curve(1 - y, -s)
    return float(np.max(true_pos[false_pos <= fpr]))
