"""Figures for the book: training curves, image grids, PCA, 2-D boundaries, ROC.

Every function draws on a given ``ax`` (or a new figure) and returns the Axes, so
chapters can place plots side by side. :func:`stamp` writes the compute budget and
data source under a figure, so no result is shown without its provenance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from sklearn.decomposition import PCA
from sklearn.metrics import roc_curve

from .adversarial import SearchTrace
from .data import denormalize

NORMAL, ANOMALY = "tab:blue", "tab:red"


def _ax(ax: Axes | None, figsize: tuple[float, float] = (5, 4)) -> Axes:
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]


def _np(x: Any) -> np.ndarray:
    return x.detach().float().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def stamp(fig: Figure, text: str) -> Figure:
    """Write ``text`` (budget, data, seed) in small print under the figure."""
    fig.text(0.01, -0.02, text, fontsize=8, color="0.35", ha="left", va="top")
    return fig


def plot_history(
    history: Sequence[dict[str, Any]],
    selected_epoch: int | None = None,
    axes: Sequence[Axes] | None = None,
) -> Sequence[Axes]:
    """Losses (log scale) and validation/test AUC per epoch, marking the kept epoch."""
    if axes is None:
        axes = plt.subplots(1, 2, figsize=(11, 3.8))[1]
    epochs = [r["epoch"] for r in history]
    loss_ax, auc_ax = axes
    for key, label in (("ce_loss", "CE loss (normal)"), ("adv_loss", "adversarial loss")):
        values = [r.get(key) for r in history]
        if any(v is not None for v in values):
            loss_ax.plot(
                epochs, [np.nan if v is None else v for v in values], marker="o", label=label
            )
    loss_ax.set(yscale="log", xlabel="epoch", ylabel="loss", title="Training losses")
    loss_ax.legend()
    for key, label in (("val_auc", "validation AUC"), ("test_auc", "test AUC")):
        values = [r.get(key) for r in history]
        if any(v is not None for v in values):
            auc_ax.plot(
                epochs, [np.nan if v is None else v for v in values], marker="o", label=label
            )
    if selected_epoch is not None:
        auc_ax.axvline(selected_epoch, color="0.4", ls="--", label=f"kept epoch ({selected_epoch})")
    auc_ax.set(xlabel="epoch", ylabel="ROC-AUC", title="AUC per epoch")
    auc_ax.legend()
    return axes


def image_grid(
    images: torch.Tensor,
    nrow: int = 10,
    ax: Axes | None = None,
    title: str | None = None,
    normalized: bool = True,
) -> Axes:
    """Tile images ``(N, 3, H, W)`` into one picture, de-normalising them first."""
    from torchvision.utils import make_grid

    images = denormalize(images) if normalized else images.detach().float().cpu()
    grid = make_grid(images, nrow=nrow, padding=2, pad_value=1.0)
    ax = _ax(ax, (nrow, 1.2 * np.ceil(len(images) / nrow)))
    ax.imshow(grid.permute(1, 2, 0).numpy())
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def normal_vs_generated(
    normal: torch.Tensor, generated: torch.Tensor, n: int = 10, seed: int = 0
) -> Figure:
    """Two rows: ``n`` normal training images and the negatives generated from them."""
    idx = np.random.default_rng(seed).choice(len(normal), size=min(n, len(normal)), replace=False)
    fig, axes = plt.subplots(2, 1, figsize=(n * 1.0, 2.8))
    image_grid(normal[idx], nrow=len(idx), ax=axes[0], title="normal (training batch)")
    image_grid(generated[idx], nrow=len(idx), ax=axes[1], title="generated negatives x~")
    return fig


def pca_normal_vs_generated(
    normal: torch.Tensor, generated: torch.Tensor, ax: Axes | None = None
) -> Axes:
    """Project both sets with ONE PCA fitted on the normal points, and scatter them.

    The seed notebook fitted a separate PCA to each set, so its two clouds lived in
    different coordinate systems and could not be compared.
    """
    pca = PCA(n_components=2).fit(_np(normal).reshape(len(normal), -1))
    p_normal = pca.transform(_np(normal).reshape(len(normal), -1))
    p_generated = pca.transform(_np(generated).reshape(len(generated), -1))
    ax = _ax(ax, (6, 5))
    ax.scatter(*p_normal.T, s=8, c=NORMAL, label="normal")
    ax.scatter(*p_generated.T, s=8, c=ANOMALY, alpha=0.6, label="generated")
    ax.set(
        xlabel="PC 1 (of normal data)",
        ylabel="PC 2 (of normal data)",
        title="PCA fitted on the normal points",
    )
    ax.legend()
    return ax


def plot_annuli(
    points: torch.Tensor, radius: float, gamma: float, ax: Axes | None = None, every: int = 1
) -> Axes:
    """Draw the set N_i(r) (an annulus, r..gamma*r) around 2-D points (paper Fig. 1a)."""
    from matplotlib.patches import Annulus, Circle

    ax = _ax(ax, (7, 3.5))
    pts = _np(points)
    for x, y in pts[::every]:
        if gamma > 1:
            ax.add_patch(
                Annulus(
                    (x, y), gamma * radius, (gamma - 1) * radius, color=ANOMALY, alpha=0.08, lw=0
                )
            )
        else:
            ax.add_patch(Circle((x, y), radius, fill=False, color=ANOMALY, alpha=0.3, lw=0.6))
    ax.scatter(*pts.T, s=6, c=NORMAL, zorder=3, label="normal (training)")
    ax.set_aspect("equal")
    ax.autoscale_view()
    return ax


def decision_boundary_2d(
    score_fn: Callable[[np.ndarray], np.ndarray],
    train_x: Any,
    ax: Axes | None = None,
    title: str | None = None,
    extent: tuple[float, float, float, float] = (-3.6, 3.6, -2.6, 2.6),
    resolution: int = 200,
    threshold: float | None = None,
) -> Axes:
    """Colour a 2-D plane by ``score_fn`` (higher = more normal) and overlay the data."""
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2).astype(np.float32)
    z = np.asarray(score_fn(grid), dtype=np.float64).reshape(resolution, resolution)
    ax = _ax(ax, (6, 4))
    mesh = ax.contourf(xs, ys, z, levels=20, cmap="RdBu")
    if threshold is not None:
        ax.contour(xs, ys, z, levels=[threshold], colors="k", linewidths=1.2)
    ax.scatter(*_np(train_x).T, s=3, c="k", alpha=0.5)
    ax.figure.colorbar(mesh, ax=ax, shrink=0.8, label="score (higher = normal)")
    ax.set(xlim=extent[:2], ylim=extent[2:], title=title or "")
    return ax


def plot_search_2d(
    trace: SearchTrace,
    x: torch.Tensor,
    radius: float,
    gamma: float,
    axes: Sequence[Axes] | None = None,
) -> Sequence[Axes]:
    """Three panels of a 2-D search: starting noise, ascent trajectories, projected points."""
    if axes is None:
        axes = plt.subplots(1, 3, figsize=(15, 4), sharex=True, sharey=True)[1]
    start = _np(trace.points[0])
    path = np.stack([_np(p) for p, ph in zip(trace.points, trace.phases) if ph != "projection"])
    final = _np(trace.points[-1])
    for ax, title in zip(
        axes, ("1. start: x + N(0, I)", "2. gradient ascent", "3. projected onto N_i(r)")
    ):
        plot_annuli(x, radius, gamma, ax=ax)
        ax.set_title(title)
    axes[0].scatter(*start.T, s=10, c=ANOMALY, label="x + noise")
    for i in range(path.shape[1]):
        axes[1].plot(path[:, i, 0], path[:, i, 1], c=ANOMALY, lw=0.8, alpha=0.7)
    axes[1].scatter(*path[-1].T, s=10, c=ANOMALY, label="after ascent")
    axes[2].scatter(*final.T, s=10, c=ANOMALY, label="x~ in N_i(r)")
    for ax in axes:
        ax.legend(loc="lower left", fontsize=8)
    return axes


def score_histogram(scores: Any, labels: Any, ax: Axes | None = None, bins: int = 50) -> Axes:
    """Histograms of the scores of normal (label 1) and anomalous (label 0) points."""
    s, y = _np(scores).reshape(-1), _np(labels).reshape(-1)
    ax = _ax(ax)
    edges = np.histogram_bin_edges(s, bins=bins)
    ax.hist(s[y == 1], bins=edges, density=True, alpha=0.6, color=NORMAL, label="normal")
    ax.hist(s[y == 0], bins=edges, density=True, alpha=0.6, color=ANOMALY, label="anomalous")
    ax.set(xlabel="DROCC score (logit)", ylabel="density", title="Test score distribution")
    ax.legend()
    return ax


def plot_roc(labels: Any, scores: Any, ax: Axes | None = None, label: str = "DROCC") -> Axes:
    """ROC curve with normal as the positive class (the convention of the reported AUC)."""
    from .metrics import roc_auc

    fpr, tpr, _ = roc_curve(_np(labels).reshape(-1), _np(scores).reshape(-1))
    ax = _ax(ax)
    ax.plot(fpr, tpr, label=f"{label} (AUC {roc_auc(labels, scores):.3f})")
    ax.plot([0, 1], [0, 1], ls=":", c="0.5", label="chance")
    ax.set(
        xlabel="false positive rate (anomalies called normal)",
        ylabel="true positive rate (normals called normal)",
        title="ROC curve",
    )
    ax.legend(loc="lower right")
    return ax


def extreme_images(images: torch.Tensor, scores: Any, k: int = 10) -> Figure:
    """The ``k`` most and ``k`` least normal images according to ``scores``."""
    order = np.argsort(_np(scores).reshape(-1))
    fig, axes = plt.subplots(2, 1, figsize=(k * 1.0, 2.8))
    image_grid(
        images[order[::-1][:k].copy()], nrow=k, ax=axes[0], title="most normal (highest score)"
    )
    image_grid(images[order[:k].copy()], nrow=k, ax=axes[1], title="least normal (lowest score)")
    return fig
