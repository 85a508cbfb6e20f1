# k-order: `make run` (everything set up, UI on http://127.0.0.1:8000) and `make test`.
# `make run` installs the runtime dependencies only; `make test` / `bench` / `lint` add the
# [dev] extra (pytest, Playwright, moto, ruff...). Each has its own stamp in .venv/.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
DYNALITE := tools/dynamodb-local/node_modules/.package-lock.json
PORT ?= 8000
VENDOR := static/vendor/lightweight-charts.js

.PHONY: run test install bench lint clean-data

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP) $(RUNTIME_STAMP)

$(DYNALITE): tools/dynamodb-local/package-lock.json
	cd tools/dynamodb-local && npm ci --no-audit --no-fund --loglevel=error
	touch $(DYNALITE)

# Browser libraries (pinned in tools/frontend/package-lock.json) copied into static/vendor/.
$(VENDOR): tools/frontend/package-lock.json tools/frontend/build.sh
	bash tools/frontend/build.sh
	touch $(VENDOR)

install: $(DEV_STAMP) $(DYNALITE) $(VENDOR)

# Exit status 3 = already running in this checkout: its one line says so; not a make error.
run: $(RUNTIME_STAMP) $(DYNALITE) $(VENDOR)
	@PY=$(PY) bash tools/run-dev.sh --port $(PORT) || [ $$? -eq 3 ]

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	bash benchmarks/run.sh

lint: install
	$(VENV)/bin/ruff check korder_site workflows orders tests benchmarks

clean-data:
	rm -rf var/dynamodb var/korder.sqlite3 var/sample-data var/log var/admin-login.txt .env
