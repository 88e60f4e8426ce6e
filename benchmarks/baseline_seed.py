"""Baseline for the benchmark: the seed notebook's training loop, written plainly.

This mirrors the reference ``DROCCTrainer.one_class_adv_loss`` and training step used by
the seed notebook (per-item PIL transforms through a DataLoader, autograd graph kept
across projections, parameters requiring gradients during the search, evaluation
without ``no_grad``). It exists only to be timed against ``drocc_utils``; it keeps the
reference's behaviour, including its NaN on zero norms and the missing final projection.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score


class SeedTrainer:
    """The reference trainer's step, as run by the seed notebook."""

    def __init__(
        self,
        model,
        optimizer,
        lamda,
        radius,
        gamma,
        device,
        ascent_step_size=0.001,
        ascent_num_steps=50,
    ):
        self.model, self.optimizer = model, optimizer
        self.lamda, self.radius, self.gamma, self.device = lamda, radius, gamma, device
        self.ascent_step_size, self.ascent_num_steps = ascent_step_size, ascent_num_steps

    def train_step(self, data, target):
        self.model.train()
        data, target = data.to(self.device).to(torch.float), target.to(self.device).to(torch.float)
        self.optimizer.zero_grad()
        logits = torch.squeeze(self.model(data), dim=1)
        ce_loss = F.binary_cross_entropy_with_logits(logits, target)
        data = data[target == 1]
        adv_loss = self.one_class_adv_loss(data)
        loss = ce_loss + adv_loss * self.lamda
        loss.backward()
        self.optimizer.step()
        return ce_loss.item(), adv_loss.item()

    def train(self, train_loader, learning_rate, total_epochs, only_ce_epochs=0):
        """The reference's epoch loop (training only): the step schedule, then the steps."""
        for epoch in range(total_epochs):
            adjust_learning_rate(epoch, total_epochs, only_ce_epochs, learning_rate, self.optimizer)
            for data, target in train_loader:
                self.train_step(data, target)

    def one_class_adv_loss(self, x_train_data):
        batch_size = len(x_train_data)
        x_adv = torch.randn(x_train_data.shape).to(self.device).detach().requires_grad_()
        x_adv_sampled = x_adv + x_train_data
        for step in range(self.ascent_num_steps):
            with torch.enable_grad():
                new_targets = torch.zeros(batch_size, 1).to(self.device)
                new_targets = torch.squeeze(new_targets).to(torch.float)
                logits = torch.squeeze(self.model(x_adv_sampled), dim=1)
                new_loss = F.binary_cross_entropy_with_logits(logits, new_targets)
                grad = torch.autograd.grad(new_loss, [x_adv_sampled])[0]
                grad_norm = torch.norm(grad, p=2, dim=tuple(range(1, grad.dim())))
                grad_norm = grad_norm.view(-1, *[1] * (grad.dim() - 1))
                grad_normalized = grad / grad_norm
            with torch.no_grad():
                x_adv_sampled.add_(self.ascent_step_size * grad_normalized)
            if (step + 1) % 10 == 0:
                h = x_adv_sampled - x_train_data
                norm_h = torch.sqrt(torch.sum(h**2, dim=tuple(range(1, h.dim()))))
                alpha = torch.clamp(norm_h, self.radius, self.gamma * self.radius).to(self.device)
                proj = (alpha / norm_h).view(-1, *[1] * (h.dim() - 1))
                x_adv_sampled = x_train_data + proj * h
        adv_pred = torch.squeeze(self.model(x_adv_sampled), dim=1)
        return F.binary_cross_entropy_with_logits(adv_pred, new_targets * 0)

    def test(self, loader):
        self.model.eval()
        labels, scores = [], []
        for data, target in loader:
            logits = torch.squeeze(self.model(data.to(self.device).float()), dim=1)
            labels += target.tolist()
            scores += logits.cpu().data.numpy().tolist()
        return roc_auc_score(np.asarray(labels), np.asarray(scores))


def adjust_learning_rate(epoch, total_epochs, only_ce_epochs, learning_rate, optimizer):
    """The seed's schedule: lr until 40 % of the DROCC epochs, then 0.1 lr, then 0.01 lr."""
    epoch = epoch - only_ce_epochs
    drocc_epochs = total_epochs - only_ce_epochs
    if epoch <= drocc_epochs:
        lr = learning_rate * 0.01
    if epoch <= 0.80 * drocc_epochs:
        lr = learning_rate * 0.1
    if epoch <= 0.40 * drocc_epochs:
        lr = learning_rate
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr
    return optimizer


def seed_loaders(data_dir, normal_class, batch_size, train_limit=None, test_limit=None, seed=0):
    """The seed's data pipeline: ImageFolder + per-item ToTensor/Normalize in a DataLoader."""
    from torch.utils.data import DataLoader, Subset
    from torchvision import datasets, transforms

    transform = transforms.Compose(
        [
            transforms.ToTensor(),
            transforms.Normalize(mean=[0.4914, 0.4822, 0.4465], std=[0.247, 0.243, 0.261]),
        ]
    )
    target = transforms.Lambda(lambda y: int(y == normal_class))
    train = datasets.ImageFolder(f"{data_dir}/train", transform=transform, target_transform=target)
    test = datasets.ImageFolder(f"{data_dir}/test", transform=transform, target_transform=target)
    rng = np.random.default_rng(seed)
    normal = np.flatnonzero(np.asarray(train.targets) == normal_class)
    if train_limit:
        normal = rng.choice(normal, size=min(train_limit, len(normal)), replace=False)
    test_idx = np.arange(len(test))
    if test_limit:
        test_idx = rng.choice(test_idx, size=min(test_limit, len(test_idx)), replace=False)
    train_loader = DataLoader(Subset(train, normal.tolist()), batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(Subset(test, test_idx.tolist()), batch_size=batch_size)
    return train_loader, test_loader
