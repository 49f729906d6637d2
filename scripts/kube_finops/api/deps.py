"""Request dependencies: the caller (bearer token), the snapshot cursor, the date window."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from typing import Annotated

import duckdb
from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kube_finops.api import queries
from kube_finops.api.auth import Principal, TokenStore
from kube_finops.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from kube_finops.api.snapshot import SnapshotStore

LOG = logging.getLogger("kube_finops.api")
MAX_WINDOW_DAYS = 366
_bearer = HTTPBearer(auto_error=False, description="a token from `make token`")


def unauthorized() -> HTTPException:
    return HTTPException(
        status_code=401,
        detail="missing or invalid bearer token",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorized()
    tokens: TokenStore = request.app.state.tokens
    found = tokens.verify(credentials.credentials)
    if found is None:
        LOG.info("rejected a bearer token on %s %s", request.method, request.url.path)
        raise unauthorized()
    return found


def snapshot_cursor(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    store: SnapshotStore = request.app.state.snapshots
    with store.cursor() as cur:
        yield cur


Caller = Annotated[Principal, Depends(principal)]
Snapshot = Annotated[duckdb.DuckDBPyConnection, Depends(snapshot_cursor)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size, at most {MAX_LIMIT}")]
CursorParam = Annotated[
    str | None,
    Query(max_length=2048, description="next_cursor of the previous page (opaque)"),
]
Start = Annotated[
    date | None, Query(description="first date (YYYY-MM-DD); default: the published window's")
]
End = Annotated[
    date | None, Query(description="last date, inclusive; default: the published window's")
]
DEFAULT_PAGE = DEFAULT_LIMIT


def resolve_window(
    cur: duckdb.DuckDBPyConnection, start: date | None, end: date | None
) -> tuple[date, date]:
    if start is None or end is None:
        published = queries.window(cur)
        if published is None:
            raise HTTPException(status_code=503, detail="the snapshot has no reporting window")
        start = start or published[0]
        end = end or published[1]
    if end < start:
        raise HTTPException(status_code=422, detail="end: must be on or after start")
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        raise HTTPException(
            status_code=422, detail=f"end: at most {MAX_WINDOW_DAYS} days from start"
        )
    return start, end
