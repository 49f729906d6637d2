"""The dbt marts equal the independent pandas reference (reference_marts.py) on the edge lake.

The slow test builds the real dbt project on the hand-made edge lake (edge_lake.py) and compares
every mart with the reference: the same set of rows on the mart's grain, numbers equal within
1e-9 relative / 1e-12 absolute, booleans and strings equal. Only the columns the reference defines
are compared; the dbt marts may carry more. The comparison helper is unit-tested below so that a
failure of the slow test points at the marts, not at the comparison.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from edge_lake import EDGE_END, EDGE_START, raw_files, write_edge_lake
from reference_marts import MART_COLUMNS, MART_KEYS, MART_NAMES, compute_reference, is_null

REPO = Path(__file__).resolve().parents[2]
REL_TOL = 1e-9
ABS_TOL = 1e-12
MAX_LINES_PER_MART = 60

Key = tuple[object, ...]


# --- normalisation ----------------------------------------------------------------------------


def normalise_text(value: object) -> object:
    """Strings and dates as comparable text: dates as ISO dates, NULL as None."""
    if is_null(value):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, datetime):
        midnight = value.hour == value.minute == value.second == value.microsecond == 0
        return value.date().isoformat() if midnight and value.tzinfo is None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def normalise_bool(value: object) -> bool | None:
    """A boolean cell as bool, NULL as None."""
    return None if is_null(value) else bool(value)


def normalise_number(value: object) -> float | None:
    """A numeric cell as float, NULL as None (bools and decimals included)."""
    return None if is_null(value) else float(value)  # type: ignore[arg-type]


def column_kind(series: pd.Series) -> str:
    """'bool', 'number' or 'text', from the reference column's dtype."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "text"


def numbers_equal(a: float | None, b: float | None) -> bool:
    """Equal within REL_TOL relative or ABS_TOL absolute; NULL equals only NULL."""
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(ABS_TOL, REL_TOL * max(abs(a), abs(b)))


# --- comparison -------------------------------------------------------------------------------


def keyed_rows(
    frame: pd.DataFrame, key: Sequence[str]
) -> tuple[dict[Key, dict[str, object]], list[Key]]:
    """Rows by normalised key, plus the keys that occur more than once."""
    rows: dict[Key, dict[str, object]] = {}
    duplicates: list[Key] = []
    for record in frame.to_dict("records"):
        row_key = tuple(normalise_text(record[column]) for column in key)
        if row_key in rows:
            duplicates.append(row_key)
        rows[row_key] = record
    return rows, duplicates


def describe_key(key: Sequence[str], values: Key) -> str:
    """'date=2026-07-01 namespace='=cmd-ns' ...' (strings quoted so blanks show)."""
    return " ".join(
        f"{column}={value}" if column == "date" else f"{column}={value!r}"
        for column, value in zip(key, values, strict=True)
    )


def compare_cells(kind: str, expected: object, actual: object) -> bool:
    """Whether one dbt cell equals the reference cell under the column's kind."""
    if kind == "number":
        return numbers_equal(normalise_number(expected), normalise_number(actual))
    if kind == "bool":
        return normalise_bool(expected) == normalise_bool(actual)
    return normalise_text(expected) == normalise_text(actual)


def compare_mart(
    name: str,
    expected: pd.DataFrame,
    actual: pd.DataFrame,
    *,
    key: Sequence[str],
    columns: Sequence[str],
) -> list[str]:
    """Differences between a dbt mart (actual) and the reference (expected), one per line."""
    problems: list[str] = []
    missing_columns = [c for c in columns if c not in actual.columns]
    if missing_columns:
        problems.append(f"{name}: dbt mart lacks column(s) {', '.join(missing_columns)}")
    if any(c in missing_columns for c in key):
        return problems
    expected_rows, expected_dups = keyed_rows(expected, key)
    actual_rows, actual_dups = keyed_rows(actual, key)
    for row_key in actual_dups:
        problems.append(f"{name}: duplicate key in dbt: {describe_key(key, row_key)}")
    for row_key in expected_dups:
        problems.append(f"{name}: duplicate key in reference: {describe_key(key, row_key)}")
    for row_key in sorted(set(expected_rows) - set(actual_rows), key=repr):
        problems.append(f"{name}: row missing in dbt: {describe_key(key, row_key)}")
    for row_key in sorted(set(actual_rows) - set(expected_rows), key=repr):
        problems.append(f"{name}: unexpected row in dbt: {describe_key(key, row_key)}")
    compared = [c for c in columns if c not in key and c not in missing_columns]
    kinds = {c: column_kind(expected[c]) for c in compared}
    for row_key in sorted(set(expected_rows) & set(actual_rows), key=repr):
        want, got = expected_rows[row_key], actual_rows[row_key]
        for column in compared:
            if not compare_cells(kinds[column], want[column], got[column]):
                problems.append(
                    f"{name}: {describe_key(key, row_key)}: {column}: "
                    f"dbt={got[column]!r} reference={want[column]!r}"
                )
    return _truncate(problems)


def _truncate(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LINES_PER_MART:
        return problems
    hidden = len(problems) - MAX_LINES_PER_MART
    return [*problems[:MAX_LINES_PER_MART], f"... and {hidden} more difference(s)"]


def compare_all(
    expected: dict[str, pd.DataFrame], read_mart: Callable[[str], pd.DataFrame]
) -> list[str]:
    """compare_mart for every mart; read_mart(name) returns the dbt frame or raises."""
    problems: list[str] = []
    for name in MART_NAMES:
        try:
            actual = read_mart(name)
        except duckdb.Error as exc:
            problems.append(f"{name}: cannot read marts.{name}: {exc}")
            continue
        problems += compare_mart(
            name, expected[name], actual, key=MART_KEYS[name], columns=MART_COLUMNS[name]
        )
    return problems


def dbt_failure_summary(stdout: str, stderr: str, limit: int = 4000) -> str:
    """The error section of a dbt log ("Completed with ..." onwards), without colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", stdout)
    start = text.rfind("Completed with")
    section = text[start:] if start >= 0 else text
    return (section[:limit] + "\n" + stderr[-limit // 2 :]).strip()


def edge_reference(lake: Path) -> dict[str, pd.DataFrame]:
    """The reference marts of the edge lake with the repo seeds and default vars."""
    return compute_reference(
        raw_files(lake),
        start_date=EDGE_START,
        end_date=EDGE_END,
        node_patterns_csv=REPO / "seeds" / "cluster_node_patterns.csv",
        workload_patterns_csv=REPO / "seeds" / "workload_type_patterns.csv",
    )


# --- the end-to-end comparison ------------------------------------------------------------------


@pytest.mark.slow
def test_marts_match_reference(tmp_path: Path, dbt_run) -> None:
    lake = tmp_path / "lake"
    write_edge_lake(lake)
    expected = edge_reference(lake)
    dbt_run("seed")
    build = dbt_run(
        "build",
        dbt_vars={
            "start_date": EDGE_START.isoformat(),
            "end_date": EDGE_END.isoformat(),
            "raw_path": str(lake / "raw"),
        },
        check=False,
    )
    problems = compare_all(expected, lambda name: dbt_run.frame(f"select * from marts.{name}"))
    if build.returncode != 0:
        summary = dbt_failure_summary(build.stdout, build.stderr)
        problems.insert(0, f"dbt build failed ({build.returncode}):\n{summary}")
    assert not problems, "dbt marts differ from the reference:\n" + "\n".join(problems)


# --- unit tests of the comparison helper --------------------------------------------------------


def small_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    expected = pd.DataFrame(
        {
            "date": [date(2026, 7, 1), date(2026, 7, 2)],
            "namespace": ["=cmd-ns", "a"],
            "waste": [1.0, 0.0],
            "cnt": np.array([60, 3], dtype=np.int64),
            "flag": [True, False],
            "status": ["Optimized", "OOM Killed"],
        }
    )
    actual = expected.copy()
    actual["date"] = pd.to_datetime(actual["date"])  # DuckDB DATE -> datetime64 in pandas
    actual["cnt"] = actual["cnt"].astype(float)
    actual["extra"] = "ignored"
    return expected, actual


def compare_small(expected: pd.DataFrame, actual: pd.DataFrame) -> list[str]:
    return compare_mart(
        "m",
        expected,
        actual,
        key=("date", "namespace"),
        columns=("date", "namespace", "waste", "cnt", "flag", "status"),
    )


def test_compare_equal_frames_with_other_types_and_extra_columns() -> None:
    expected, actual = small_frames()
    actual["waste"] = [1.0 + 5e-10, 5e-13]
    assert compare_small(expected, actual.iloc[::-1]) == []


def test_compare_reports_mart_key_column_and_both_values() -> None:
    expected, actual = small_frames()
    actual.loc[0, "waste"] = 1.0 + 2e-9
    actual.loc[1, "waste"] = 2e-12
    actual["flag"] = pd.array([pd.NA, False], dtype="boolean")
    actual.loc[1, "status"] = "Optimized"
    problems = compare_small(expected, actual)
    assert problems == [
        "m: date=2026-07-01 namespace='=cmd-ns': waste: dbt=1.000000002 reference=1.0",
        "m: date=2026-07-01 namespace='=cmd-ns': flag: dbt=None reference=True",
        "m: date=2026-07-02 namespace='a': waste: dbt=2e-12 reference=0.0",
        "m: date=2026-07-02 namespace='a': status: dbt='Optimized' reference='OOM Killed'",
    ]


def test_compare_reports_missing_extra_and_duplicate_rows_and_columns() -> None:
    expected, actual = small_frames()
    extra = actual.iloc[[1]].assign(namespace="b")
    actual = pd.concat([actual.iloc[[0, 0]], extra]).drop(columns=["status"])
    problems = compare_small(expected, actual)
    assert problems == [
        "m: dbt mart lacks column(s) status",
        "m: duplicate key in dbt: date=2026-07-01 namespace='=cmd-ns'",
        "m: row missing in dbt: date=2026-07-02 namespace='a'",
        "m: unexpected row in dbt: date=2026-07-02 namespace='b'",
    ]


def test_compare_null_number_is_not_zero() -> None:
    expected, actual = small_frames()
    actual.loc[1, "waste"] = np.nan
    assert compare_small(expected, actual) == [
        "m: date=2026-07-02 namespace='a': waste: dbt=nan reference=0.0"
    ]


def test_compare_truncates_long_diffs() -> None:
    expected = pd.DataFrame({"k": [f"n{i:03d}" for i in range(100)], "v": np.zeros(100)})
    problems = compare_mart("m", expected, expected.assign(v=1.0), key=("k",), columns=("k", "v"))
    assert len(problems) == MAX_LINES_PER_MART + 1
    assert problems[-1] == f"... and {100 - MAX_LINES_PER_MART} more difference(s)"


@pytest.fixture(scope="module")
def edge_expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    lake = tmp_path_factory.mktemp("edge_lake")
    write_edge_lake(lake)
    return edge_reference(lake)


def duckdb_round_trip(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each frame stored as a DuckDB table (DATE, BOOLEAN, BIGINT, DOUBLE) and read back."""
    out = {}
    with duckdb.connect() as con:
        for name, frame in frames.items():
            con.register("src", frame)
            con.execute(f"create table {name} as select * replace (date::date as date) from src")
            con.unregister("src")
            out[name] = con.execute(f"select * from {name}").df()
    return out


def test_compare_accepts_the_reference_after_a_duckdb_round_trip(
    edge_expected: dict[str, pd.DataFrame],
) -> None:
    actual = duckdb_round_trip(edge_expected)
    assert actual["daily_enriched"]["is_oom_killed"].dtype == bool
    assert compare_all(edge_expected, actual.__getitem__) == []


def test_compare_all_flags_a_single_perturbed_cell(edge_expected: dict[str, pd.DataFrame]) -> None:
    actual = duckdb_round_trip(edge_expected)
    pareto = actual["pareto_ns"]
    target = pareto.index[pareto["namespace"] == "@at"][0]
    pareto.loc[target, "waste_cumsum_before_pct"] += 1e-6
    problems = compare_all(edge_expected, actual.__getitem__)
    assert len(problems) == 1
    assert problems[0].startswith(
        "pareto_ns: date=2026-07-02 cluster_type='COMPUTE' namespace='@at': waste_cumsum_before_pct"
    )


def test_compare_all_reports_an_unreadable_mart(edge_expected: dict[str, pd.DataFrame]) -> None:
    def read(name: str) -> pd.DataFrame:
        if name == "gov_violations":
            raise duckdb.CatalogException("Table with name gov_violations does not exist!")
        return duckdb_round_trip({name: edge_expected[name]})[name]

    problems = compare_all(edge_expected, read)
    assert len(problems) == 1 and problems[0].startswith("gov_violations: cannot read")
