# aws-platform: every target bootstraps .venv from the requirements files when it is missing
# or a requirements file changed, so a fresh clone needs nothing but python3 and node.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev
STAMP := $(VENV)/.requirements-stamp
REQUIREMENTS := requirements.txt requirements-dev.txt policies/requirements.txt
AWSGUARD := tests/fixtures/awsguard
PYTEST_WORKERS ?= 2

.PHONY: preview test lint typecheck fixtures cost docs bench clean help

help:
	@echo "make preview [STACK=dev|staging|prod]  offline preview of a stack with the policy pack"
	@echo "make test                               lint, type-check and run every test"
	@echo "make lint                               ruff (lint + format check) and mypy"
	@echo "make cost [STACK=...]                   monthly cost estimate of a stack"
	@echo "make docs                               regenerate generated docs"
	@echo "make bench                              benchmarks; writes benchmarks/results.json"

$(STAMP): $(REQUIREMENTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

preview: $(STAMP)
	$(PY) -m tools.preview --stack $(STACK)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy components tools environments handlers

# The published @pulumi/awsguard pack, installed from npm (never committed) for the
# third-party-pack tests.
fixtures: $(AWSGUARD)/node_modules/.installed

$(AWSGUARD)/node_modules/.installed: $(AWSGUARD)/package.json $(AWSGUARD)/package-lock.json
	cd $(AWSGUARD) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: lint fixtures
	$(PY) -m pytest -n $(PYTEST_WORKERS)

cost: $(STAMP)
	$(PY) -m tools.cost --stack $(STACK)

docs: $(STAMP)
	$(PY) -m tools.docs

bench: $(STAMP) fixtures
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) $(AWSGUARD)/node_modules .pytest_cache .mypy_cache .ruff_cache
