# budgetqa — set-up and checks. `make demo` runs the main job; `make test` runs the tests.
# Both create .venv and install everything on first use (idempotent).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export BUDGETQA_HOME ?= $(CURDIR)/.budgetqa

.PHONY: install test demo bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch is pinned to the CPU build (2.13.0) in pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: install
	$(PY) -m pytest -q

demo: install
	$(VENV)/bin/budgetqa demo

bench: install
	$(PY) -m eval.bench_ingest
	$(PY) -m eval.bench_index
	$(PY) -m eval.retrieval

lint: install
	$(VENV)/bin/ruff check ingest index qa ui eval tests
	$(VENV)/bin/ruff format --check ingest index qa ui eval tests

clean:
	rm -rf $(VENV) .budgetqa .pytest_cache
