"""The public tables have enforced dbt contracts: a column renamed in a model's SQL but not in its
yml stops the build at that model, before anything downstream reads it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DBT, REPO, dbt_env, vars_arg
from edge_lake import EDGE_END, EDGE_START, write_edge_lake

pytestmark = pytest.mark.slow

PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds", "tests")


def project_copy(target: Path) -> Path:
    """The dbt project (no data, no target/) copied to target."""
    target.mkdir()
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("python"))
        else:
            shutil.copy2(source, target / part)
    return target


def test_renamed_column_fails_at_the_contract(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    model = project / "models" / "marts" / "reporting" / "rpt_window.sql"
    text = model.read_text()
    assert "as report_timezone," in text
    model.write_text(text.replace("as report_timezone,", "as report_tz,"))
    lake = tmp_path / "lake"
    write_edge_lake(lake)
    dbt_vars = {
        "start_date": EDGE_START.isoformat(),
        "end_date": EDGE_END.isoformat(),
        "raw_path": str(lake / "raw"),
    }
    proc = subprocess.run(
        [str(DBT), "build", "--select", "+rpt_cluster_kpis", "--vars", vars_arg(dbt_vars)],
        cwd=project,
        env=dbt_env(tmp_path / "finops.duckdb", tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 1, out[-3000:]
    assert "Compilation Error in model rpt_window" in out
    assert "This model has an enforced contract that failed." in out
    assert "| report_timezone |                 | VARCHAR       | missing in definition |" in out
    assert "| report_tz       | VARCHAR         |               | missing in contract   |" in out
    # the reporting table that reads rpt_window is not built from the broken one
    assert "SKIP relation reporting.rpt_cluster_kpis" in out
