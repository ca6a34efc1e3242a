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
DEMO_FIRST_NIGHT_DAYS_AGO ?= 30
# 2,000 demo people make audiences far below the platforms' real minimums
# (docs/activation.md); the demo lowers them so that files get written.
DEMO_MIN_AUDIENCE ?= 10
PYTEST_ARGS ?=

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo test clean-demo browser java contract

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The `spark` extra (dbt-spark, pyspark) is part of every environment, so the
# tests can build the same home on both engines (docs/spark.md).
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --extra spark
	@touch $@

setup: $(VENV)/.synced java

# Spark needs a Java runtime: Debian's OpenJDK 17, installed when apt can.
java:
	@command -v java >/dev/null || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null)

# A fresh demo home every time: the generator's window moves with the date.
demo: setup
	rm -rf $(DEMO_HOME)
	$(ONEID) generate --home $(DEMO_HOME) --persons $(DEMO_PERSONS) --days $(DEMO_DAYS) --seed 7
	@# Two nights, a month apart, so that the report shows AIPL flow and OneID changes.
	ONEID_EXPORT_MIN_AUDIENCE=$(DEMO_MIN_AUDIENCE) $(ONEID) run --home $(DEMO_HOME) \
		--date $$($(VENV)/bin/python -c 'from datetime import timedelta; from pipeline.cli import yesterday_in_china; print(yesterday_in_china() - timedelta(days=$(DEMO_FIRST_NIGHT_DAYS_AGO)))')
	ONEID_EXPORT_MIN_AUDIENCE=$(DEMO_MIN_AUDIENCE) $(ONEID) run --home $(DEMO_HOME)
	@echo
	@echo "warehouse: $(DEMO_HOME)/warehouse/oneid.duckdb   (query: $(VENV)/bin/duckdb -readonly $(DEMO_HOME)/warehouse/oneid.duckdb)"
	@echo "exports:   $(DEMO_HOME)/exports"
	@echo "report:    $$(ls -1 $(DEMO_HOME)/reports/oneid-report-*.html | tail -n 1)"

# The report test opens the HTML report in Debian's headless Chromium and checks that
# Chinese labels draw with real glyphs (Noto CJK): install both when apt can.
browser:
	@(test -x /usr/bin/chromium && fc-list :lang=zh family | grep -q .) || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

# --dist loadscope: each test module runs whole on one worker, so a module's
# expensive fixture (the Spark parity night) is built once, not once per worker.
# --no-loadscope-reorder: xdist would otherwise start the modules with the most
# tests first, and the Spark parity module (few tests, the longest) last;
# tests/conftest.py orders the slowest modules first instead.
# Three workers on two cores: nights wait on subprocess starts, fsyncs and the
# JVM, and a third worker fills that time (25.5 -> 22.9 min measured).
test: setup browser
	$(VENV)/bin/pytest --numprocesses 3 --dist loadscope --no-loadscope-reorder --durations 15 $(PYTEST_ARGS)

# The dbt sources, the staging contract rules and the identity registry are
# generated from the channel contract (pipeline/ingest/sources.py).
contract: setup
	$(VENV)/bin/python -m pipeline.ingest.dbt_files

clean-demo:
	rm -rf $(DEMO_HOME)
