"""The tenant summary's response body, and its ready JSON for the published window.

The route answers a summary as {owner, window, sections..., namespaces: one page}. At publish time
every owner's answer to the default request (the published window, first page of the default
size) is built from `api.tenant_summary` by the same function, validated once against the
response model and stored as JSON text in `api.tenant_summary_json`: the API then returns that
text as it is. The numbers all come from the summary SQL; this module only shapes and serializes.
"""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import pyarrow as pa

from kube_finops.api import schemas, summary_sql
from kube_finops.api.pagination import DEFAULT_LIMIT, encode_cursor

LOG = logging.getLogger("kube_finops.api.summary_body")
READY_JSON = "api.tenant_summary_json"
PAGE_SCOPE = "tenant-namespaces"
SECTIONS = ("totals", "cost", "quota_fit", "lifecycle", "object_storage", "top_recommendations")


def body(owner: str, start: date, end: date, found: dict, limit: int) -> dict:
    """The answer from one owner's summary row (`found`: the sections and up to limit + 1
    namespaces after the cursor)."""
    namespaces = found["namespaces"]
    more = len(namespaces) > limit
    namespaces = namespaces[:limit]
    last = namespaces[-1] if more else None
    return {
        "owner": owner,
        "window": {"start": start, "end": end},
        **{key: found[key] for key in SECTIONS},
        "namespaces": {
            "items": namespaces,
            "next_cursor": (
                encode_cursor(PAGE_SCOPE, [last["cluster_type"], last["namespace"]])
                if last
                else None
            ),
        },
    }


def render(answer: dict) -> str:
    """The JSON the route would send for this answer (validated against the response model)."""
    return schemas.TenantSummary.model_validate(answer).model_dump_json()


def precompute_json(con: duckdb.DuckDBPyConnection, batch: int = 500) -> int:
    """api.tenant_summary_json (owner, window_start, window_end, body): the default answer of
    every known owner in api.tenant_summary; returns the number of owners."""
    cur = con.execute(
        f"""select owner, window_start, window_end, {", ".join(SECTIONS)},
            namespaces[1:{DEFAULT_LIMIT + 1}] as namespaces
        from {summary_sql.PRECOMPUTED}
        where known
        order by owner"""
    )
    names = [d[0] for d in cur.description]
    owners: list[str] = []
    starts: list[date] = []
    ends: list[date] = []
    bodies: list[str] = []
    while chunk := cur.fetchmany(batch):
        for values in chunk:
            row = dict(zip(names, values, strict=True))
            owners.append(row["owner"])
            starts.append(row["window_start"])
            ends.append(row["window_end"])
            answer = body(row["owner"], row["window_start"], row["window_end"], row, DEFAULT_LIMIT)
            bodies.append(render(answer))
    table = pa.table(
        {
            "owner": pa.array(owners, pa.string()),
            "window_start": pa.array(starts, pa.date32()),
            "window_end": pa.array(ends, pa.date32()),
            "body": pa.array(bodies, pa.string()),
        }
    )
    con.register("_summary_bodies", table)
    try:
        con.execute(f"create table {READY_JSON} as select * from _summary_bodies order by owner")
    finally:
        con.unregister("_summary_bodies")
    return len(owners)


def ready_json(
    cur: duckdb.DuckDBPyConnection, owner: str, start: date | None, end: date | None
) -> str | None:
    """The stored default answer of `owner` when start/end are unset or equal the published
    window's, else None (also when the snapshot has no api.tenant_summary_json)."""
    try:
        row = cur.execute(
            f"select body from {READY_JSON} where owner = $owner"
            " and window_start = coalesce($start, window_start)"
            " and window_end = coalesce($end, window_end)",
            {"owner": owner, "start": start, "end": end},
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return row[0] if row else None
