"""Prometheus -> hourly Parquet lake extractor (the raw contract of kube_finops.lake).

Modules, one job each: `config` (flags and environment), `queries` (PromQL per raw column),
`client` (HTTP with retries), `transform` (query results -> raw contract rows), `writers`
(atomic local file, single S3 PUT), `manifest` (per-hour JSON and metric coverage), `runner`
(the hour loop), `report` (the summary and coverage tables), `cli` (entry point).
"""
