# Two commands for a fresh machine: `make run` starts the app, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run` installs only what the app needs; the checks, benchmarks and builds add the dev extra.
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.installed-dev-stamp

.PHONY: run test lint serve bench bench-pinned bench-load bench-gui screenshots desktop undesktop app clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import tkinter" 2>/dev/null || { echo "Tk is missing: install it with  sudo apt-get install python3-tk  and run make again."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "venv is missing: install it with  sudo apt-get install python3-venv  and run make again."; rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/python main.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n auto

serve: $(STAMP)
	$(BIN)/python main.py serve

# Mayus against streams, protocol, uvloop and c-epoll (built with gcc on first use, skipped without gcc).
bench: $(DEV_STAMP)
	$(BIN)/python -m bench.server_bench

# Mayus's load generator against a minimal C epoll one (bench/c/loadgen.c, built with gcc when present), same server.
bench-load: $(DEV_STAMP)
	$(BIN)/python -m bench.load_bench

# The same with the server under test on CPU 0 and the load generator on the others: the issue's targets.
bench-pinned: $(DEV_STAMP)
	$(BIN)/python -m bench.server_bench --pin

# The window under a 1,000-client flood (timer delay, throughput vs headless) and its startup time; Xvfb if no DISPLAY.
bench-gui: $(DEV_STAMP)
	$(BIN)/python -m bench.gui_bench

# Linux: a menu entry with the icon that starts this checkout (~/.local/share/applications, icons/hicolor).
desktop: $(STAMP)
	$(BIN)/python tools/desktop_entry.py install

undesktop:
	$(PYTHON) tools/desktop_entry.py uninstall

# One file that starts the window when double-clicked: dist/mayus (dist/mayus.exe on Windows).
app: $(DEV_STAMP)
	$(BIN)/python tools/build_app.py

# PNGs of the window (both themes, both languages) in screenshots/; under Xvfb when it is installed.
screenshots: $(DEV_STAMP)
	@if command -v xvfb-run >/dev/null 2>&1; then \
		xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python -m tools.screenshots screenshots; \
	else \
		$(BIN)/python -m tools.screenshots screenshots; \
	fi

clean:
	rm -rf $(VENV) build dist *.egg-info screenshots .mypy_cache .ruff_cache .pytest_cache .hypothesis
