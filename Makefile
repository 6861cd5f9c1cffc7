# safetybot — every target creates .venv on first use (Python 3.11+ and make are all it needs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The shared evaluation data: SAFETYBOT_SHARED_DATA, else beside the checkout.
SHARED_DATA ?= $(or $(SAFETYBOT_SHARED_DATA),../shared/data)
# Training slices written for this project (tests/data/checks/README.md), joined to the shared ones.
TEAM_TRAIN := $(wildcard tests/data/checks/train/*.jsonl)

# The locks, every file hash-pinned: requirements.lock (the bot, the PostgreSQL driver and the
# judge extra's model SDKs: the Docker image, the wheel smoke test), requirements-dev.lock (plus the dev extra: .venv) and
# requirements-build.lock (pyproject.toml's build-system, which builds the image's wheel).
LOCK_TOOL := uv==0.13.9
LOCK_ARGS := --quiet --generate-hashes --universal --python-version 3.11 --custom-compile-command "make lock"

.PHONY: run test lint fmt bench eval train lock clean

$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)  ## run the bot (SQLite by default)
	$(BIN)/safetybot run

test: $(STAMP)  ## run the test suite (four workers: many tests wait on HTTP and threads; the slowest 15 printed)
	$(BIN)/pytest -q -n 4 --dist loadfile --durations=15

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

eval: $(STAMP)  ## quick-check quality: leave-one-slice-out over the shared and the team's slices first, the blind slice, then the extra datasets
	$(BIN)/safetybot eval --holdout $(SHARED_DATA)/checks/train --holdout tests/data/checks/train \
		--also $(SHARED_DATA)/checks/corpus.jsonl \
		--blind tests/data/checks/blind-slice.jsonl \
		--jailbreakbench $(SHARED_DATA)/jailbreakbench/responses.jsonl \
		--pii $(SHARED_DATA)/pii/synth_dataset_v2.json

train: $(STAMP)  ## retrain the learned layer on the shared data and the team's slices (writes bot/checks/sentence_model.npz)
	$(BIN)/python -m bot.checks.train_model $(SHARED_DATA)/checks/train/*.jsonl \
		$(SHARED_DATA)/checks/corpus.jsonl $(TEAM_TRAIN)

lock:  ## regenerate requirements.lock and requirements-dev.lock from pyproject.toml (LOCK_UPGRADE=1: newest transitive versions)
	tools="$$(mktemp -d)" && trap 'rm -rf "$$tools"' EXIT \
		&& $(PYTHON) -m venv "$$tools" \
		&& "$$tools/bin/pip" install --quiet '$(LOCK_TOOL)' \
		&& "$$tools/bin/uv" pip compile pyproject.toml $(LOCK_ARGS) $(if $(LOCK_UPGRADE),--upgrade) \
			--extra postgres --extra judge -o requirements.lock \
		&& "$$tools/bin/uv" pip compile pyproject.toml $(LOCK_ARGS) $(if $(LOCK_UPGRADE),--upgrade) \
			--extra dev -o requirements-dev.lock \
		&& $(PYTHON) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
			| "$$tools/bin/uv" pip compile - $(LOCK_ARGS) $(if $(LOCK_UPGRADE),--upgrade) -o requirements-build.lock

clean:
	rm -rf $(VENV) *.egg-info
