# Every target bootstraps .venv on a fresh machine (needs only python3 with venv, and make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.bootstrapped

.PHONY: demo loadtest-demo test unit-and-functional conformance-setup wheel-test matrix matrix-lock bench bench-quick lint deadcode format layer model model-check clean

$(STAMP): requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## The main job: a real chat played through the public API against the built-in emulator.
demo: $(STAMP)
	$(BIN)/python -m boto3_connectparticipant_ext demo

## Locust (master + two workers, headless, 20 s) against emulators serving the support-flow bot.
loadtest-demo: $(STAMP)
	$(BIN)/python scripts/loadtest_demo.py --run-time 20s --html loadtest-report.html

## Everything CI runs: lint, types, the test suite, the built wheel, the compatibility matrix.
test: lint unit-and-functional wheel-test matrix bench-quick

unit-and-functional: $(STAMP) conformance-setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

## The conformance suite's tools (tests/conformance): the npm packages pinned in
## conformance/package-lock.json and Debian's Chromium. Missing tools fail here when CI=true;
## elsewhere the suite skips with the reason.
CONFORMANCE_STAMP := conformance/node_modules/.installed
CHROMIUM ?= /usr/bin/chromium

conformance-setup:
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(CONFORMANCE_STAMP); \
	else \
		echo "conformance: Node.js 20+ and npm are needed for tests/conformance"; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "conformance: Chromium is missing at $(CHROMIUM) (apt-get install chromium)"; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi

$(CONFORMANCE_STAMP): conformance/package.json conformance/package-lock.json
	cd conformance && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(CONFORMANCE_STAMP)

wheel-test: $(STAMP)
	$(BIN)/python scripts/wheel_smoke.py

matrix: $(STAMP)
	$(BIN)/nox --no-color -f noxfile.py -s matrix

matrix-lock: $(STAMP)
	$(BIN)/nox --no-color -f noxfile.py -s matrix-lock

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --quick

lint: $(STAMP)
	$(BIN)/ruff check boto3_connectparticipant_ext tests scripts benchmarks examples
	$(BIN)/ruff format --check boto3_connectparticipant_ext tests scripts benchmarks examples
	$(BIN)/mypy boto3_connectparticipant_ext examples scripts benchmarks tests noxfile.py
	$(BIN)/python scripts/check_imports.py
	$(BIN)/python scripts/check_test_layout.py
	$(BIN)/python scripts/check_contracts_doc.py
	$(BIN)/python scripts/check_deadcode.py

# Dead code in the package (vulture, 60% confidence, usages read from tests, examples, scripts
# and benchmarks too); what is used dynamically is listed, with its reason, in the script.
deadcode: $(STAMP)
	$(BIN)/python scripts/check_deadcode.py

format: $(STAMP)
	$(BIN)/ruff check --fix boto3_connectparticipant_ext tests scripts benchmarks examples
	$(BIN)/ruff format boto3_connectparticipant_ext tests scripts benchmarks examples

model: $(STAMP)
	$(BIN)/python scripts/build_model.py

model-check: $(STAMP)
	$(BIN)/python scripts/build_model.py --check

layer: $(STAMP)
	$(BIN)/python scripts/build_layer.py

clean:
	rm -rf $(VENV) .nox dist build layer .mypy_cache .ruff_cache .pytest_cache
