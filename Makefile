# Two commands for a newcomer (see README.md): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out/demo

.PHONY: demo test lint venv clean assets pdf-deps

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

# The demo writes briefing.pdf with the fonts this machine has and names any that are missing;
# `make pdf-deps` (as root) installs Pango and the Noto fonts from Debian.
demo: $(VENV)/.installed
	$(BIN)/cdplan demo -o $(OUT)

pdf-deps:
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core

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
