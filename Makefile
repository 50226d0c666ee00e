# Two entry points for a fresh machine (see README): `make run` and `make test`.
# Both are idempotent: the venv is built once and reused until pyproject.toml changes.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test browser bench eval-baseline

$(PY):
	python3 -m venv $(VENV)

# torch first, pinned: the CPU wheel lies on local disk; unpinned, pip pulls a CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	$(PY) -m pip check
	touch $(STAMP)

setup: $(STAMP)

# Main job: index corpus/ (incrementally) and serve the chat page and API on 127.0.0.1:8000.
run: setup
	HF_HUB_OFFLINE=1 $(VENV)/bin/assistant serve --ingest corpus

# Debian's Chromium for the chat-page test (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and not root: the browser test will be skipped"; fi; }

test: setup browser
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q

bench: setup
	HF_HUB_OFFLINE=1 $(PY) -m eval.bench.bench_index

eval-baseline: setup
	HF_HUB_OFFLINE=1 $(PY) -m eval.run --baseline
