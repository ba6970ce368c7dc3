# Set-up and everyday commands. Python packages go into .venv and the site's JavaScript libraries
# into node_modules (npm ci, pinned by package-lock.json); nothing else is touched, except Debian's
# nodejs/npm when npm is missing and Debian's chromium for the browser tests (apt-get).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
NPM_STAMP := node_modules/.package-lock.json
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup serve build validate catalogs test browser benchmark clean

setup: $(BIN)/rsdir $(NPM_STAMP)

$(BIN)/rsdir: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# --ignore-scripts: no package may run code at install time; the site only copies their files.
$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

serve: setup
	$(BIN)/rsdir serve

build: setup
	$(BIN)/rsdir build

validate: $(BIN)/rsdir
	$(BIN)/rsdir validate

# Extracts the messages into builder/locale/*.pot and merges them into every language's catalog.
catalogs: $(BIN)/rsdir
	$(BIN)/python -m builder.catalogs

# RSDIR_CHROMIUM=/path/to/chrome uses a browser that is already there (as on GitHub's runners).
browser:
	@[ -n "$$RSDIR_CHROMIUM" ] || command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest

benchmark: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules site benchmarks/out
