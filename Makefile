# 党建学习助手 — set-up and run targets. Everything installs into ./.venv from pinned requirements.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KB     ?= knowledge_base
TORCH_VERSION := 2.13.0
TORCH_INDEX   ?= https://download.pytorch.org/whl/cpu

export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run ingest app test eval bench clean

# torch is the CPU build: a wheel already on this machine (pip's find-links) first, else PyTorch's CPU
# index (PyPI's default torch wheel is the CUDA build, gigabytes that a CPU machine never uses)
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-index --no-deps "torch==$(TORCH_VERSION)" 2>/dev/null || \
	  $(BIN)/python -m pip install -q --no-deps "torch==$(TORCH_VERSION)" --index-url $(TORCH_INDEX)
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

## make run [KB=../shared/corpus]: launch the app at once; it indexes the knowledge base behind the page
## (incremental, regulations first, progress on the page). An empty knowledge_base/ with ../shared/corpus
## beside the checkout: the app indexes that corpus instead and says so (DANGJIAN_KB_FALLBACK_DIR= turns it off)
run: setup
	DANGJIAN_KB_DIR=$(KB) $(BIN)/python app.py

ingest: setup
	DANGJIAN_KB_DIR=$(KB) $(BIN)/dangjian ingest $(KB)

## make app: the app without indexing at start-up (serves the index as it is)
app: setup
	DANGJIAN_KB_DIR=$(KB) DANGJIAN_INGEST_ON_START=0 $(BIN)/python app.py

## make test: the test suite (needs ../shared beside the repo for the corpus tests)
test: setup
	$(BIN)/python -m pytest

## make eval / make bench: retrieval evaluation and benchmarks (not part of the tests)
eval: setup
	$(BIN)/python -m eval.retrieval

bench: setup
	$(BIN)/python -m eval.bench

clean:
	rm -rf $(VENV) data .pytest_cache
