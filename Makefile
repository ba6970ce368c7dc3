# Set-up and everyday commands. Everything is installed into .venv; nothing else is touched,
# except Debian's chromium for the browser tests (installed with apt-get when missing).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve build validate test browser benchmark clean

$(BIN)/rsdir: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

serve: $(BIN)/rsdir
	$(BIN)/rsdir serve

validate: $(BIN)/rsdir
	$(BIN)/rsdir validate

# RSDIR_CHROMIUM=/path/to/chrome uses a browser that is already there (as on GitHub's runners).
browser:
	@[ -n "$$RSDIR_CHROMIUM" ] || command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

test: $(BIN)/rsdir browser
	$(BIN)/python -m pytest

benchmark: $(BIN)/rsdir
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) site benchmarks/out
