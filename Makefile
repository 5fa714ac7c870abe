# Two commands: `make run` (demo service on SQLite) and `make test` (every check and test).
# Each step leaves a stamp, so a second run reinstalls nothing that has not changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in e-mails use this address: the port above, unless SERVICE_URL is already set.
SERVICE_URL ?= http://127.0.0.1:$(PORT)
MANAGE := $(BIN)/python manage.py
DEPS_STAMP := $(VENV)/.deps-installed
NODE_STAMP := node_modules/.deps-installed
CSS := build/static/css/application.css
JS := $(patsubst frontend/js/%,build/static/js/%,$(wildcard frontend/js/*.js))
STATIC_STAMP := var/static/.collected
SCSS := $(wildcard frontend/scss/*.scss)

.PHONY: run test check lint typecheck imports pytest assets install python-version lock clean worker

run: install $(STATIC_STAMP)
	@mkdir -p var
	$(MANAGE) migrate --no-input
	SERVICE_URL="$(SERVICE_URL)" $(MANAGE) seed_demo
	@echo ""
	@echo "  The service is starting at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo "  The worker beside it writes e-mails to var/mail/ (one .eml file each), linking to $(SERVICE_URL)/"
	@echo ""
	SERVICE_URL="$(SERVICE_URL)" scripts/run-dev $(BIN)/python $(PORT)

# The outbox worker alone (production runs it as its own service; see docs/operations.md).
worker: install
	SERVICE_URL="$(SERVICE_URL)" $(MANAGE) run_worker

test: install assets check pytest

check: lint typecheck imports ; $(BIN)/python scripts/check_thin_views.py

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

# worksteal: a worker that runs out of tests takes queued ones from the other, so the long migration and browser
# tests do not leave one core idle at the end (the default "load" hands out fixed batches).
pytest:
	DJANGO_SETTINGS_MODULE=cspr.settings.test $(BIN)/pytest -n auto --dist worksteal

install: python-version $(DEPS_STAMP) $(NODE_STAMP)

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { \
		echo "This project needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "Install Python 3.12 (with pyenv: 'pyenv install 3.12', then this folder's .python-version selects it)"; \
		echo "or run: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)"; \
		exit 1; }

$(DEPS_STAMP): requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/dev.txt
	@touch $@

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

assets: $(CSS) $(JS)

$(CSS): $(SCSS) $(NODE_STAMP)
	@mkdir -p $(dir $@)
	npm run --silent build:css

build/static/js/%.js: frontend/js/%.js $(NODE_STAMP)
	@mkdir -p $(dir $@)
	cp $< $@

$(STATIC_STAMP): $(CSS) $(JS) $(DEPS_STAMP) $(NODE_STAMP)
	$(MANAGE) collectstatic --no-input --clear --verbosity 0
	@touch $@

# Re-pin Python dependencies after editing requirements/*.in.
lock: python-version
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o prod.txt prod.in
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o dev.txt dev.in

clean:
	rm -rf $(VENV) node_modules build var/static
