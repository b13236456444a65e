# Bundle Inspector: everything a developer or CI runs goes through here.
# Needs only Python 3.11+ and make; the virtualenv is created on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The compiled kernels (docs/native.md): the editable install builds each
# inspector/native/*.pyx in place, and they are rebuilt when a source or setup.py changes.
# Without a C compiler the build warns and goes on, and the pure-Python twins run.
KERNELS := $(wildcard inspector/native/*.pyx)
NATIVE  := $(VENV)/.native-stamp
# The suites that reach a compiled kernel: `make test` runs them a second time on the twins
# (INSPECTOR_NO_EXTENSIONS=1), so both paths are proven on every run, in CI too.
TWIN_TESTS := tests/inspector/formats/test_sqlsplit.py tests/inspector/formats/test_sqlscan.py \
              tests/analyzers/sql tests/inspector/views/test_sql.py

.PHONY: setup native demo test lint bench screenshots clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(NATIVE)

$(NATIVE): $(KERNELS) setup.py | $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(NATIVE)

setup: $(STAMP)

native: $(NATIVE)
	$(BIN)/python -c "import inspector.native as n; print(n.backend(), n.status())"

# Builds a sample bundle and opens it in the app; with no display, prints the analysis.
demo: $(STAMP)
	$(BIN)/inspector demo

# The whole test suite, headless (Qt renders offscreen), plus the linter and the import
# contracts (pyproject.toml, docs/architecture.md).
test: $(STAMP) $(NATIVE)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	INSPECTOR_NO_EXTENSIONS=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(TWIN_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks print figures and ratios against reference tools; they assert nothing.
bench: $(STAMP) $(NATIVE)
	$(BIN)/python -m bench.run $(BENCH)

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info build
	rm -f inspector/native/*.c inspector/native/*.so
