# Bundle Inspector: everything a developer or CI runs goes through here.
# Needs only Python 3.11+ and make; the virtualenv is created on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Builds a sample bundle and opens it in the app; with no display, prints the analysis.
demo: $(STAMP)
	$(BIN)/inspector demo

# The whole test suite, headless (Qt renders offscreen), plus the linter and the import
# contracts (pyproject.toml, docs/architecture.md).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks print figures and ratios against reference tools; they assert nothing.
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
