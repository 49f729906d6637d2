# kube-finops: the commands a user runs. Everything installs itself on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | sha1sum | cut -c1-12)

export DBT_PROFILES_DIR ?= $(CURDIR)/.dbt
export FINOPS_DUCKDB_PATH ?= data/finops.duckdb
export FINOPS_DUCKDB_EXTENSION_DIR ?= $(VENV)/duckdb_extensions
export PYTHONPATH := $(CURDIR)/scripts$(if $(PYTHONPATH),:$(PYTHONPATH))

LAKE_DIR ?= data/lake
RAW_PATH ?= $(LAKE_DIR)/raw
# window (inclusive report-timezone dates); empty = the dbt default (yesterday)
START ?=
END ?=
DEMO_START ?= 2026-07-01
DEMO_DAYS ?= 7
DBT_VARS = {raw_path: '$(RAW_PATH)'$(if $(START),$(comma) start_date: '$(START)')$(if $(END),$(comma) end_date: '$(END)')}
comma := ,

.PHONY: help setup demo sample-data build test test-python test-dbt lint format clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m kube_finops.install_extensions --dir $(FINOPS_DUCKDB_EXTENSION_DIR)
	@rm -f $(VENV)/.installed-*
	@touch $@

.dbt/profiles.yml: profiles.example.yml
	@mkdir -p .dbt
	@ln -sf ../profiles.example.yml .dbt/profiles.yml

setup: $(STAMP) .dbt/profiles.yml ## virtualenv with the pinned packages (idempotent)
	@mkdir -p data/duckdb_tmp

sample-data: setup ## write DEMO_DAYS days of sample raw data into LAKE_DIR
	$(BIN)/python -m kube_finops.sample_data --lake $(LAKE_DIR) --start-date $(DEMO_START) --days $(DEMO_DAYS) --overwrite

build: setup ## dbt build for START..END (inclusive) on RAW_PATH
	$(BIN)/dbt build --vars "$(DBT_VARS)"

DEMO_END := $(shell date -d "$(DEMO_START) + $$(( $(DEMO_DAYS) - 1 )) days" +%F)

demo: ## set up, generate 7 days of sample data, build the marts, print a summary per cluster
	$(MAKE) sample-data
	$(MAKE) build START=$(DEMO_START) END=$(DEMO_END)
	$(BIN)/python -m kube_finops.summary --duckdb $(FINOPS_DUCKDB_PATH) --start $(DEMO_START) --end $(DEMO_END)

test: setup setup-services ## everything CI runs: lint, pytest (incl. the dbt project on fixtures), dbt build + tests
	$(MAKE) lint
	$(BIN)/pytest

lint: setup ## sqlfluff, ruff, black
	$(BIN)/sqlfluff lint models tests macros
	$(BIN)/ruff check scripts tests
	$(BIN)/black --check --quiet scripts tests

format: setup ## apply black, ruff fixes and sqlfluff fixes
	$(BIN)/black --quiet scripts tests
	$(BIN)/ruff check --fix scripts tests
	$(BIN)/sqlfluff fix models tests macros

clean: ## remove build output (keeps the virtualenv)
	rm -rf target logs data/finops.duckdb data/duckdb_tmp

# --------------------------------------------------------------------------- extraction (SPEC §12)
# make extract START=2026-07-01T00 END=2026-07-01T02 PROMETHEUS_URL=http://prometheus:9090
# (UTC hours, END exclusive; without START/END: the last complete hour). Other options come from
# environment variables (see README "Extracting from Prometheus") or EXTRACT_ARGS.
EXTRACT_ARGS ?=
EXTRACT_WINDOW = $(if $(START),--start $(START)) $(if $(END),--end $(END))

.PHONY: extract extract-check setup-services bench-extract

extract: setup ## Prometheus -> hourly Parquet in LAKE_DIR (and S3 when S3_BUCKET is set)
	$(BIN)/python -m kube_finops.extract $(EXTRACT_WINDOW) --lake $(LAKE_DIR) $(if $(PROMETHEUS_URL),--prometheus-url $(PROMETHEUS_URL)) $(EXTRACT_ARGS)

extract-check: setup ## metric coverage for START..END: present/absent and series per metric
	$(BIN)/python -m kube_finops.extract --check $(EXTRACT_WINDOW) $(if $(PROMETHEUS_URL),--prometheus-url $(PROMETHEUS_URL)) $(EXTRACT_ARGS)

setup-services: ## install Debian's prometheus/promtool (test services) when missing
	@if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then \
		apt-get update -qq && apt-get install -y --no-install-recommends prometheus; \
	fi

bench-extract: setup setup-services ## extraction throughput: 500 containers x 2 h from a real Prometheus
	PYTHONPATH=$(CURDIR)/scripts:$(CURDIR)/tests/python $(BIN)/python tests/python/bench_extract.py
