# eventsys — two commands on a fresh machine:
#   make run    set up, upgrade the database, seed the demo if empty, serve http://127.0.0.1:5000
#   make test   set up, then the whole test suite on SQLite and PostgreSQL
# Production: make serve (gunicorn) and make worker (background jobs); see docs/deploy.md
PYTHON_BASE ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -n 2 -p no:cacheprovider

.PHONY: setup run test serve worker vendor translations system-deps lint clean i18n

setup: system-deps $(VENV)/.installed static/vendor/.installed translations

system-deps:
	@bash scripts/system-deps.sh

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.installed: node_modules/.installed scripts/vendor.py
	$(PY) scripts/vendor.py
	touch $@

vendor: static/vendor/.installed

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d translations

run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "eventsys is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@$(FLASK) jobs worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT) --no-reload

# Production (docs/deploy.md): migrations, then gunicorn with gunicorn.conf.py; jobs in `make worker`.
serve: setup
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn -c gunicorn.conf.py app:app

worker: setup
	$(FLASK) jobs worker

test: setup
	CI=$${CI:-} $(VENV)/bin/pytest $(PYTEST_ARGS)

# After adding or changing messages: extract them, then add Thai to translations/th_sources/.
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o messages.pot . >/dev/null 2>&1
	$(VENV)/bin/pybabel update -i messages.pot -d translations -l th --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
	$(PY) scripts/i18n_fill.py
	$(VENV)/bin/pybabel compile -d translations

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
