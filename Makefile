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

.PHONY: preview test lint lint-workflows typecheck fixtures cost docs bench clean help deps dist

help:
	@echo "make preview [STACK=dev|staging|prod]  offline preview of a stack with the policy pack"
	@echo "make test                               lint, type-check and run every test"
	@echo "make lint                               ruff (lint + format check) and mypy"
	@echo "make cost [STACK=...]                   monthly cost estimate of a stack"
	@echo "make docs                               regenerate generated docs"
	@echo "make bench                              benchmarks; writes benchmarks/results.json"
	@echo "make deps                               .venv and the policy pack's policies/.venv (CI, pulumi up)"
	@echo "make dist                               build the wheel and sdist into dist/"

# The first run installs everything (about a minute and a half); each step says what it does and
# pip shows each package as it goes, so a first `make preview` is never silent.
$(STAMP): $(REQUIREMENTS)
	@test -x $(PY) || { echo "==> creating the virtualenv $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> installing into $(VENV) what $(REQUIREMENTS) list (requirements-dev.txt includes the others):"
	@echo "    Pulumi SDK, pulumi-aws, pulumi-awsx, pulumi-policy, Powertools, boto3, moto, ruff, mypy, pytest, ..."
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	@touch $(STAMP)
	@echo "==> $(VENV) is ready"

# The policy pack's own virtualenv (PulumiPolicy.yaml: virtualenv .venv), which the Pulumi CLI
# runs the pack with for `--policy-pack policies`, and so do the offline preview and the tests.
# One recipe for every target: the virtualenv is layered on .venv (tools.preview.pack_venv, no
# install and no network), then pip makes sure it holds what policies/requirements.txt lists
# (satisfied through .venv, whose requirements-dev.txt includes that file: nothing downloads).
PACK_PY := policies/.venv/bin/python
PACK_STAMP := policies/.venv/.requirements-stamp

$(PACK_STAMP): policies/requirements.txt | $(STAMP)
	$(PY) -m tools.preview.pack_venv policies
	$(PACK_PY) -m pip install --quiet --disable-pip-version-check -r policies/requirements.txt
	@touch $(PACK_STAMP)

deps: $(STAMP) $(PACK_STAMP)

dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist .

preview: $(STAMP) $(PACK_STAMP)
	$(PY) -m tools.preview --stack $(STACK)

lint: $(STAMP) lint-workflows
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy components tools environments handlers

# GitHub's workflow schema, then zizmor's security audits (offline; medium severity and above).
lint-workflows: $(STAMP)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/zizmor --offline --min-severity medium .github/workflows/*.yml

# The published @pulumi/awsguard pack, installed from npm (never committed) for the
# third-party-pack tests.
fixtures: $(AWSGUARD)/node_modules/.installed

$(AWSGUARD)/node_modules/.installed: $(AWSGUARD)/package.json $(AWSGUARD)/package-lock.json
	cd $(AWSGUARD) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Tests write bytecode even where the environment says not to (PYTHONDONTWRITEBYTECODE): the suite
# starts ~100 Python processes (previews, packs, the CLIs) that would otherwise compile the
# project's modules and pytest's rewritten test modules again each time. Each test file runs
# on one worker (--dist loadfile): the fixtures a file's tests share (a stack's program run, a
# pack process, a moto server) are then built once rather than once per worker, which saves
# about a sixth of the suite's CPU over spreading single tests. Files are handed out in
# collection order, where tests/conftest.py puts the long ones first.
test: lint fixtures
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile \
		--no-loadscope-reorder

cost: $(STAMP)
	$(PY) -m tools.cost --stack $(STACK)

docs: $(STAMP)
	$(PY) -m tools.docs

bench: $(STAMP) $(PACK_STAMP) fixtures
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) policies/.venv dist $(AWSGUARD)/node_modules .pytest_cache .mypy_cache .ruff_cache
