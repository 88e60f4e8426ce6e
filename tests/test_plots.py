import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from drocc_utils import plots  # noqa: E402
from drocc_utils.adversarial import SearchTrace, adversarial_search  # noqa: E402
from drocc_utils.config import DROCCConfig  # noqa: E402
from drocc_utils.data import normalize  # noqa: E402
from drocc_utils.models import MLP  # noqa: E402


def teardown_function():
    plt.close("all")


def test_image_grid_shows_denormalised_pixels():
    images = torch.randint(0, 256, (4, 3, 32, 32), dtype=torch.uint8)
    ax = plots.image_grid(normalize(images), nrow=4)
    shown = ax.get_images()[0].get_array()
    assert shown.min() >= 0 and shown.max() <= 1
    assert np.allclose(shown[2:34, 2:34] * 255, images[0].permute(1, 2, 0).numpy(), atol=1e-3)


def test_pca_uses_one_basis_fitted_on_normals():
    normal = torch.randn(50, 3, 4, 4)
    ax = plots.pca_normal_vs_generated(normal, normal.clone())
    a, b = (c.get_offsets() for c in ax.collections)
    assert np.allclose(a, b)  # same points map to the same coordinates


def test_history_roc_histogram_extremes_and_boundary():
    history = [
        {
            "epoch": i,
            "ce_loss": 1 / (i + 1),
            "adv_loss": None if i == 0 else 0.5,
            "val_auc": 0.6,
            "test_auc": 0.7,
        }
        for i in range(3)
    ]
    plots.plot_history(history, selected_epoch=1)
    labels, scores = np.array([1, 1, 0, 0]), np.array([2.0, 1.0, 0.5, -1.0])
    plots.plot_roc(labels, scores)
    plots.score_histogram(scores, labels)
    fig = plots.extreme_images(torch.randn(6, 3, 32, 32), np.arange(6.0), k=3)
    plots.stamp(fig, "budget smoke")
    plots.decision_boundary_2d(
        lambda g: -np.abs(g[:, 1]), torch.randn(10, 2), resolution=20, threshold=0.0
    )
    plots.normal_vs_generated(torch.randn(6, 3, 32, 32), torch.randn(6, 3, 32, 32), n=4)


def test_search_plot():
    x = torch.randn(5, 2)
    trace = SearchTrace()
    adversarial_search(
        x, MLP(2, 4), DROCCConfig(radius=0.5, gamma=2, ascent_num_steps=3), trace=trace
    )
    axes = plots.plot_search_2d(trace, x, 0.5, 2.0)
    assert len(axes) == 3
    plots.plot_annuli(x, 0.5, 1.0)
