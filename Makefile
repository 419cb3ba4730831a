# Prospectus Portal: `make run` serves the portal with the BestNet demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.requirements-installed
SYSTEM_STAMP := build/.system-packages
PG_URL ?= postgres://postgres@127.0.0.1:5432/portal
# Debian packages: Pango for WeasyPrint, Liberation fonts named by the print stylesheet,
# poppler-utils for page images, Chromium for the browser tests, wrk for the load benchmark,
# nginx and openssl for `make prod-local` (TLS with a self-signed certificate) and its end-to-end test, redis-server
# for the Redis cache tests and benchmark (the rate limit's counters in production).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation poppler-utils chromium wrk nginx openssl redis-server

.PHONY: prod-local prod-local-stop run test lint check-migrations check-deploy test-sqlite test-postgres bench setup system-packages demo clean

setup: system-packages $(STAMP)

system-packages: $(SYSTEM_STAMP)

$(SYSTEM_STAMP): Makefile
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@mkdir -p build && touch $@

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	@touch $@

# PORT=host:port (or a bare port) serves `make run` elsewhere; links and the sign-in hint then start with
# http://host:port (0.0.0.0 reads as 127.0.0.1) unless PORTAL_BASE_URL is set.
RUN_PARTS := $(subst :, ,$(PORT))
RUN_HOST := $(if $(word 2,$(RUN_PARTS)),$(patsubst 0.0.0.0,127.0.0.1,$(firstword $(RUN_PARTS))),127.0.0.1)
ifdef PORT
run demo: export PORTAL_BASE_URL ?= http://$(RUN_HOST):$(lastword $(RUN_PARTS))
endif

# Safe to repeat: the demo dossier goes only into an empty database, and an existing admin user is left alone.
demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin

run: demo
	$(PY) manage.py runserver $${PORT:-127.0.0.1:8000}

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check-migrations: setup
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run

# Django's deployment checks with the production settings and their defaults: no warning may stand.
check-deploy: setup
	DJANGO_SETTINGS_MODULE=portal.settings.production DJANGO_ALLOWED_HOSTS=portal.example.com \
	  DATABASE_URL=sqlite:////tmp/x.sqlite3 PORTAL_BASE_URL=https://portal.example.com \
	  DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(PY) manage.py check --deploy --fail-level WARNING

test-sqlite: setup
	DATABASE_URL=sqlite:///build/test.sqlite3 $(VENV)/bin/pytest -q $(PYTEST_ARGS)

test-postgres: setup
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q $(PYTEST_ARGS)

test: lint check-migrations check-deploy test-sqlite test-postgres

# The production shape on this machine (docs/deploy.md): nginx with TLS on https://127.0.0.1:8443 (http 8080
# redirects), two gunicorn instances, one db_worker, PostgreSQL database portal_prodlocal, production settings.
# PROD_LOCAL_* variables change ports, database and directory (scripts/prod_local.py --help).
prod-local: setup
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	$(PY) scripts/prod_local.py start

# Stops exactly what `make prod-local` started (its pid files); the database and build/prod-local/ stay.
prod-local-stop:
	$(PY) scripts/prod_local.py stop

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build db.sqlite3 media
