# LA Cannabis Relief Analytics: the commands a newcomer needs.
# `make reports` renders the whole site on the default data; `make test` runs the tests.
# Both create .venv and install the project on first use, so nothing else is needed
# beyond Python 3.11+.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KERNEL := la-cannabis-relief
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help env reports test lint lab notebooks strip synth validate browser bench clean doj-demo

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (LA Cannabis Relief)" >/dev/null
	@touch $(STAMP)

env: $(STAMP) ## Create .venv, install the package editable and register the Jupyter kernel

# Options for the render, e.g. make reports RENDER_ARGS="--data list.csv --jobs 2". make
# exits 2 whatever went wrong: schedulers that need the render's own exit status (see
# `analysis render --help`) call .venv/bin/analysis render directly.
RENDER_ARGS ?=

reports: $(STAMP) ## Render the report site into reports/site (options: RENDER_ARGS=...)
	$(BIN)/analysis render $(RENDER_ARGS)

# axe-core, the accessibility checker tests/test_browser.py injects into every page:
# pinned in package-lock.json, installed once into node_modules/ (offline after that).
AXE := node_modules/axe-core/axe.min.js

browser: $(AXE) ## Install Debian's chromium and axe-core for the browser tests (skipped when it cannot)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "note: chromium not found and not root; browser tests will be skipped"; fi; }

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq npm >/dev/null) || true; fi; }
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null && touch $(AXE) \
	    || echo "warning: could not install axe-core; the accessibility check will be skipped"; \
	else echo "note: npm not found; the accessibility check will be skipped"; fi

test: $(STAMP) browser ## Run ruff and the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP) ## Run ruff only
	$(BIN)/ruff check .

lab: $(STAMP) ## Open JupyterLab on the notebooks with the project kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

synth: $(STAMP) ## Regenerate the synthetic default data (seed from SEED, default 2020)
	$(BIN)/analysis synth --seed $${SEED:-2020}

# The DOJ-format demo: a synthetic AB 1793 file, the Los Angeles rules, the site.
DOJ_FILE := data/synthetic/doj_seed$${SEED:-2020}.csv
DOJ_RUN  := data/synthetic/doj_run

doj-demo: $(STAMP) ## Render the site from a synthetic DOJ-format file (synth --format doj, doj --dismiss-queue city-attorney, render)
	$(BIN)/analysis synth --format doj --seed $${SEED:-2020} --out $(DOJ_FILE)
	$(BIN)/analysis doj $(DOJ_FILE) --compute-at 2020-02-13 --dismiss-queue city-attorney --out $(DOJ_RUN)
	$(BIN)/analysis render --data $(DOJ_RUN)/cases.csv

validate: $(STAMP) ## Validate a case file: make validate FILE=path.csv
	$(BIN)/analysis validate $(FILE)

bench: $(STAMP) ## Run the benchmarks (aggregation vs pandas and DuckDB, render cost, disclosure, a 1M-row list); see docs/performance.md
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.bench_synth
	$(BIN)/python -m benchmarks.bench_aggregate
	$(BIN)/python -m benchmarks.bench_render
	$(BIN)/python -m benchmarks.bench_disclosure
	$(BIN)/python -m benchmarks.bench_scale
	$(BIN)/python -m benchmarks.bench_doj --sizes $${DOJ_SIZES:-100k,1m}
	$(BIN)/python -m benchmarks.bench_matching
	$(BIN)/python -m benchmarks.report

notebooks: $(STAMP) ## Regenerate notebooks/*.ipynb from their sources notebooks/*.py (jupytext)
	$(BIN)/jupytext --sync notebooks/*.py

strip: $(STAMP) ## Strip outputs from notebooks/*.ipynb (after saving a run in JupyterLab)
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

clean: ## Remove the virtual environment, generated data and the staging area
	rm -rf $(VENV) data/synthetic/*.parquet data/synthetic/doj_* data/cache reports/.staging reports/.failed reports/.cache benchmarks/.data
