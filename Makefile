# songrec: `make run` sets up and serves the app, `make test` runs the checks. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# The dataset: a path (plain or .gz CSV) or an http(s) URL with DATASET_SHA256; defaults to what
# catalog/dataset_finder.py finds in ../shared/data (the tests and benchmarks use the same finder).
# Without ../shared/data and without DATASET: the upstream file, downloaded once into var/downloads and pinned.
UPSTREAM_DATASET ?= https://huggingface.co/datasets/maharshipandya/spotify-tracks-dataset/resolve/main/dataset.csv
UPSTREAM_DATASET_SHA256 := b202fa49909b2d5cef71a04b1d21243cfeb36414535f2ca9272aa646721177bd
DATASET ?= $(or $(shell $(PYTHON) -m catalog.dataset_finder),$(UPSTREAM_DATASET))
DATASET_SHA256 ?= $(if $(filter $(UPSTREAM_DATASET),$(DATASET)),$(UPSTREAM_DATASET_SHA256))
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# pytest-xdist processes for the tests: each has its own test database (test_…_gw0, …) and the next Redis
# database after TEST_REDIS_URL's; tests/conftest.py says how tests are shared out. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
PYTEST_PARALLEL = -n $(TEST_WORKERS)
# The tests' scratch files (tmp_path, MLflow stores, the SQLite demo databases some tests migrate) in memory where
# the machine has /dev/shm: SQLite syncs every commit to disk otherwise, about 7 ms each.
TEST_TMPDIR ?= $(or $(wildcard /dev/shm),$(TMPDIR),/tmp)
PYTEST = DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
  TMPDIR=$(TEST_TMPDIR) $(BIN)/pytest $(PYTEST_PARALLEL)
# Python keeps its compiled bytecode (__pycache__/, ignored by git) even where the environment says not to
# (PYTHONDONTWRITEBYTECODE): otherwise every test process, and every process a test starts, compiles the project
# and its tests again (about 7 s each).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install install-dev run data index clusters serve test test-fast lint typecheck bench

# What the app needs (`make run`); the tests' tools come on top for test, lint, typecheck and bench.
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

# Serves as soon as the catalog is in: the index and the clusters are built meanwhile by a second process (its
# output in var/setup.log) while every page says how far the first build is. Ctrl-C stops the server; then, or on
# a SIGTERM to make's process group, the build gets a SIGTERM too, which marks an unfinished version failed and
# cleans it up (songrec/lib/console.py); the next `make run` builds again.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(MAKE) --no-print-directory data
	@mkdir -p var; \
	  $(MAKE) --no-print-directory index clusters >var/setup.log 2>&1 & setup=$$!; \
	  trap 'kill -TERM $$setup 2>/dev/null' TERM; trap : INT; \
	  echo "Building the index and the clusters in the background (var/setup.log); pages say how far it is."; \
	  $(MAKE) --no-print-directory serve; status=$$?; \
	  kill -TERM $$setup 2>/dev/null; wait $$setup; exit $$status

data: install
	@if [ -z "$(DATASET)" ]; then \
	  echo "No dataset: put the Spotify Tracks Dataset CSV in ../shared/data or run 'make run DATASET=path/or/url DATASET_SHA256=hex'." >&2; \
	  exit 1; fi
	$(BIN)/python manage.py import_tracks "$(DATASET)" $(if $(DATASET_SHA256),--sha256 $(DATASET_SHA256)) --skip-if-loaded

# Nothing when the index is up to date, an incremental update when a few tracks changed (hidden in the admin, say),
# a full build the first time or after many changes (recommender/index/incremental.py).
index: install
	$(BIN)/python manage.py rebuild_index --incremental

# Skipped when the serving index version is already clustered; about a minute for the whole dataset otherwise.
clusters: install
	$(BIN)/python manage.py build_clusters

# One process without the autoreloader, so Ctrl-C or a SIGTERM to make's process group stops it cleanly.
serve: install
	exec $(BIN)/python manage.py runserver --noreload $(HOST)

lint: install-dev
	$(BIN)/ruff check .

# mypy with django-stubs over the modules pyproject.toml's [tool.mypy] lists (the settings module is imported).
typecheck: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} $(BIN)/mypy

test: install-dev lint typecheck
	$(PYTEST) $(PYTEST_ARGS)

# The quick loop: everything but the real-data suite (tests/realdata/), the browser tests and the tests that
# start a real Celery worker. Same databases as `make test`.
test-fast: install-dev lint typecheck
	$(PYTEST) -m "not dataset and not browser and not celery_worker" $(PYTEST_ARGS)

# Point DATABASE_URL at a scratch database first: the benchmarks empty and refill the catalog.
bench: install-dev
	$(BIN)/python bench/bench_import.py $(DATASET)
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_index.py $(DATASET)
	$(BIN)/python bench/bench_recommend.py
	$(BIN)/python bench/bench_evaluation.py
	$(BIN)/python bench/bench_crawl.py
