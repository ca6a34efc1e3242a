# OneID: `make demo` runs the whole night on generated data; `make test` runs every test.
# Both create the environment first from the committed lock (uv.lock), using only PyPI.

PYTHON      ?= python3.11
UV_VERSION  := 0.13.9
TOOLS       := .tools
UV          := $(TOOLS)/bin/uv
VENV        := .venv
ONEID       := $(VENV)/bin/oneid
DEMO_HOME   ?= data/demo
DEMO_PERSONS ?= 2000
DEMO_DAYS   ?= 60
PYTEST_ARGS ?=

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo test clean-demo

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

# A fresh demo home every time: the generator's window moves with the date.
demo: setup
	rm -rf $(DEMO_HOME)
	$(ONEID) generate --home $(DEMO_HOME) --persons $(DEMO_PERSONS) --days $(DEMO_DAYS) --seed 7
	$(ONEID) run --home $(DEMO_HOME)
	@echo
	@echo "warehouse: $(DEMO_HOME)/warehouse/oneid.duckdb   (query: $(VENV)/bin/duckdb -readonly $(DEMO_HOME)/warehouse/oneid.duckdb)"
	@echo "exports:   $(DEMO_HOME)/exports"
	@echo "report:    $(DEMO_HOME)/reports"

test: setup
	$(VENV)/bin/pytest --numprocesses 2 $(PYTEST_ARGS)

clean-demo:
	rm -rf $(DEMO_HOME)
