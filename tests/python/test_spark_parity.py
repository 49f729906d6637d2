"""The same dbt project on Apache Spark (dbt-spark, session mode) builds marts equal to DuckDB's
(issue 8).

One small sample lake (raw samples and inventory snapshots), two runs on each engine (a history
window, then an overlapping report window, so Spark's insert_overwrite of date partitions is
exercised like DuckDB's delete+insert), then every table of the marts and reporting schemas is
compared row for row: the same columns, the same rows, doubles within 1e-9 relative. Spark's
tables are read straight from their Parquet files in the warehouse, as any engine would. The
comparison itself is unit-tested below, so a failure of the slow test points at the marts, not
at the comparison.

Spark needs Java: without it the test skips on a developer machine and fails under CI.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import REPO, DbtRun
from reference_marts import is_null
from services import require_service

REL_TOL = 1e-9
ABS_TOL = 1e-12
MAX_LINES_PER_TABLE = 20
# table name -> (rows, column types)
Tables = dict[str, tuple[pd.DataFrame, dict[str, str]]]
SCHEMAS = ("marts", "reporting")

# small lake, KST days: history 07-01..07-03, report window 07-03..07-04 (07-03 rebuilt)
LAKE_START = "2026-07-01"
LAKE_DAYS = 4
HISTORY = ("2026-07-01", "2026-07-03")
WINDOW = ("2026-07-03", "2026-07-04")
# short trend/right-sizing windows so four days exercise bands, forecasts and recommendations
SMALL_WINDOWS: dict[str, object] = {
    "baseline_days": 3,
    "min_baseline_days": 2,
    "trend_window_days": 4,
    "forecast_days": 3,
    "dormant_days": 2,
    "lookback_days": 3,
    "persistence_days": 2,
}


# --- comparison -------------------------------------------------------------------------------


def _cell(value: object) -> object:
    """A comparable cell: None, bool, int, float, or text (dates and instants as ISO text)."""
    if is_null(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _sort_key(row: tuple[object, ...]) -> tuple[object, ...]:
    """Rows sort on their exact cells first, doubles rounded to 6 significant digits."""
    key: list[object] = []
    for cell in row:
        if cell is None:
            key.append((0, ""))
        elif isinstance(cell, float):
            key.append((1, float(f"{cell:.6g}")))
        elif isinstance(cell, bool | int):
            key.append((1, float(cell)))
        else:
            key.append((2, str(cell)))
    return tuple(key)


def _cells_equal(left: object, right: object, abs_tol: float = ABS_TOL) -> bool:
    if left is None or right is None:
        return left is None and right is None
    numeric = (int, float)
    if isinstance(left, bool) or isinstance(right, bool):
        return left == right and isinstance(left, bool) == isinstance(right, bool)
    if isinstance(left, numeric) and isinstance(right, numeric):
        return math.isclose(left, right, rel_tol=REL_TOL, abs_tol=abs_tol)
    return left == right


def type_kind(sql_type: str) -> str:
    """A DuckDB column type's kind: integers of any width are one kind, doubles another."""
    sql_type = sql_type.upper()
    if sql_type in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"):
        return "integer"
    if sql_type in ("FLOAT", "DOUBLE"):
        return "double"
    return sql_type.split("(")[0]


def compare_types(name: str, duck: dict[str, str], spark: dict[str, str]) -> list[str]:
    """Columns whose type kind differs (e.g. a DECIMAL on Spark where DuckDB has a DOUBLE)."""
    return [
        f"{name}.{column}: DuckDB {duck[column]} != Spark {spark[column]}"
        for column in sorted(set(duck) & set(spark))
        if type_kind(duck[column]) != type_kind(spark[column])
    ]


def test_compare_types_catches_a_decimal_for_a_double() -> None:
    duck = {"n": "HUGEINT", "v": "DOUBLE", "d": "DATE"}
    assert compare_types("t", duck, {"n": "BIGINT", "v": "DOUBLE", "d": "DATE"}) == []
    assert compare_types("t", duck, {"n": "BIGINT", "v": "DECIMAL(38,6)", "d": "DATE"}) == [
        "t.v: DuckDB DOUBLE != Spark DECIMAL(38,6)"
    ]


def compare_tables(name: str, duck: pd.DataFrame, spark: pd.DataFrame) -> list[str]:
    """Differences between two versions of one table (empty = equal), at most a few lines."""
    if set(duck.columns) != set(spark.columns):
        return [
            f"{name}: columns differ: only DuckDB {sorted(set(duck.columns) - set(spark.columns))},"
            f" only Spark {sorted(set(spark.columns) - set(duck.columns))}"
        ]
    columns = sorted(duck.columns)
    left = sorted(
        (tuple(_cell(v) for v in row) for row in duck[columns].itertuples(index=False)),
        key=_sort_key,
    )
    right = sorted(
        (tuple(_cell(v) for v in row) for row in spark[columns].itertuples(index=False)),
        key=_sort_key,
    )
    if len(left) != len(right):
        return [f"{name}: {len(left)} rows on DuckDB, {len(right)} on Spark"]
    problems = []
    for index, (row_l, row_r) in enumerate(zip(left, right, strict=True)):
        for column, cell_l, cell_r in zip(columns, row_l, row_r, strict=True):
            if not _cells_equal(cell_l, cell_r):
                problems.append(
                    f"{name} sorted row {index} {column}: DuckDB {cell_l!r} != Spark {cell_r!r}"
                )
                if len(problems) >= MAX_LINES_PER_TABLE:
                    return problems
    return problems


def test_compare_tables_catches_a_perturbed_double() -> None:
    duck = pd.DataFrame({"k": ["a", "b"], "v": [1.0, 2.0], "n": [1, 2]})
    same = pd.DataFrame({"n": [2, 1], "v": [2.0 * (1 + 1e-12), 1.0], "k": ["b", "a"]})
    assert compare_tables("t", duck, same) == []
    perturbed = same.assign(v=[2.0 * (1 + 1e-6), 1.0])
    assert compare_tables("t", duck, perturbed) == [
        "t sorted row 1 v: DuckDB 2.0 != Spark 2.000002"
    ]


def test_compare_tables_catches_missing_rows_columns_and_text() -> None:
    duck = pd.DataFrame({"k": ["a", "b"], "v": [1.0, None]})
    assert compare_tables("t", duck, duck.iloc[:1]) == ["t: 2 rows on DuckDB, 1 on Spark"]
    assert compare_tables("t", duck, duck.rename(columns={"v": "w"}))[0].startswith(
        "t: columns differ"
    )
    assert compare_tables("t", duck, duck.assign(k=["a", "c"])) == [
        "t sorted row 1 k: DuckDB 'b' != Spark 'c'"
    ]
    assert compare_tables("t", duck, duck.assign(v=[1.0, 0.0])) == [
        "t sorted row 1 v: DuckDB None != Spark 0.0"
    ]


# --- the two builds ---------------------------------------------------------------------------


def _java_or_skip() -> None:
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home) / "bin" / "java" if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        require_service("Java is not installed (Spark needs a JVM: apt-get install openjdk-17-jre)")
    probe = subprocess.run([str(java), "-version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        require_service(f"java -version failed: {probe.stderr.strip()[:200]}")


def _build(dbt: DbtRun, raw: Path, extra_env: dict[str, str]) -> None:
    common: dict[str, object] = {"raw_path": str(raw), **SMALL_WINDOWS}
    dbt(
        "build",
        "--resource-type",
        "seed",
        "--resource-type",
        "model",
        dbt_vars={**common, "start_date": HISTORY[0], "end_date": HISTORY[1]},
        extra_env=extra_env,
    )
    dbt(
        "build",
        "--exclude",
        "test_type:unit",
        dbt_vars={**common, "start_date": WINDOW[0], "end_date": WINDOW[1]},
        extra_env=extra_env,
    )


@pytest.fixture(scope="module")
def both_engines(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Tables, Tables]:
    _java_or_skip()
    root = tmp_path_factory.mktemp("spark_parity")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kube_finops.sample_data",
            "--lake",
            str(root / "lake"),
            "--start-date",
            LAKE_START,
            "--days",
            str(LAKE_DAYS),
            "--namespaces",
            "4",
            "--pods-per-namespace",
            "2",
            "--no-progress",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "scripts")},
        check=True,
        capture_output=True,
    )
    raw = root / "lake" / "raw"

    duck = DbtRun(root / "finops.duckdb", root / "duckdb")
    _build(duck, raw, {"FINOPS_DBT_TARGET": "dev"})
    state = root / "spark"
    state.mkdir()
    spark = DbtRun(root / "unused.duckdb", root / "spark_dbt")
    _build(spark, raw, {"FINOPS_DBT_TARGET": "spark", "SPARK_STATE_DIR": str(state)})

    duck_tables: Tables = {}
    spark_tables: Tables = {}
    with duckdb.connect(str(root / "finops.duckdb"), read_only=True) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {SCHEMAS} and table_type = 'BASE TABLE' order by all"
        ).fetchall()
        for schema, table in names:
            duck_tables[f"{schema}.{table}"] = _read(con, f"select * from {schema}.{table}", {})
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        for schema in SCHEMAS:
            for folder in sorted((state / "warehouse" / f"{schema}.db").iterdir()):
                files = sorted(str(p) for p in folder.rglob("*.parquet"))
                assert files, f"Spark wrote no Parquet file for {schema}.{folder.name}"
                spark_tables[f"{schema}.{folder.name}"] = _read(
                    con,
                    "select * from read_parquet($files, hive_partitioning = true)",
                    {"files": files},
                )
    return duck_tables, spark_tables


def _read(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]
) -> tuple[pd.DataFrame, dict[str, str]]:
    relation = con.sql(sql, params=params)
    return relation.df(), dict(zip(relation.columns, map(str, relation.types), strict=True))


@pytest.mark.slow
def test_spark_builds_the_same_tables(
    both_engines: tuple[Tables, Tables],
) -> None:
    duck, spark = both_engines
    assert sorted(spark) == sorted(duck)
    assert len(duck) >= 28, sorted(duck)
    # the fixture is not trivially empty: container-days, recommendations, trend rows, and the
    # tenant and lifecycle marts built from the lake's inventory snapshots
    for table in (
        "marts.daily_enriched",
        "marts.ns_trend_daily",
        "reporting.rpt_ns_daily",
        "marts.tenant_cost_daily",
        "marts.cluster_capacity_daily",
        "marts.dim_namespace_daily",
        "marts.quota_fit",
        "marts.gov_namespace_lifecycle",
        "marts.tenant_storage_daily",
    ):
        assert len(duck[table][0]) > 0, table


@pytest.mark.slow
def test_spark_marts_equal_duckdb_marts(
    both_engines: tuple[Tables, Tables],
) -> None:
    duck, spark = both_engines
    problems: list[str] = []
    for name in sorted(set(duck) & set(spark)):
        problems += compare_types(name, duck[name][1], spark[name][1])
        problems += compare_tables(name, duck[name][0], spark[name][0])
    assert not problems, "\n".join(problems)
