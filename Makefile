# Two commands for a newcomer (see README.md): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out/demo

.PHONY: demo test lint venv clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml assets/package.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	# Map assets (Leaflet and a plugin) from the npm registry, pinned; inlined into offline maps.
	mkdir -p $(VENV)/assets
	cp assets/package.json $(VENV)/assets/package.json
	npm install --silent --no-audit --no-fund --prefix $(VENV)/assets
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

assets: $(VENV)/.installed

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/cdplan demo -o $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/ruff check geodata planner api cli tests scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check geodata planner api cli tests scripts
	$(BIN)/ruff format --check geodata planner api cli tests scripts
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
