# Commission: make setup | demo | test | serve | browser | bench | bench-quick | clean
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
SETUP_STAMP := $(VENV)/.commission-setup-stamp
FLASK := $(VENV)/bin/flask --app commission
WORKERS ?= 3
PYTEST_ARGS ?=
# Where `make demo` builds the demo round to (any stage up to the newest the engine reaches).
DEMO_STAGE ?= shortlisting
CHROMIUM := /usr/lib/chromium/chromium

.PHONY: help setup browser demo test serve bench bench-quick clean

help:
	@echo "make setup        virtualenv in .venv, Python packages, front-end assets"
	@echo "make demo         development server on http://127.0.0.1:5000 with demo data"
	@echo "make test         the whole test suite (starts a throwaway PostgreSQL; PYTEST_ARGS=...)"
	@echo "make serve        gunicorn on 127.0.0.1:8000 (WORKERS=$(WORKERS))"
	@echo "make browser      install Debian's chromium for the browser tests"
	@echo "make bench        run every bench/*.py (bench-quick: with --quick)"
	@echo "make clean        remove built assets and the local database"

# Reinstall the Python packages only when pyproject.toml changes (or .venv is new).
$(SETUP_STAMP): pyproject.toml
	@if [[ ! -x $(VENV)/bin/python ]]; then \
	  echo "setup: creating $(VENV) with $(PYTHON)"; \
	  if ! $(PYTHON) -m venv $(VENV); then \
	    rm -rf $(VENV); \
	    if [[ "$$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then \
	      echo "setup: installing Debian's python3-venv"; \
	      DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; \
	      $(PYTHON) -m venv $(VENV); \
	    else echo "setup: $(PYTHON) -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 1; fi; \
	  fi; \
	fi
	@echo "setup: pip install -e '.[test]'"
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

setup: $(SETUP_STAMP)
	@scripts/build-assets.sh

browser:
	@if [[ -x $(CHROMIUM) ]]; then exit 0; fi; \
	if [[ "$$(id -u)" == 0 ]]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else echo "browser: $(CHROMIUM) is missing; install Debian's chromium as root" >&2; exit 1; fi; \
	echo "browser: installing Debian's chromium"; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	[[ -x $(CHROMIUM) ]] || { echo "browser: chromium installed but $(CHROMIUM) is missing" >&2; exit 1; }

# Builds the demo round only when the database is new; an existing one is kept as it is.
demo: setup
	@if [[ -f instance/commission.db ]]; then new=0; else new=1; fi; \
	$(FLASK) db upgrade; \
	if [[ $$new == 1 ]]; then \
	  $(FLASK) demo --to $(DEMO_STAGE); \
	else \
	  echo "demo: instance/commission.db exists; not rebuilding the demo (make clean to start again)"; \
	fi
	COMMISSION_ENV=development $(FLASK) run --port 5000

test: setup browser
	@scripts/test.sh $(PYTEST_ARGS)

serve: setup
	$(VENV)/bin/gunicorn --no-control-socket -w $(WORKERS) -b 127.0.0.1:8000 'commission:create_app()'

bench bench-quick: setup
	@shopt -s nullglob; scripts=(bench/*.py); \
	if (( $${#scripts[@]} == 0 )); then echo "$@: no bench/*.py to run" >&2; exit 1; fi; \
	for script in "$${scripts[@]}"; do \
	  [[ $$(basename "$$script") == _* ]] && continue; \
	  echo "== $$script"; \
	  $(VENV)/bin/python "$$script" $(if $(filter bench-quick,$@),--quick); \
	done

clean:
	rm -rf commission/static node_modules/.commission-install-stamp instance/commission.db
