# Callcoach: `make run` serves the app with demo data, `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
BASE := $(VENV)/.installed-base
DEV := $(VENV)/.installed-dev
PORT ?= 8501
REPLICAS ?= 2

.PHONY: setup run serve test test-postgres lint format bench

$(BASE): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m qa models
	touch $@

$(DEV): $(BASE) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(BASE)

# Browser tests drive Debian's Chromium (never a browser downloaded by a test tool).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# `make serve` puts Debian's nginx in front of several app processes.
NGINX := /usr/sbin/nginx
$(NGINX):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx

run: setup
	$(PY) -m core migrate
	$(PY) -m demo
	@# Data stored by an earlier release is redacted again with today's redactor (audited).
	$(PY) -m qa redact --rescan
	@# Exit 1 = some lesson file is broken (reported; the rest are indexed); 2 = cannot run.
	$(PY) -m training index build; test $$? -ne 2
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

# REPLICAS app processes behind nginx on PORT, each started again if it dies (python -m serve).
# The data is whatever DATABASE_URL holds: `make run` once for the demo organisation.
serve: setup $(NGINX)
	$(PY) -m core migrate
	$(PY) -m training index build; test $$? -ne 2
	$(PY) -m serve --replicas $(REPLICAS) --port $(PORT)

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The packages' layers and what may not import Streamlit: [tool.importlinter] in pyproject.toml.
	$(VENV)/bin/lint-imports --no-logo --no-cache

test: lint $(CHROMIUM) $(NGINX)
	$(VENV)/bin/pytest

# The database tests again, against a local PostgreSQL server (installed and started if needed).
test-postgres: $(DEV)
	DATABASE_URL=$$(bash .ci/postgres.sh) $(VENV)/bin/pytest -m db

format: $(DEV)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done
