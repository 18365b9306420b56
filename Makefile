# Set-up and checks. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-e2e docs clean editor browser bench eval

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
	@if [ -n "$$CI" ]; then $(MAKE) --no-print-directory test-e2e; else echo "(the VS Code end-to-end test runs with make test-e2e, and in make test when CI is set)"; fi

# The VS Code extension: lint, unit tests, the packaged .vsix, then a real VS Code (code-server,
# installed by ../shared/install-code-server) in headless Chromium (Debian's package).
test-e2e: $(STAMP) browser
	cd vscode-client && npm ci --no-audit --no-fund && npm run lint && npm test && npm run package
	cd vscode-client && node e2e/run.mjs "$$(ls -t fastapi-status-*.vsix | head -1)"

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

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing chromium for the VS Code end-to-end test"; \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q chromium >/dev/null 2>&1; }; }

# Speed and memory on the public corpora next to ruff, fastapi-lsp and plain ast.parse, against the
# project's targets (a few minutes; never part of make test). bench/run.py makes its own venv
# (bench/.venv) and writes bench/results/latest.json. Quicker: make bench BENCH_ARGS="--skip-peers"
# or BENCH_ARGS="--only server" (groups: check, routes, server, analysis).
bench:
	$(PYTHON) bench/run.py $(BENCH_ARGS)

# Accuracy on the eight public corpora against the labels in bench/eval/ (fetches the corpora;
# never part of make test). Prints precision per rule, recall on the random sample, and every
# finding nobody has labelled yet. EVAL_ARGS="--markdown" prints the README's table.
eval: $(STAMP)
	$(BIN)/python bench/eval/run.py $(EVAL_ARGS)

clean:
	rm -rf $(VENV) .fastapi_status_cache .pytest_cache vscode-client/node_modules vscode-client/dist vscode-client/dist-test vscode-client/bundled vscode-client/e2e/.work vscode-client/*.vsix
