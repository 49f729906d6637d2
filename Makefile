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
# the read-only snapshot of the marts that `make build` publishes for the API and analysts
export FINOPS_PUBLISH_PATH ?= data/published/finops.duckdb
export FINOPS_DUCKDB_EXTENSION_DIR ?= $(VENV)/duckdb_extensions
export PYTHONPATH := $(CURDIR)/scripts$(if $(PYTHONPATH),:$(PYTHONPATH))

# dbt target: dev (DuckDB, FINOPS_DUCKDB_PATH) or spark (dbt-spark session; state in SPARK_STATE_DIR)
TARGET ?= $(or $(FINOPS_DBT_TARGET),dev)
export FINOPS_DBT_TARGET := $(TARGET)
export SPARK_STATE_DIR ?= data/spark

LAKE_DIR ?= data/lake
RAW_PATH ?= $(LAKE_DIR)/raw
# User values never go through YAML or unquoted shell words: dbt gets the lake path from the
# environment (dbt_project.yml reads FINOPS_RAW_PATH), Python gets arguments quoted with $(call q,...),
# so a path such as "data/it's lake" works.
export FINOPS_RAW_PATH := $(RAW_PATH)
# q: one shell word holding the value as it is ('it'\''s' for it's)
q = '$(subst ','\'',$(1))'
# window (inclusive report-timezone dates); empty = the dbt default (yesterday)
START ?=
END ?=
DEMO_START ?= 2026-07-01
DEMO_DAYS ?= 7
# days of history before DEMO_START that the demo builds first (trend bands, dormant namespaces)
DEMO_HISTORY_DAYS ?= 14
# The window goes to dbt as FINOPS_START_DATE / FINOPS_END_DATE (read at execution time), not as
# --vars: a changed --vars makes dbt re-parse the whole project (4-8 s) on every daily run.
DBT_WINDOW_ENV = FINOPS_START_DATE=$(call q,$(START)) FINOPS_END_DATE=$(call q,$(END))
# `make build` skips the dbt unit tests (fixed inputs, nothing to do with the window's data: about
# 3 s a run); `make test` runs them (pytest's dbt builds) and `make test-dbt` runs them alone.
DBT_BUILD_ARGS ?= --exclude-resource-type unit_test

.PHONY: help setup demo sample-data build publish test test-python test-dbt lint format clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m kube_finops.install_extensions --dir $(call q,$(FINOPS_DUCKDB_EXTENSION_DIR))
	@rm -f $(VENV)/.installed-*
	@touch $@

.dbt/profiles.yml: profiles.example.yml
	@mkdir -p .dbt
	@ln -sf ../profiles.example.yml .dbt/profiles.yml

setup: $(STAMP) .dbt/profiles.yml ## virtualenv with the pinned packages (idempotent)
	@mkdir -p data/duckdb_tmp

sample-data: setup ## write DEMO_HISTORY_DAYS + DEMO_DAYS days of sample raw data and inventory snapshots into LAKE_DIR
	$(BIN)/python -m kube_finops.sample_data --lake $(call q,$(LAKE_DIR)) --start-date $(DEMO_HISTORY_START) \
	  --days $$(( $(DEMO_HISTORY_DAYS) + $(DEMO_DAYS) )) --overwrite

SPARK_EXCLUDE = $(if $(filter spark,$(TARGET)), --exclude tag:duckdb_only)

build: setup ## dbt build for START..END (inclusive) on RAW_PATH (TARGET=spark: on Apache Spark)
	$(if $(filter spark,$(TARGET)),@mkdir -p $(call q,$(SPARK_STATE_DIR)))
	$(DBT_WINDOW_ENV) $(BIN)/dbt build $(DBT_BUILD_ARGS)$(SPARK_EXCLUDE)
	$(if $(filter spark,$(TARGET)),,$(BIN)/python -m kube_finops.publish --duckdb $(call q,$(FINOPS_DUCKDB_PATH)) --out $(call q,$(FINOPS_PUBLISH_PATH)))

publish: setup ## copy marts + reporting into FINOPS_PUBLISH_PATH (temp file beside it, then rename)
	$(BIN)/python -m kube_finops.publish --duckdb $(call q,$(FINOPS_DUCKDB_PATH)) --out $(call q,$(FINOPS_PUBLISH_PATH))

test-dbt: setup ## the dbt unit tests (fixed inputs; `make build` skips them)
	$(if $(filter spark,$(TARGET)),@mkdir -p $(call q,$(SPARK_STATE_DIR)))
	$(BIN)/dbt test --select "test_type:unit"$(SPARK_EXCLUDE)

DEMO_END := $(shell date -d "$(DEMO_START) + $$(( $(DEMO_DAYS) - 1 )) days" +%F)
DEMO_HISTORY_START := $(shell date -d "$(DEMO_START) - $(DEMO_HISTORY_DAYS) days" +%F)
DEMO_HISTORY_END := $(shell date -d "$(DEMO_START) - 1 day" +%F)

demo: ## set up, generate 14 + 7 days of sample data, build history then the week, summary, report
	$(MAKE) sample-data
	$(if $(filter-out 0,$(DEMO_HISTORY_DAYS)),$(MAKE) build START=$(DEMO_HISTORY_START) END=$(DEMO_HISTORY_END))
	$(MAKE) build START=$(DEMO_START) END=$(DEMO_END)
	$(BIN)/python -m kube_finops.summary --duckdb $(call q,$(FINOPS_DUCKDB_PATH)) --start $(DEMO_START) --end $(DEMO_END)
	$(MAKE) report START=$(DEMO_START) END=$(DEMO_END) SKIP_BUILD=1

test: setup setup-services setup-report setup-java setup-gnu-time ## everything CI runs: lint, pytest (incl. the dbt project on fixtures), dbt build + tests
	$(MAKE) lint
	$(BIN)/pytest

# macros/ is linted from inside the folder: its .sqlfluff (jinja templater) renders each macro's
# body; the dbt templater skips macro files.
lint: setup ## sqlfluff, ruff, black
	$(BIN)/sqlfluff lint models tests
	cd macros && $(abspath $(BIN))/sqlfluff lint .
	$(BIN)/ruff check scripts tests
	$(BIN)/black --check --quiet scripts tests

format: setup ## apply black, ruff fixes and sqlfluff fixes
	$(BIN)/black --quiet scripts tests
	$(BIN)/ruff check --fix scripts tests
	$(BIN)/sqlfluff fix models tests
	cd macros && $(abspath $(BIN))/sqlfluff fix .

clean: ## remove build output (keeps the virtualenv)
	rm -rf target logs data/finops.duckdb data/duckdb_tmp $(call q,$(SPARK_STATE_DIR))

# --------------------------------------------------------------------------- extraction
# make extract START=2026-07-01T00 END=2026-07-01T02 PROMETHEUS_URL=http://prometheus:9090
# (UTC hours, END exclusive; without START/END: the last complete hour). Other options come from
# environment variables (see docs/extract.md) or EXTRACT_ARGS.
EXTRACT_ARGS ?=
EXTRACT_WINDOW = $(if $(START),--start $(call q,$(START))) $(if $(END),--end $(call q,$(END)))

.PHONY: extract extract-check setup-services setup-java bench-extract

extract: setup ## Prometheus -> hourly Parquet in LAKE_DIR (and S3 when S3_BUCKET is set)
	$(BIN)/python -m kube_finops.extract $(EXTRACT_WINDOW) --lake $(call q,$(LAKE_DIR)) $(if $(PROMETHEUS_URL),--prometheus-url $(call q,$(PROMETHEUS_URL))) $(EXTRACT_ARGS)

extract-check: setup ## metric coverage for START..END: present/absent and series per metric
	$(BIN)/python -m kube_finops.extract --check $(EXTRACT_WINDOW) $(if $(PROMETHEUS_URL),--prometheus-url $(call q,$(PROMETHEUS_URL))) $(EXTRACT_ARGS)

setup-java: ## a Java runtime for the Spark target and its parity test (apt openjdk-17-jre-headless when missing)
	@if ! command -v java >/dev/null; then \
		$(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends openjdk-17-jre-headless; \
	fi

setup-services: ## install Debian's prometheus/promtool (test services) when missing
	@if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then \
		apt-get update -qq && apt-get install -y --no-install-recommends prometheus; \
	fi

bench-extract: setup setup-services ## extraction throughput: 500 containers x 2 h from a real Prometheus
	PYTHONPATH=$(call q,$(CURDIR)/scripts:$(CURDIR)/tests/python) $(BIN)/python tests/python/bench_extract.py

# --------------------------------------------------------------------------- cost export and power calibration
# make export-focus START=2026-07-01 END=2026-07-07   -> $(EXPORT_DIR)/focus_cost_<START>_<END>.{parquet,csv}
# make calibrate-power MEASUREMENTS=nodes.csv CLUSTER_TYPE=COMPUTE   -> seeds/power_model_coefficients.csv
EXPORT_DIR ?= data/export
MEASUREMENTS ?=
CLUSTER_TYPE ?= *

.PHONY: export-focus calibrate-power

export-focus: setup ## FOCUS-shaped showback (marts.focus_cost_daily) for START..END to Parquet and CSV
	$(BIN)/python -m kube_finops.export_focus --duckdb $(call q,$(FINOPS_DUCKDB_PATH)) --out-dir $(call q,$(EXPORT_DIR)) $(if $(START),--start $(call q,$(START))) $(if $(END),--end $(call q,$(END)))

calibrate-power: setup ## fit idle/dynamic watts per core from MEASUREMENTS (cpu_utilisation,node_watts,cores)
	@test -n $(call q,$(MEASUREMENTS)) || { echo "error: set MEASUREMENTS=<csv with cpu_utilisation,node_watts,cores>" >&2; exit 2; }
	$(BIN)/python -m kube_finops.calibrate_power --input $(call q,$(MEASUREMENTS)) --cluster-type $(call q,$(CLUSTER_TYPE))

# ---------------------------------------------------------------- reports
REPORT_DIR ?= data/reports
MARTS_EXPORT_DIR ?= data/export/marts
# SKIP_BUILD=1: report from the marts as they are (the reporting tables must hold START..END)
SKIP_BUILD ?=
REPORT_APT_PACKAGES := libreoffice-calc-nogui poppler-utils fonts-noto-cjk
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: setup-report setup-fonts report export bench-report

setup-fonts: ## a font with Hangul glyphs for the charts (apt fonts-noto-cjk; skipped when present)
	@if fc-list :lang=ko 2>/dev/null | grep -q .; then :; \
	elif command -v apt-get >/dev/null; then \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends fonts-noto-cjk; \
	else echo "warning: no Hangul font and no apt-get: charts fall back to DejaVu Sans" >&2; fi

setup-report: ## LibreOffice, poppler and fonts-noto-cjk for the report tests (apt; skipped when present)
	@if command -v soffice >/dev/null && command -v pdftoppm >/dev/null \
	  && fc-list :lang=ko 2>/dev/null | grep -q .; then :; \
	else $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $(REPORT_APT_PACKAGES); fi

report: setup setup-fonts ## charts + workbook + digest per cluster for START..END into REPORT_DIR (SKIP_BUILD=1 reuses the marts)
	$(if $(SKIP_BUILD),,$(MAKE) build START=$(call q,$(START)) END=$(call q,$(END)) RAW_PATH=$(call q,$(RAW_PATH)))
	$(BIN)/python -m kube_finops.report --duckdb $(call q,$(FINOPS_DUCKDB_PATH)) --out $(call q,$(REPORT_DIR)) \
	  $(if $(START),--start $(call q,$(START))) $(if $(END),--end $(call q,$(END)))

export: setup ## every mart as Parquet by cluster and date into MARTS_EXPORT_DIR (S3 merged/ with EXPORT_S3_BUCKET)
	$(BIN)/python -m kube_finops.report.export --duckdb $(call q,$(FINOPS_DUCKDB_PATH)) --out $(call q,$(MARTS_EXPORT_DIR))

bench-report: setup setup-fonts ## time the workbook writer for 45k containers x 7 days (budget 60 s)
	$(BIN)/python -m kube_finops.report.bench

# ---------------------------------------------------------------- benchmarks (issue 7)
# make bench SCALE=1m|10m|fleet   ours vs the users' Polars step2 vs the DuckDB floor on one day
# make bench-incremental          day 8 after 7 days of history vs the same day built alone
# Results: stdout and data/bench/{results-SCALE,incremental-SCALE}.{md,json}. BENCH_ROUNDS (3),
# BENCH_PEERS_DIR (folder of the users' step2 and floor scripts), BENCH_DUCKDB_MEMORY_LIMIT (3GB), BENCH_NOTE: see --help.
SCALE ?= 10m
BENCH_STAMP := $(VENV)/.bench-$(shell cat requirements-bench.txt | sha1sum | cut -c1-12)

.PHONY: setup-gnu-time setup-bench bench bench-incremental

$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@rm -f $(VENV)/.bench-*
	@touch $@

setup-gnu-time: ## GNU time, the bench harness's peak-RSS meter (apt time, when missing)
	@test -x /usr/bin/time || { $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends time; }

setup-bench: setup setup-gnu-time $(BENCH_STAMP) ## polars (requirements-bench.txt) and GNU time for make bench

bench: setup-bench setup-fonts ## time make build vs the users' step2 vs the floor on one day (SCALE=1m|10m|fleet)
	$(BIN)/python -m kube_finops.bench compare --scale $(call q,$(SCALE))

bench-incremental: setup-bench ## day 8 after 7 days of history vs a one-day build (SCALE, default 10m)
	$(BIN)/python -m kube_finops.bench incremental --scale $(call q,$(SCALE))

# ---------------------------------------------------------------- service API
# make serve                       the read API on FINOPS_API_HOST:FINOPS_API_PORT over FINOPS_PUBLISH_PATH
# make token ROLE=tenant OWNER=alice   (or ROLE=admin) a new bearer token, printed once as the last line
export FINOPS_API_HOST ?= 127.0.0.1
export FINOPS_API_PORT ?= 8080
export FINOPS_API_TOKENS ?= data/api_tokens.json
ROLE ?=
OWNER ?=

.PHONY: serve token bench-api setup-wrk

setup-wrk: ## wrk, the HTTP load generator of bench-api (apt wrk, when missing)
	@command -v wrk >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends wrk; }

serve: setup ## the read API (FastAPI/uvicorn) over the published snapshot; docs at /docs
	$(BIN)/python -m kube_finops.api --host $(call q,$(FINOPS_API_HOST)) --port $(call q,$(FINOPS_API_PORT))

token: setup ## a new API token: ROLE=admin, or ROLE=tenant OWNER=<owner>; printed once, last line
	@test -n "$(ROLE)" || { echo "error: set ROLE=admin or ROLE=tenant OWNER=<owner>" >&2; exit 2; }
	@$(BIN)/python -m kube_finops.api.tokens --role $(call q,$(ROLE)) $(if $(OWNER),--owner $(call q,$(OWNER))) 2>&1

bench-api: setup setup-wrk ## API latency p50/p95 per endpoint, 16 clients (wrk), on generated fleet-sized marts (6,000 namespaces)
	$(BIN)/python -m kube_finops.api.bench
