# safetybot — every target creates .venv on first use (Python 3.11+ and make are all it needs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The shared evaluation data: SAFETYBOT_SHARED_DATA, else beside the checkout.
SHARED_DATA ?= $(or $(SAFETYBOT_SHARED_DATA),$(wildcard /work/shared/data),../shared/data)

.PHONY: run test lint fmt bench eval train clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## run the bot (SQLite by default)
	$(BIN)/safetybot run

test: $(STAMP)  ## run the test suite (in parallel, one worker per core)
	$(BIN)/pytest -q -n auto --dist loadfile

lint: $(STAMP)  ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(STAMP)  ## format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)  ## benchmarks, printed as one table
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m tests.bench

eval: $(STAMP)  ## quick-check quality: leave-one-slice-out first, then the extra datasets
	$(BIN)/safetybot eval --holdout $(SHARED_DATA)/checks/train \
		--also $(SHARED_DATA)/checks/corpus.jsonl \
		--jailbreakbench $(SHARED_DATA)/jailbreakbench/responses.jsonl \
		--pii $(SHARED_DATA)/pii/synth_dataset_v2.json

train: $(STAMP)  ## retrain the learned layer on the shared data (writes bot/checks/sentence_model.npz)
	$(BIN)/python -m bot.checks.train_model $(SHARED_DATA)/checks/train/*.jsonl \
		$(SHARED_DATA)/checks/corpus.jsonl

clean:
	rm -rf $(VENV) *.egg-info
