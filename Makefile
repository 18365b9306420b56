# Set-up and checks. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test docs clean editor

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

test: $(STAMP) editor
	$(BIN)/python -m pytest

# tests/editor drives a real headless Neovim (Debian's package): install it when missing and apt
# can (as root, or with password-less sudo); otherwise those tests skip and say why.
editor:
	@command -v nvim >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing neovim for the editor tests"; \
	    $$SUDO apt-get install -y -q neovim >/dev/null 2>&1 || \
	    { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q neovim >/dev/null 2>&1; } || \
	    echo "note: could not install neovim; tests/editor will be skipped"; \
	  else echo "note: neovim is missing and cannot be installed here; tests/editor will be skipped"; fi; }

# Regenerates docs/rules.md and the README's rules table from the rule modules (a test checks both).
docs: $(STAMP)
	$(BIN)/python -m fastapi_status.docs --write

clean:
	rm -rf $(VENV) .fastapi_status_cache .pytest_cache
