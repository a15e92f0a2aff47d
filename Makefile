# Schakel — common tasks. `make run` and `make test` are all a newcomer needs.
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SCHAKEL := $(BIN)/schakel
PYTEST_WORKERS ?= auto

.PHONY: install run test test-unit test-browser lint fmt messages compilemessages demo bench bench-match worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(SCHAKEL) migrate --noinput
	$(SCHAKEL) demo --if-empty
	$(SCHAKEL) serve --port $(PORT)

worker: install
	$(SCHAKEL) worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(SCHAKEL) makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=check-only-$$(date +%s)-not-used-for-anything-real-at-all ALLOWED_HOSTS=schakel.example \
		$(SCHAKEL) check --deploy --fail-level WARNING

test-unit: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser" -q

test-browser: install
	$(BIN)/pytest -m browser -q -p no:xdist

test: lint test-unit test-browser

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

MESSAGES_IGNORE := --ignore '.venv/*' --ignore 'schakel/static/vendor/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'tests/*'

messages: install
	$(BIN)/python manage.py makemessages -l nl -l en -l fr --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python scripts/fill_english_catalogue.py
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

compilemessages: install
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

demo: install
	$(SCHAKEL) migrate --noinput
	$(SCHAKEL) demo

# Benchmarks report figures and ratios; they never fail on a timing (shared, noisy machines).
bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.facilities
	$(BIN)/python -m bench.facilities --database sqlite

bench-match: install
	$(BIN)/python -m schakel.matching.bench --dev-dir ../shared/bench/matching-dev
	$(BIN)/python -m bench.matching_reverse --companies 100000

clean:
	rm -rf $(VENV) var staticfiles
