# Two entry points: `make run` (serve on the embedded database with demo data) and
# `make test`. Both build .venv from uv.lock first, with the Python 3.13 that pyenv
# (or the PATH) provides.
PYTHON313 := $(shell (pyenv which python3.13 2>/dev/null || command -v python3.13 || ls -d $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null) | tail -n 1)
UV := .venv/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Bytecode is compiled and kept: uv compiles the dependencies once at install, and Python
# caches the project's modules (and pytest its rewritten tests) in __pycache__. Where
# PYTHONDONTWRITEBYTECODE is set, every Python process the tests start (servers, engines,
# cli.py) would otherwise compile some 1,700 modules from source, 3-5 s of CPU each.
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install web run test lint bench fuzz clean

.venv/.synced: pyproject.toml uv.lock
	@test -n "$(PYTHON313)" || { echo "Python 3.13 not found (install it with pyenv: pyenv install 3.13)"; exit 1; }
	@test -x .venv/bin/python || $(PYTHON313) -m venv .venv
	@test -x $(UV) || .venv/bin/python -m pip install --quiet "uv==0.13.9"
	$(UV) sync --frozen --python .venv/bin/python --group secantus --group mongoeco
	@touch $@

install: .venv/.synced

# The web app is rebuilt only when its sources or the API schema changed.
WEB_SOURCES := $(shell find web/src web/public web/scripts -type f 2>/dev/null) web/index.html web/package.json web/package-lock.json web/tsconfig.json web/vite.config.ts schema.graphql

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $@

web/dist/.built: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run build
	@touch $@

web: web/dist/.built

run: install web
	.venv/bin/python server.py --demo

# The whole suite on each embedded engine (or once on the MongoDB at MONGODB_TEST_URI); both
# runs go on when one fails, and the target fails if either did. Three pytest-xdist workers on
# the two cores, each with its own engine, a test module per worker at a time: a worker waits
# on its engine and on the server processes it starts about as much as it computes, so two
# left about a fifth of the cores' time idle (README, *The test suite on each engine*).
ENGINES := $(if $(MONGODB_TEST_URI),mongodb,secantus mongoeco)
TEST_WORKERS ?= 3
test: install
	@status=0; for engine in $(ENGINES); do \
	  echo "=== test suite on $$engine ==="; \
	  EMBEDDED_ENGINE=$$engine .venv/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS) || status=1; \
	done; exit $$status

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .

# The generated-request run of tests/test_fuzz.py with a larger budget.
fuzz: install
	FUZZ_CASES=5000 .venv/bin/python -m pytest tests/test_fuzz.py -q

bench: install
	.venv/bin/python -m bench

clean:
	rm -rf .venv data .pytest_cache .ruff_cache .mypy_cache web/node_modules web/dist
