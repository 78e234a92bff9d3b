# Two commands do all the set-up: `make run` and `make test`.
# Each installs missing system libraries (Debian/Ubuntu), creates .venv on first use and installs
# the package from pyproject.toml: tools/bootstrap.py.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench screenshot clean

$(STAMP): pyproject.toml tools/debian-packages.txt tools/debian-test-packages.txt
	$(PYTHON) tools/bootstrap.py $(VENV) '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/annotator

# Worker processes (-n auto: one more than the cores, at most 4; tests/conftest.py), each test file
# whole on one worker, so a module's fixtures are built once; tests/pg_support.py keeps the workers
# apart on one PostgreSQL server. A single test or file: $(BIN)/python -m pytest tests/... runs in one process.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto --dist loadfile

# make bench BENCH_ARGS="--only search export" (see python -m bench --help)
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

screenshot: $(STAMP)
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python tools/screenshots.py docs

clean:
	rm -rf $(VENV) build *.egg-info
