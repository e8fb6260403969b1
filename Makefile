# The one place that knows how to do things. README and .ci/run call these targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs in this many processes (pytest-xdist; each has its own test database).
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
# WeasyPrint (the congress pack's PDF booklet) lays out text with Pango and HarfBuzz, and the
# booklet is set in DejaVu: Debian's packages, installed by `make deps` when missing.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
.PHONY: help run serve test lint fmt bench loadtest fixture screenshots clean deps

help:
	@echo "make run      install, migrate, load the seed chapter, demo accounts, serve on 127.0.0.1:$(PORT)"
	@echo "              with the worker that sends the notices' e-mails (manage.py db_worker)"
	@echo "make test     install test dependencies and run lint + the whole suite"
	@echo "make lint     ruff (lint and format check) and mypy"
	@echo "make fmt      ruff format and fix"
	@echo "make bench    build a Manifesto-scale data set in PostgreSQL and measure (bench/results/)"
	@echo "make loadtest a 60 s mixed load with locust against gunicorn on PostgreSQL, then checks"
	@echo "make deps     install the Debian packages the congress pack's PDF needs, when missing"
	@echo "make fixture  rebuild fixtures/seed.json from fixtures/*.txt with the importer"
	@echo "make screenshots  run the browser tests and save the README's screenshots"

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed" or 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@ $(VENV)/.base-installed

var:
	@mkdir -p var

deps:
	@missing=""; for package in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "The congress pack's PDF needs Pango, HarfBuzz and the DejaVu fonts:$$missing"; exit 0; fi; \
	SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	echo "Installing$$missing (for the congress pack's PDF)"; \
	$$SUDO apt-get update -qq || true; \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null

run: $(VENV)/.base-installed deps | var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed
	@echo "Serving on http://127.0.0.1:$(PORT)/, with the worker that sends e-mails (Ctrl-C stops both)"
	@# The worker runs in the background (a non-interactive shell makes it ignore Ctrl-C); the
	@# trap stops it (SIGTERM: it finishes its task first) whenever runserver ends.
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/bandit -q -r . -x ./.venv,./tests,./var --severity-level medium

fmt: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(VENV)/.dev-installed deps | var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/bandit -q -r . -x ./.venv,./tests,./var --severity-level medium
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: $(VENV)/.dev-installed deps | var
	$(PY) bench/run.py

loadtest: $(VENV)/.dev-installed | var
	$(PY) bench/loadtest.py

screenshots: $(VENV)/.dev-installed | var
	SAVE_SCREENSHOTS=1 $(PY) -m pytest tests/browser

fixture: $(VENV)/.base-installed | var
	rm -f var/fixture-build.sqlite3
	DATABASE_URL=sqlite:///var/fixture-build.sqlite3 $(PY) manage.py migrate --noinput --verbosity 0
	DATABASE_URL=sqlite:///var/fixture-build.sqlite3 $(PY) manage.py import_chapter fixtures/socialism-and-the-soviet-union.txt
	DATABASE_URL=sqlite:///var/fixture-build.sqlite3 $(PY) manage.py dumpdata --indent 1 \
		manifesto.Manifesto manifesto.HistoricalManifesto manifesto.Chapter manifesto.HistoricalChapter \
		manifesto.Paragraph manifesto.HistoricalParagraph manifesto.Milestone -o fixtures/seed.json
	rm -f var/fixture-build.sqlite3
	@echo "fixtures/seed.json rebuilt"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
