"""The report words its thresholds, bands, weights and month from the build's dbt vars
(reporting.rpt_window), so a var changed for one build changes the workbook and the digest."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DbtRun
from edge_lake import EDGE_END
from kube_finops.report.workbook import KPI_ROWS, workbook_name
from kube_finops.summary import main as summary_main
from openpyxl import load_workbook
from report_fixture import BuiltReport, build_edge_marts, edge_report_marts, run_report

__all__ = ["edge_report_marts"]  # the session fixture, imported for pytest

pytestmark = pytest.mark.slow

COMPUTE_WORKBOOK = workbook_name("COMPUTE", EDGE_END)
DIGEST = f"weekly_digest_compute_{EDGE_END.strftime('%Y%m%d')}.md"
# every value differs from the project default
CHANGED = {
    "status_throttle_ratio": 0.4,
    "pareto_critical_below_pct": 0,
    "pareto_high_below_pct": 40,
    "usage_score_weight_mem": 0.5,
    "hours_per_month": 365,
    "report_top_waste_share": 0.5,
}


@pytest.fixture(scope="module")
def default_report(
    edge_report_marts: DbtRun, tmp_path_factory: pytest.TempPathFactory
) -> BuiltReport:
    return run_report(edge_report_marts, tmp_path_factory.mktemp("rules-default") / "reports")


@pytest.fixture(scope="module")
def changed_report(tmp_path_factory: pytest.TempPathFactory) -> BuiltReport:
    work = tmp_path_factory.mktemp("rules-changed")
    return run_report(build_edge_marts(work, CHANGED), work / "reports")


def kpi_rows(report: BuiltReport) -> dict[str, tuple[object, object]]:
    """KPI label -> (value, note) of the COMPUTE workbook's summary sheet."""
    ws = load_workbook(report.out / "compute" / COMPUTE_WORKBOOK)["0. Summary"]
    return {
        ws.cell(row=r, column=1).value: (
            ws.cell(row=r, column=2).value,
            ws.cell(row=r, column=3).value,
        )
        for r in range(4, 4 + len(KPI_ROWS))
    }


def subtitle(report: BuiltReport, sheet: str) -> str:
    return load_workbook(report.out / "compute" / COMPUTE_WORKBOOK)[sheet]["A2"].value


def column(report: BuiltReport, sheet: str, header: str) -> list[object]:
    ws = load_workbook(report.out / "compute" / COMPUTE_WORKBOOK)[sheet]
    j = [c.value for c in ws[3]].index(header) + 1
    return [ws.cell(row=r, column=j).value for r in range(4, ws.max_row + 1)]


def digest(report: BuiltReport) -> str:
    return (report.out / "compute" / DIGEST).read_text(encoding="utf-8")


def test_throttling_threshold(default_report: BuiltReport, changed_report: BuiltReport) -> None:
    # the edge lake's throttle-0 peaks at 0.35 (throttle-edge-0 at 0.2, the rest at most 0.05):
    # one COMPUTE container above 0.2, none above 0.4
    before, after = kpi_rows(default_report), kpi_rows(changed_report)
    assert before["Throttling-risk containers"] == (
        1,
        "containers (> 20% of CFS periods throttled)",
    )
    assert after["Throttling-risk containers"] == (0, "containers (> 40% of CFS periods throttled)")
    assert "0 throttled containers (> 40% of CFS periods throttled on a day)" in digest(
        changed_report
    )


def test_pareto_bands(default_report: BuiltReport, changed_report: BuiltReport) -> None:
    # the namespace ranked first has nobody above it (cumulative share 0): below 20 -> Critical
    # by default; with no Critical band (below 0) it is High (below 40)
    sheet = "1. Namespace Pareto"
    assert column(default_report, sheet, "Grade")[0] == "Critical"
    grades = column(changed_report, sheet, "Grade")
    assert grades[0] == "High" and "Critical" not in grades
    bands = "< 0% Critical, < 40% High, < 80% Medium, else Low"
    assert bands in subtitle(changed_report, sheet)
    assert "< 20% Critical, < 50% High, < 80% Medium, else Low" in subtitle(default_report, sheet)
    assert f"ranked above: {bands}." in digest(changed_report)


def test_score_weights_and_top_share(changed_report: BuiltReport) -> None:
    assert "Score = CPU core-h x 1 + memory GiB-h x 0.5 + PV GiB-h x 0.02" in subtitle(
        changed_report, "1-2. Namespace Daily"
    )
    assert "(the largest 50%, at least one;" in subtitle(changed_report, "2. CPU Analysis")


def test_month_is_hours_per_month(default_report: BuiltReport, changed_report: BuiltReport) -> None:
    assert "a month is 365 hours" in subtitle(changed_report, "8. Right-sizing")
    assert "a month is 730 hours" in subtitle(default_report, "8. Right-sizing")
    assert kpi_rows(changed_report)["Right-sizing savings"][1] == "USD per month of 365 h"
    assert "a month is 365 hours." in digest(changed_report)
    # the same recommendations priced over half the hours: half the monthly amounts
    before = column(default_report, "8. Right-sizing", "Monthly cost change")
    after = column(changed_report, "8. Right-sizing", "Monthly cost change")
    assert len(before) == len(after) and any(before)
    assert sum(after) == pytest.approx(sum(before) / 2, rel=1e-9)


def test_summary_prints_the_kpis_and_threshold(
    changed_report: BuiltReport, capsys: pytest.CaptureFixture[str]
) -> None:
    assert summary_main(["--duckdb", str(changed_report.run.db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "throttled >40%" in lines[0]
    compute = next(line.split() for line in lines if line.startswith("COMPUTE"))
    kpis = kpi_rows(changed_report)
    assert compute[1] == f"{kpis['Containers observed'][0]:,}"
    assert compute[5] == "0"


def test_summary_refuses_another_window(changed_report: BuiltReport, caplog) -> None:
    code = summary_main(
        [
            "--duckdb",
            str(changed_report.run.db_path),
            "--start",
            "2026-07-01",
            "--end",
            "2026-07-09",
        ]
    )
    assert code == 2
    assert "hold the window 2026-07-01..2026-07-02, not 2026-07-01..2026-07-09" in caplog.text


def test_missing_database_is_one_line(tmp_path: Path, caplog) -> None:
    assert summary_main(["--duckdb", str(tmp_path / "none.duckdb")]) == 2
    assert "does not exist: run `make build` first" in caplog.text
