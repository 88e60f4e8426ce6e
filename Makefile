# Two commands set everything up on a fresh machine: `make book` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NBMAKE_TIMEOUT ?= 900

.PHONY: install book test lint unit notebooks bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

# Executes every chapter under $$DROCC_BUDGET (default: full with CUDA, else cpu) and
# builds the site into _build/html. Outputs are cached; the cache (and Sphinx's own record
# of built pages, which would otherwise keep stale outputs) is dropped when the budget,
# the data folder or the drocc_utils sources change.
book: $(INSTALLED)
	@mkdir -p _build
	@key="$$($(BIN)/python -m drocc_utils.budget --cache-key)"; \
	if [ "$$(cat _build/.execution-key 2>/dev/null)" != "$$key" ]; then \
		echo "execution key changed: re-running every chapter"; \
		rm -rf _build/.jupyter_cache _build/.doctrees _build/html _build/jupyter_execute; \
	fi; \
	echo "$$key" > _build/.execution-key
	$(BIN)/jupyter-book build . -W --keep-going

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check drocc_utils tests benchmarks

unit: $(INSTALLED)
	$(BIN)/python -m pytest

notebooks: $(INSTALLED)
	DROCC_BUDGET=smoke $(BIN)/python -m pytest --nbmake --nbmake-timeout=$(NBMAKE_TIMEOUT) book/*.ipynb
	$(BIN)/python -m pytest -m book tests/test_book.py

test: lint unit notebooks

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_trainer.py
	$(BIN)/python benchmarks/conv_floor.py

clean:
	rm -rf _build .pytest_cache .ruff_cache book/_artifacts
