"""Compute budgets for the book: one switch, ``DROCC_BUDGET`` = smoke | cpu | full.

* ``smoke`` -- seconds per chapter, for ``nbmake`` in the test suite; numbers are noise.
* ``cpu`` -- a few minutes per chapter on a 2-core CPU; CIFAR-10 results are meaningful
  but far from converged.
* ``full`` -- the seed notebook's protocol (40 epochs, 50 ascent steps, all images);
  the default when CUDA is available.

Every chapter prints :meth:`Budget.describe` and stamps it on its result figures.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

BUDGET_ENV = "DROCC_BUDGET"


@dataclass(frozen=True)
class Budget:
    """Sizes that every chapter reads from the active budget."""

    name: str
    toy_epochs: int  # epochs for the 2-D sine toy
    toy_points: int  # training points of the sine toy
    cifar_epochs: int  # epochs of the chapter-4 CIFAR-10 run
    cifar_steps: int  # ascent steps of the chapter-4 CIFAR-10 run
    train_limit: int | None  # CIFAR-10 normal training images (None = all 4,500)
    test_limit: int | None  # CIFAR-10 test images (None = all 10,000)
    compare_epochs: int  # epochs of each run in the chapter-3 DROCC vs DROCC-Rand table
    compare_seeds: int  # seeds per method in that table

    def describe(self) -> str:
        """One line naming the budget and its sizes, for printing and figure stamps."""
        train = "all" if self.train_limit is None else self.train_limit
        test = "all" if self.test_limit is None else self.test_limit
        return (
            f"budget '{self.name}': CIFAR-10 {self.cifar_epochs} epochs x "
            f"{self.cifar_steps} ascent steps, {train} train / {test} test images; "
            f"toy {self.toy_epochs} epochs"
        )


BUDGETS = {
    "smoke": Budget(
        "smoke",
        toy_epochs=4,
        toy_points=256,
        cifar_epochs=1,
        cifar_steps=2,
        train_limit=256,
        test_limit=500,
        compare_epochs=1,
        compare_seeds=1,
    ),
    "cpu": Budget(
        "cpu",
        toy_epochs=30,
        toy_points=512,
        cifar_epochs=3,
        cifar_steps=5,
        train_limit=None,
        test_limit=None,
        compare_epochs=2,
        compare_seeds=2,
    ),
    "full": Budget(
        "full",
        toy_epochs=60,
        toy_points=1024,
        cifar_epochs=40,
        cifar_steps=50,
        train_limit=None,
        test_limit=None,
        compare_epochs=10,
        compare_seeds=3,
    ),
}


def current_budget() -> Budget:
    """The budget named by ``$DROCC_BUDGET`` (default: full with CUDA, else cpu)."""
    name = os.environ.get(BUDGET_ENV) or ("full" if torch.cuda.is_available() else "cpu")
    if name not in BUDGETS:
        raise ValueError(f"{BUDGET_ENV}={name!r} is invalid: use one of {sorted(BUDGETS)}")
    return BUDGETS[name]


def source_digest() -> str:
    """Hash of the drocc_utils sources: results computed with other code are stale."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key() -> str:
    """What executed chapters depend on besides their own code: budget, data, package."""
    digest = hashlib.sha256()
    digest.update(repr(asdict(current_budget())).encode())
    digest.update(os.environ.get("DROCC_DATA_DIR", "").encode())
    digest.update(source_digest().encode())
    return digest.hexdigest()


def main() -> None:
    """``python -m drocc_utils.budget [--cache-key]``: print the active budget or its key."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--cache-key", action="store_true")
    args = parser.parse_args()
    print(cache_key() if args.cache_key else current_budget().describe())


if __name__ == "__main__":
    main()
