# k-order: `make run` (everything set up, UI on http://127.0.0.1:8000) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DYNALITE := tools/dynamodb-local/node_modules/.package-lock.json

.PHONY: run test install bench lint clean-data

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(DYNALITE): tools/dynamodb-local/package-lock.json
	cd tools/dynamodb-local && npm ci --no-audit --no-fund --loglevel=error
	touch $(DYNALITE)

install: $(STAMP) $(DYNALITE)

run: install
	bash tools/run-dev.sh

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	bash benchmarks/run.sh

lint: install
	$(VENV)/bin/ruff check korder_site workflows orders tests benchmarks

clean-data:
	rm -rf var/dynamodb var/korder.sqlite3 var/sample-data .env
