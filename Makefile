# budgetqa — set-up and checks. `make demo` runs the main job (sample reports + the chat page);
# `make test` runs the tests (after trying to install Chromium and a CJK font for the browser test).
# Both create .venv and install everything on first use (idempotent).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export BUDGETQA_HOME ?= $(CURDIR)/.budgetqa
# progress lines appear as they happen even when the output is a pipe or a log file
export PYTHONUNBUFFERED := 1
# port of the chat page for `make demo` / `make serve` (e.g. make demo PORT=7861); empty = 7860 or GRADIO_SERVER_PORT
PORT ?=
PORT_FLAG := $(if $(PORT),--port $(PORT))

.PHONY: install bytecode browser-deps test demo serve bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch is pinned to the CPU build (2.13.0) in pyproject.toml
	# compat editable mode: the repository folder on sys.path (a start-up import hook costs every
	# `budgetqa` process ~25 ms); setuptools versions without it get the default mode
	$(PY) -m pip install --quiet -e ".[dev]" --config-settings editable_mode=compat 2>/dev/null \
		|| $(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The repository's modules compiled once (an editable install does not, and with
# PYTHONDONTWRITEBYTECODE set every `budgetqa` process would compile ~90 modules again: ~0.2 s of CPU).
# A module changed since is compiled in memory as usual.
bytecode: install
	$(PY) -m compileall -q ingest index qa ui eval >/dev/null

# Chromium (headless, for tests/ui/test_browser.py) and a CJK font (Chinese on page images and
# screenshots). Best effort: without them the browser test skips and page images lack Chinese glyphs.
browser-deps:
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk) \
		|| echo "chromium not installed: browser test will skip"
	@fc-list 2>/dev/null | grep -qi "CJK" || (DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk) \
		|| echo "fonts-noto-cjk not installed: page images will show no Chinese glyphs"

test: install bytecode browser-deps
	$(PY) -m pytest -q

# Generates and ingests the sample reports if the home has none (one line per report as it goes),
# then serves the chat page and prints its local URL (http://127.0.0.1:7860/ by default, PORT=… to
# change it); Ctrl+C stops it. Afterwards `.venv/bin/budgetqa reports` run from here lists the same reports.
demo: install bytecode
	$(VENV)/bin/budgetqa demo $(PORT_FLAG)

serve: install bytecode
	$(VENV)/bin/budgetqa serve $(PORT_FLAG)

bench: install bytecode
	$(PY) -m eval.bench_ingest
	$(PY) -m eval.bench_index
	$(PY) -m eval.retrieval
	$(PY) -m eval.bench_query

lint: install
	$(VENV)/bin/ruff check ingest index qa ui eval tests
	$(VENV)/bin/ruff format --check ingest index qa ui eval tests

clean:
	rm -rf $(VENV) .budgetqa .pytest_cache
	find ingest index qa ui eval tests -name __pycache__ -type d -prune -exec rm -rf {} +
