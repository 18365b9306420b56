# Set-up and checks. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Shows what the rules find in the bundled example app, then the fixes as a diff.
# Finding problems is the demo's job, so it exits 0.
demo: $(STAMP)
	$(BIN)/fastapi-status check examples/ --no-cache --exit-zero
	$(BIN)/fastapi-status check examples/ --no-cache --exit-zero --diff --unsafe-fixes

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerates docs/rules.md and the README's rules table from the rule modules (a test checks both).
docs: $(STAMP)
	$(BIN)/python -m fastapi_status.docs --write

clean:
	rm -rf $(VENV) .fastapi_status_cache .pytest_cache
