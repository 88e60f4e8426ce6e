import numpy as np
import pytest
import torch

from drocc_utils.metrics import f1_at_percentile, recall_at_fpr, roc_auc


def test_roc_auc_normal_is_positive():
    labels = np.array([1, 1, 0, 0])
    assert roc_auc(labels, np.array([3.0, 2.0, 1.0, 0.0])) == 1.0
    assert roc_auc(torch.tensor(labels), torch.tensor([0.0, 1.0, 2.0, 3.0])) == 0.0


def test_metric_errors():
    with pytest.raises(ValueError, match="both normal"):
        roc_auc([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="NaN"):
        roc_auc([1, 0], [np.nan, 0.2])
    with pytest.raises(ValueError, match="differ in length"):
        roc_auc([1, 0, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="percentile"):
        f1_at_percentile([1, 0], [1.0, 0.0], percentile=0)
    with pytest.raises(ValueError, match="fpr"):
        recall_at_fpr([1, 0], [1.0, 0.0], fpr=1.5)


def test_f1_at_percentile_perfect_and_hand_computed():
    labels = np.array([1] * 8 + [0] * 2)
    scores = np.arange(10, 0, -1, dtype=float)  # anomalies have the lowest scores
    assert f1_at_percentile(labels, scores, 20) == 1.0
    # flag lowest 20 % = 2 points; only one is an anomaly: precision 1/2, recall 1/2
    scores2 = np.array([10, 9, 8, 7, 6, 5, 4, 1, 2, 3], dtype=float)
    assert f1_at_percentile(labels, scores2, 20) == pytest.approx(0.5)


def test_recall_at_fpr():
    labels = np.array([1] * 10 + [0] * 10)
    scores = np.concatenate([np.linspace(1, 2, 10), np.linspace(0, 0.9, 10)])
    assert recall_at_fpr(labels, scores, 0.05) == 1.0
    scores[10] = 5.0  # one anomaly looks more normal than every normal point
    assert recall_at_fpr(labels, scores, 0.05) == pytest.approx(0.9)
