# Two commands for a fresh machine with Python ≥ 3.11:
#   make run   — create .venv, install, migrate an SQLite database, load demo data, serve on :5000
#                (another port: make run PORT=8080)
#   make test  — the whole test suite: unit tests on SQLite and the browser suite (Chromium)
#                side by side; under CI also the deployment test and the unit tests on
#                PostgreSQL (.ci/test-all.sh says how; logs of each pass under /tmp)
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app interact
RUN_ENV := INTERACT_SECRET_KEY_FILE=instance/secret_key INTERACT_SESSION_COOKIE_SECURE=false INTERACT_REMEMBER_COOKIE_SECURE=false \
	INTERACT_DEMO=true INTERACT_PUBLIC_BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: run test test-sqlite test-browser test-deployment test-postgres install clean bench bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,browser,postgres,redis,s3,server,semantic]'
	touch $(STAMP)

install: $(STAMP)

instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > instance/secret_key
	chmod 600 instance/secret_key

run: install instance/secret_key
	$(RUN_ENV) $(FLASK) db upgrade
	$(RUN_ENV) $(FLASK) seed-demo
	$(RUN_ENV) $(FLASK) demo-logins --port $(PORT)
	$(RUN_ENV) $(FLASK) serve-demo --host 127.0.0.1 --port $(PORT)

test: install
	.ci/test-all.sh $(BIN)/python

# The browser journeys alone (real app + Debian's Chromium); see docs/testing.md.
test-browser: install
	.ci/with-chromium.sh $(BIN)/python -m pytest tests/browser

# The deployment test alone (PostgreSQL, Redis, S3, two gunicorn machines, a scheduler);
# installs redis-server and PostgreSQL from Debian's packages when missing.
test-deployment: install
	.ci/deployment-test.sh $(BIN)/python -m pytest tests/deployment

test-postgres: install
	.ci/with-postgres.sh $(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/faq_eval.py
	$(BIN)/python bench/faq_scale.py
	$(BIN)/python bench/faq_demo_eval.py

# The load benchmark (docs/performance.md): the project against a Flask hello-world under
# the same gunicorn settings; ARGS="--quick" for a short run, ARGS="--letters 300000" …
bench-load: install
	$(BIN)/python -m pip install --quiet -e '.[server]'
	$(BIN)/python bench/load.py $(ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
