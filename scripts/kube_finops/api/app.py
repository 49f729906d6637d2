"""The FastAPI application: settings, token store and snapshot store on app.state."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from kube_finops.api.auth import TokenStore
from kube_finops.api.config import Settings
from kube_finops.api.routes import router
from kube_finops.api.snapshot import SnapshotStore, SnapshotUnavailableError

LOG = logging.getLogger("kube_finops.api")


def _validation_message(errors: list[dict]) -> str:
    parts = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        where = loc[0] if loc else "request"
        name = ".".join(loc[1:]) or where
        parts.append(f"{where} parameter {name}: {error.get('msg')}")
    return "; ".join(parts)


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="kube-finops API",
        version="1",
        description="Read-only API over the published FinOps marts (bearer tokens).",
    )
    app.state.settings = settings
    app.state.tokens = TokenStore(settings.tokens_path)
    app.state.snapshots = SnapshotStore(settings.publish_path, settings.duckdb_threads)
    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
        for error in errors:
            error.pop("input", None)  # never echo what the caller sent
        return JSONResponse(
            status_code=422, content={"detail": errors, "message": _validation_message(errors)}
        )

    @app.exception_handler(SnapshotUnavailableError)
    async def _unavailable(_: Request, exc: SnapshotUnavailableError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)})

    @app.on_event("shutdown")
    def _close() -> None:
        app.state.snapshots.close()

    return app


def create_app_from_env() -> FastAPI:
    """uvicorn factory: `uvicorn --factory kube_finops.api.app:create_app_from_env`."""
    return create_app(Settings.from_env())
