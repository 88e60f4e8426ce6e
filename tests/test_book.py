"""The book: every notebook is in the TOC, none carries outputs, and the site builds."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for c in toc["chapters"]]


def test_every_notebook_is_in_the_toc():
    listed = set(_toc_files())
    assert len(NOTEBOOKS) == 5
    for nb in NOTEBOOKS:
        assert str(nb.relative_to(ROOT).with_suffix("")) in listed, nb


def test_notebooks_are_committed_without_outputs():
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, nb


def test_every_chapter_prints_its_budget():
    for nb in NOTEBOOKS:
        assert "budget.describe()" in nb.read_text(), nb


@pytest.mark.book
def test_book_builds_every_chapter(tmp_path):
    """Run the same build as `make book`, with the smoke budget, into a temporary folder."""
    assert os.environ.get("DROCC_DATA_DIR"), "set DROCC_DATA_DIR to the CIFAR-10 folder"
    env = {
        **os.environ,
        "DROCC_BUDGET": "smoke",
        "DROCC_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
    }
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(tmp_path), "-W", "--keep-going"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    html = tmp_path / "_build" / "html"
    for name in _toc_files():
        page = html / f"{name}.html"
        assert page.is_file(), page
        if name != "book/intro":
            text = page.read_text()
            assert "budget 'smoke'" in text and "Traceback" not in text, page
    figures = sum(
        1
        for nb in NOTEBOOKS
        for cell in json.loads(nb.read_text())["cells"]
        if cell["metadata"].get("mystnb", {}).get("figure", {}).get("caption")
    )
    assert figures >= 9
    assert len(list((html / "_images").glob("*.png"))) >= figures
    assert sum(p.read_text().count("<figcaption>") for p in html.glob("book/*.html")) >= figures


def test_execution_key_follows_budget_and_sources(monkeypatch):
    from drocc_utils import budget

    monkeypatch.setenv("DROCC_BUDGET", "smoke")
    smoke = budget.cache_key()
    monkeypatch.setenv("DROCC_BUDGET", "cpu")
    assert budget.cache_key() != smoke
    monkeypatch.setenv("DROCC_BUDGET", "smoke")
    assert budget.cache_key() == smoke
    monkeypatch.setattr(budget, "source_digest", lambda: "other code")
    assert budget.cache_key() != smoke
