# agepartners: `make run` serves the portal with its demo data, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test venv dev-venv services messages bench clean faults load audit hosts

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

## make run: migrate, load the demo partnership, serve web + Celery worker + beat.
run: venv
	@PORT=$(PORT) bash scripts/run.sh

## make test: the whole suite on PostgreSQL, Redis, a real worker, SMTP and Chromium.
test: dev-venv
	@bash scripts/ensure_test_services.sh
	$(PY) -m pytest $(PYTEST_ARGS)
	@# The short version of `make hosts` (about 2 minutes).
	HOSTS_QUICK=1 $(PY) -m pytest -p no:django -o python_files='host_*.py' hosts -q

services:
	@bash scripts/ensure_test_services.sh

## make messages: refresh and compile every translation catalogue.
messages: dev-venv
	$(PY) scripts/messages.py

## make bench HOSTS=1: two web hosts against one through nginx, in the same run (hosts/bench.py; root).
bench: dev-venv
	@bash scripts/ensure_test_services.sh
	@if [ -n "$(HOSTS)" ]; then $(PY) hosts/bench.py; else bash bench/run.sh; fi

## make faults: fault tests on private PostgreSQL/Redis/SMTP (see docs/reliability.md).
faults: dev-venv
	$(PY) -m pytest -p no:django -o python_files='fault_*.py' faults -q -s $(PYTEST_ARGS)

## make load: 50 logged-in partners for 60 s against gunicorn; zero 5xx, zero lost writes.
load: dev-venv
	$(PY) loadtest/run.py

## make audit: pip-audit of the pinned requirements. Needs a reachable vulnerability
## database (PyPI's JSON API or OSV); this project's CI network has neither, so it is
## not part of make test (accounts/tests/test_dependencies.py keeps every requirement pinned exactly).
audit:
	@test -x var/audit-venv/bin/pip-audit || ($(PYTHON) -m venv var/audit-venv && var/audit-venv/bin/pip install --quiet pip-audit==2.10.1)
	var/audit-venv/bin/pip-audit --strict --no-deps --disable-pip -r requirements.txt -r requirements-dev.txt

clean:
	rm -rf var staticfiles .pytest_cache

## make hosts: the portal on separate network hosts (ip netns; root): two web nodes behind
## nginx, two workers and one beat, PostgreSQL/Redis/SeaweedFS on a services host (hosts/).
hosts: dev-venv
	@bash scripts/ensure_test_services.sh
	$(PY) -m pytest -p no:django -o python_files='host_*.py' hosts -q -s $(PYTEST_ARGS)
