"""Read-only HTTP API over the published marts snapshot (FastAPI on uvicorn).

Modules: config (settings from env), snapshot (the published file, reopened per generation),
auth and tokens (hashed bearer tokens), pagination (opaque keyset cursors), queries (all SQL,
owner scoping in the WHERE clause), schemas (response models), routes and app (FastAPI), and
__main__ (`python -m kube_finops.api`, what `make serve` runs).
"""
