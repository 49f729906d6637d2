"""The raw lake contract is stated once in Python (kube_finops.lake.contract) and mirrored by the
dbt project: the source yml's columns and types, and the macros raw_required_columns() and
raw_metric_columns() that the staging reader selects. These tests fail when any of them drifts."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from kube_finops.lake.contract import (
    FILE_NAME,
    INVENTORY_KINDS,
    INVENTORY_SCHEMAS,
    METRIC_COLUMNS,
    OPTIONAL_COLUMNS,
    RAW_SCHEMA,
    REQUIRED_COLUMNS,
    hour_dir,
    inventory_hour_dir,
)
from kube_finops.lake.writer import write_hour_file

REPO = Path(__file__).resolve().parents[2]
SOURCES_YML = REPO / "models" / "staging" / "_raw__sources.yml"
RAW_MACROS = REPO / "macros" / "raw_samples.sql"
# The yml's engine-neutral data_type names of the Arrow types the raw contract uses.
YML_TYPES = {
    pa.timestamp("us", tz="UTC"): "timestamp",
    pa.string(): "string",
    pa.float64(): "double",
}


def source_columns() -> list[dict]:
    doc = yaml.safe_load(SOURCES_YML.read_text(encoding="utf-8"))
    (raw,) = [s for s in doc["sources"] if s["name"] == "raw"]
    (table,) = [t for t in raw["tables"] if t["name"] == "container_samples"]
    return table["columns"]


def macro_list(name: str) -> list[str]:
    """The list literal a no-argument macro returns (`{{ return([...]) }}`)."""
    text = RAW_MACROS.read_text(encoding="utf-8")
    match = re.search(
        r"\{%\s*macro\s+" + name + r"\(\)\s*-?%\}\s*\{\{\s*return\((\[.*?\])\)\s*\}\}",
        text,
        re.DOTALL,
    )
    assert match, f"{RAW_MACROS}: macro {name}() no longer returns a list literal"
    return list(ast.literal_eval(match.group(1)))


def test_source_yml_lists_the_contract_columns_in_order() -> None:
    assert [c["name"] for c in source_columns()] == RAW_SCHEMA.names


def test_source_yml_types_are_the_contract_types() -> None:
    declared = {c["name"]: c.get("data_type") for c in source_columns()}
    assert declared == {f.name: YML_TYPES[f.type] for f in RAW_SCHEMA}


def test_raw_metric_columns_macro_is_the_contract_metrics() -> None:
    assert macro_list("raw_metric_columns") == list(METRIC_COLUMNS)


def test_raw_required_columns_macro_is_the_contract_required_columns() -> None:
    assert macro_list("raw_required_columns") == list(REQUIRED_COLUMNS)


def test_every_column_is_required_or_optional_exactly_once() -> None:
    assert sorted(REQUIRED_COLUMNS + OPTIONAL_COLUMNS) == sorted(RAW_SCHEMA.names)
    assert not set(REQUIRED_COLUMNS) & set(OPTIONAL_COLUMNS)


def test_dbt_optional_metrics_var_names_contract_metrics() -> None:
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))
    assert set(project["vars"]["optional_metrics"]) <= set(METRIC_COLUMNS)


def test_hour_layout_is_the_utc_hour() -> None:
    seoul = timezone(timedelta(hours=9))
    when = datetime(2026, 7, 1, 8, 30, tzinfo=seoul)  # 2026-06-30 23:30 UTC
    assert hour_dir(Path("lake"), when) == Path("lake/raw/dt=2026-06-30/hour=23")
    assert inventory_hour_dir(Path("lake"), "quotas", when) == Path(
        "lake/inventory/quotas/dt=2026-06-30/hour=23"
    )


def test_unknown_inventory_kind_is_named() -> None:
    with pytest.raises(ValueError, match="unknown inventory kind 'quota'"):
        inventory_hour_dir(Path("lake"), "quota", datetime(2026, 7, 1, tzinfo=UTC))


def test_writer_writes_one_file_atomically(tmp_path: Path) -> None:
    hour = datetime(2026, 7, 1, 5, tzinfo=UTC)
    rows = [
        {"timestamp": hour, "cluster": None, "namespace": "team-a", "pod": "api-0"},
        {"timestamp": hour, "cluster": "c1", "namespace": "team-b", "pod": "db-0"},
    ]
    schema = INVENTORY_SCHEMAS["owners"]
    table = pa.Table.from_pylist(
        [{**r, "owner_kind": "StatefulSet", "owner_name": r["pod"][:-2]} for r in rows],
        schema=schema,
    )
    folder = inventory_hour_dir(tmp_path, "owners", hour)
    written = write_hour_file(folder, [table.slice(0, 1), table.slice(1)], schema)
    assert written.path == folder / FILE_NAME
    assert written.rows == 2
    assert sorted(p.name for p in folder.iterdir()) == [FILE_NAME]  # no temp file left
    assert pq.read_table(written.path).to_pylist() == table.to_pylist()


def test_writer_refuses_a_table_of_other_types_and_leaves_nothing(tmp_path: Path) -> None:
    bad = pa.table({"timestamp": ["2026-07-01T00:00:00Z"], "bucket": ["b"]})
    schema = INVENTORY_SCHEMAS["buckets"]
    with pytest.raises((KeyError, ValueError, pa.ArrowInvalid)):
        write_hour_file(tmp_path / "b", bad, schema)
    assert list((tmp_path / "b").iterdir()) == []


def test_inventory_schemas_cover_the_kinds() -> None:
    assert INVENTORY_KINDS == ("namespaces", "nodes", "quotas", "owners", "buckets")
    for kind, schema in INVENTORY_SCHEMAS.items():
        assert schema.field("timestamp").type == pa.timestamp("us", tz="UTC"), kind
