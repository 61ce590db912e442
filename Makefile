# `make run` and `make test` work from a clean clone: they install the locked dependencies first.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.installed
# The venv with the MLflow extra too (`make mlflow`, `make stack`, `make test`, `make lint`): it holds everything
# `make run` needs, so switching between them installs nothing until uv.lock changes.
MLFLOW_STAMP := $(VENV)/.installed-mlflow

export LOTTO_HOME ?= $(CURDIR)/var
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export UV_COMPILE_BYTECODE := 1
# This machine's environment sets PYTHONDONTWRITEBYTECODE=1: then our own modules are compiled anew in every process
# and pytest rewrites every test module's asserts anew in every worker (10.6 s of a 63 s `make test-fast` went on
# collecting; 6.0 s with the caches written). The caches go to __pycache__/, which git ignores.
unexport PYTHONDONTWRITEBYTECODE
export UV_PYTHON := $(shell command -v $(PYTHON))

.PHONY: install install-mlflow run test test-fast test-soak lint serve stack web mlflow bench soak clean

install: $(STAMP)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	rm -f $(MLFLOW_STAMP)
	touch $(STAMP)

# MLflow stays out of `make run`'s install: an optional extra (pyproject.toml), for the mirror and its tests.
install-mlflow: $(MLFLOW_STAMP)

$(MLFLOW_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra mlflow
	touch $(STAMP) $(MLFLOW_STAMP)

run: install
	$(VENV)/bin/lotto run

# Everything but the short soak, in two processes, a test file at a time (`--dist loadfile`): the tests of
# a file share its expensive fixtures (a first run's home, the trained zoo, a fan-out, a server), built once.
test: install-mlflow
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)
	$(VENV)/bin/pytest -m "not soak" -n 2 --dist loadfile

# Everyday work: the fast tests on SQLite, on both cores.
test-fast: install
	env -u LOTTO_TEST_DATABASE_URL $(VENV)/bin/pytest -m "not slow" -n 2 --dist worksteal

# The short soak (four whole after-draw cycles with faults and kills, about 4 minutes); `make soak` is the long one.
test-soak: install
	$(VENV)/bin/pytest -m soak

# Style, the layer contracts (import-linter) and the type check, as CI runs them before the tests.
lint: install-mlflow
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

serve: install
	$(VENV)/bin/python -m deployments.serve

web: install
	$(VENV)/bin/lotto web

# MLflow's tracking server for the mirror on 127.0.0.1:$(MLFLOW_PORT), its store under $(LOTTO_HOME)/mlflow; then set
# LOTTO_MLFLOW_TRACKING_URI=http://127.0.0.1:$(MLFLOW_PORT) for `lotto run` and the deployments.
MLFLOW_PORT ?= 5000
mlflow: install-mlflow
	MLFLOW_PORT=$(MLFLOW_PORT) $(VENV)/bin/python -m deployments.mlflow_server

stack: install-mlflow
	$(VENV)/bin/python -m deployments.local_stack --workdir /tmp/lotoflow-stack $(STACK_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) var

# The figures are of `make run`'s install: without the MLflow extra (`make test` adds it, and with it
# scikit-learn, which Keras then imports in every training process: about 0.7 s more on this machine).
bench: install
	$(UV) sync --frozen
	rm -f $(MLFLOW_STAMP)
	$(VENV)/bin/python bench/run.py

# Consecutive after-draw cycles with mixed faults and kills on each store (resumable): bench/soak.json.
# Then SOAK_DEPLOYMENT_CYCLES more through the after-draw deployment on a real server and process worker,
# killing runs and workers (each kill waits for the zombie-run automation: about 2-5 minutes a cycle).
SOAK_CYCLES ?= 300
SOAK_DEPLOYMENT_CYCLES ?= 20
soak: install
	$(VENV)/bin/python bench/soak.py --store sqlite --cycles $(SOAK_CYCLES) --through-deployment $(SOAK_DEPLOYMENT_CYCLES)
	$(VENV)/bin/python bench/soak.py --store postgresql --cycles $(SOAK_CYCLES) --through-deployment $(SOAK_DEPLOYMENT_CYCLES)
