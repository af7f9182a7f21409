# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run    install, create the SQLite database, load demo data, serve on :5000 and run the worker
#   make test   install the test tools (and Debian's chromium if missing), run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app meetup
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PO     := $(wildcard meetup/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: run test lint install install-dev browser fonts translations i18n-extract db vendor

PORT ?= 5000
# Links in mail and the share link point at the port served (make run PORT=5100 too).
BASE_URL ?= http://127.0.0.1:$(PORT)

# The web server and the worker (Procfile), their output as it comes; Ctrl-C stops both.
run: install translations db
	BASE_URL=$(BASE_URL) $(FLASK) demo
	@echo "Serving on http://127.0.0.1:$(PORT) with the worker beside it (Ctrl-C stops both)"
	PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONUNBUFFERED=1 BASE_URL=$(BASE_URL) $(BIN)/honcho start --port $(PORT)

test: install-dev translations browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint, format and layer checks (CI runs this before the tests).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

install: $(VENV)/.installed vendor fonts
install-dev: $(VENV)/.installed-dev vendor fonts

# Scripts from the npm registry that the pages load, served from static/vendor/ (never a CDN;
# git-ignored, built here). Each is one file of a pinned package version, checked against the
# sha512 integrity the registry publishes for it (`npm view NAME@VERSION dist.integrity`).
# The door page's QR decoder: ZXing's pure-JavaScript port (no WebAssembly), its browser build.
ZXING_VERSION   := 0.23.0
ZXING_INTEGRITY := sha512-6fkkoFwP8CHxl6ugnPsj74PLJgX2iRv5zczGAyt5OBzQgxFhuhF0NCEc4t4OvSr8xAv2MRLlI0Iu9ZGDZQ2urA==
VENDOR := static/vendor/zxing-library.min.js

vendor: $(VENDOR)

static/vendor/zxing-library.min.js: Makefile tools/npm_file.py
	$(PYTHON) tools/npm_file.py @zxing/library $(ZXING_VERSION) $(ZXING_INTEGRITY) package/umd/index.min.js $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[postgres,serve,run]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

db: install
	$(FLASK) db upgrade

translations: $(MO)

%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel compile -i $< -o $@

# After changing user-facing strings: refresh the catalogue, then translate
# the new entries in meetup/translations/ja/LC_MESSAGES/messages.po.
i18n-extract: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output \
		--no-wrap -o meetup/translations/messages.pot .
	$(BIN)/pybabel update -i meetup/translations/messages.pot -d meetup/translations \
		--no-fuzzy-matching --ignore-obsolete --no-wrap

# Receipts (領収書) embed Debian's Noto Sans CJK (RECEIPT_FONT in meetup/config.py).
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
fonts:
	@test -f $(CJK_FONT) || { \
		echo "Installing Debian's Noto CJK fonts for receipts (apt-get)..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; }
	@test -f $(CJK_FONT) || { \
		echo "ERROR: $(CJK_FONT) is missing and apt-get could not install fonts-noto-cjk; receipts cannot be drawn." >&2; \
		exit 1; }

# Debian's chromium drives the browser tests; Playwright never downloads one.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests (apt-get)..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { \
		echo "ERROR: chromium is not installed and apt-get could not install it; the browser tests cannot run." >&2; \
		exit 1; }
