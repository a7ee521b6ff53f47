# rnn-slides: every target sets up .venv on first use, so on a fresh machine
# `make slides` and `make test` are each one command.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config fonts-dejavu-core

.PHONY: setup system-deps tts slides revealjs test test-slow test-all bench figures lint lock clean

setup: $(STAMP)

# System libraries that pycairo and manimpango compile against.
system-deps:
	@if pkg-config --exists cairo pangocairo 2>/dev/null && fc-list 2>/dev/null | grep -qi dejavu; then \
	  exit 0; \
	fi; \
	echo "rnn-slides: cairo/pango development files or fonts are missing; installing: $(APT_PACKAGES)"; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null || \
	  { echo "rnn-slides: apt-get failed; run: apt-get update && apt-get install -y $(APT_PACKAGES)"; exit 1; }; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null || \
	  { echo "rnn-slides: apt-get failed; run: sudo apt-get install -y $(APT_PACKAGES)"; exit 1; }; \
	else \
	  echo "rnn-slides: cannot install system packages here. Install cairo and pango development files, then rerun:"; \
	  echo "  Debian/Ubuntu: sudo apt-get install -y $(APT_PACKAGES)"; \
	  echo "  Fedora:        sudo dnf install -y cairo-devel pango-devel pkgconf-pkg-config dejavu-sans-fonts"; \
	  echo "  macOS:         brew install cairo pango pkg-config"; \
	  exit 1; \
	fi

# The offline draft voice of `--narration tts` on Linux: the eSpeak NG program (macOS and
# Windows speak with their own voices through pyttsx3). Installed by `make setup` when apt
# can; a machine without it renders everything else and says how to add it.
TTS_PACKAGES := espeak-ng
tts:
	@if command -v espeak-ng >/dev/null 2>&1 || command -v espeak >/dev/null 2>&1 || [ "$$(uname -s)" != Linux ]; then \
	  exit 0; \
	fi; \
	echo "rnn-slides: installing $(TTS_PACKAGES) (the offline draft voice of --narration tts)"; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TTS_PACKAGES) >/dev/null || \
	  { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TTS_PACKAGES) >/dev/null; } || \
	  echo "rnn-slides: apt-get failed; --narration tts needs: apt-get install -y $(TTS_PACKAGES)"; \
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TTS_PACKAGES) >/dev/null || \
	  echo "rnn-slides: apt-get failed; --narration tts needs: sudo apt-get install -y $(TTS_PACKAGES)"; \
	else \
	  echo "rnn-slides: --narration tts needs eSpeak NG: sudo apt-get install -y $(TTS_PACKAGES)" \
	    "(Fedora: sudo dnf install -y espeak-ng); everything else works without it"; \
	fi

$(STAMP): pyproject.toml constraints.txt | system-deps tts
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "rnn-slides: Python >= 3.11 is needed; set PYTHON=/path/to/python3.11 and rerun"; exit 1; }
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV) || \
	  { echo "rnn-slides: could not create $(VENV); install the venv module (Debian: apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install -q -c constraints.txt --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	@touch $(STAMP)

# Refresh constraints.txt (the versions every `make setup` installs, tested by CI) from what
# the registry serves today: a throw-away venv, an unconstrained install, a freeze.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -q --upgrade pip
	.lock-venv/bin/python -m pip install -q -e '.[test]'
	{ echo "# Versions installed by make setup (pip -c). Refresh with: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable --all | grep -v '^setuptools==' | sort -f; } > constraints.txt
	rm -rf .lock-venv
	@echo "rnn-slides: constraints.txt refreshed; run make test before committing it"

# The default lecture deck: every lecture, light theme, out/deck-all-720p15.html. Each step
# plays as a 720p15 video and then rests on a vector drawing of its last frame (crisp on any
# projector, where a slide spends nearly all its time), at the cost of the old 480p deck.
# `deck --all --to html -q h --fps 30` is the all-video 1080p30 deck. A self-contained HTML
# file that works with no network (reveal.js is fetched once from the npm registry, as cairo
# comes from apt). `make slides OFFLINE=0` writes a deck that loads reveal.js from a CDN instead.
OFFLINE ?= 1
REVEALJS := node_modules/reveal.js/dist/reveal.js
slides: setup $(if $(filter 1,$(OFFLINE)),$(REVEALJS),)
	$(PY) render.py deck --all --to html -q m --fps 15 $(if $(filter 1,$(OFFLINE)),--offline,)

# A local reveal.js (the version manim-slides 5.7 uses) for offline HTML decks.
revealjs: $(REVEALJS)

$(REVEALJS):
	@command -v npm >/dev/null 2>&1 || { \
	  echo "rnn-slides: npm is needed once to fetch reveal.js for an offline deck."; \
	  echo "  install it (Debian/Ubuntu: sudo apt-get install -y npm; macOS: brew install node), then rerun,"; \
	  echo "  or run 'make slides OFFLINE=0' for a deck that loads reveal.js from a CDN."; \
	  exit 1; }
	npm install --no-save --no-audit --no-fund --loglevel=error reveal.js@6.0.1 || { \
	  echo "rnn-slides: 'npm install reveal.js@6.0.1' failed (no registry access?);"; \
	  echo "  rerun when online, or run 'make slides OFFLINE=0' for a deck that loads reveal.js from a CDN."; \
	  exit 1; }

# Tests run on every core (pytest-xdist); each lecture's scene tests stay on one worker.
TEST_WORKERS ?= auto
test: setup
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

test-slow: setup
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup -m slow

test-all: setup
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup -m 'slow or not slow'

# Ratios against references measured in the same run (torch is optional: pip install torch==2.13.0).
bench: setup
	$(PY) tests/bench/run.py

figures: setup
	$(PY) render.py figures -o out

# Retrain the shipped models (rnn_core/models/*.npz) from their seeds; the file is replaced
# only when the new model passes its story checks.
models: setup
	$(PY) -m rnn_core.pretrained --retrain

lint: setup
	$(PY) -m ruff check .

clean:
	rm -rf out media .pytest_cache
