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

messages: install
	cd schakel && ../$(SCHAKEL) makemessages -l nl -l en -l fr --no-obsolete --ignore 'static/vendor/*'
	cd schakel && ../$(SCHAKEL) compilemessages

compilemessages: install
	cd schakel && ../$(SCHAKEL) compilemessages

demo: install
	$(SCHAKEL) migrate --noinput
	$(SCHAKEL) demo

bench: install
	$(BIN)/python -m bench.run

bench-match: install
	$(BIN)/python -m schakel.matching.bench --dev-dir ../shared/bench/matching-dev

clean:
	rm -rf $(VENV) var staticfiles
