# Two commands for a fresh machine: `make run` starts the app, `make test` checks everything.
# Both go through run.py, which Windows users run without make (`py run.py`, `py run.py test`): it makes .venv,
# keeps its dependencies in step with pyproject.toml (a stamp holds the hash of the one installed), and holds the
# one list of checks that is the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint venv dev-venv serve bench bench-pinned bench-load bench-gui bench-workbench screenshots desktop undesktop app clean

run:
	$(PYTHON) run.py

lint:
	$(PYTHON) run.py lint

test:
	$(PYTHON) run.py test

# .venv with what the app needs; dev-venv adds the dev extra (the checks, benchmarks and builds).
venv:
	@$(PYTHON) run.py setup

dev-venv:
	@$(PYTHON) run.py setup dev

serve:
	$(PYTHON) run.py serve

# Mayus against streams, protocol, uvloop and c-epoll (built with gcc on first use, skipped without gcc).
bench: dev-venv
	$(BIN)/python -m bench.server_bench

# Mayus's load generator against a minimal C epoll one (bench/c/loadgen.c, built with gcc when present), same server.
bench-load: dev-venv
	$(BIN)/python -m bench.load_bench

# The same with the server under test on CPU 0 and the load generator on the others: the issue's targets.
bench-pinned: dev-venv
	$(BIN)/python -m bench.server_bench --pin

# The window under a 1,000-client flood (timer delay, throughput vs headless) and its startup time; Xvfb if no DISPLAY.
bench-gui: dev-venv
	$(BIN)/python -m bench.gui_bench

# The workbench's numbers: a search over the log's 5,000 lines, and the Tk tick while repeating every 10 ms.
bench-workbench: dev-venv
	$(BIN)/python -m bench.workbench_bench

# Linux: a menu entry with the icon that starts this checkout (~/.local/share/applications, icons/hicolor).
desktop: venv
	$(BIN)/python tools/desktop_entry.py install

undesktop:
	$(PYTHON) tools/desktop_entry.py uninstall

# One file that starts the window when double-clicked: dist/mayus (dist/mayus.exe on Windows).
app: dev-venv
	$(BIN)/python tools/build_app.py

# PNGs of the window (both themes, both languages) in screenshots/; under Xvfb when it is installed.
screenshots: dev-venv
	@if command -v xvfb-run >/dev/null 2>&1; then \
		xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python -m tools.screenshots screenshots; \
	else \
		$(BIN)/python -m tools.screenshots screenshots; \
	fi

clean:
	rm -rf $(VENV) build dist *.egg-info screenshots .mypy_cache .ruff_cache .pytest_cache .hypothesis
