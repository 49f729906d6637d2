"""The per-cluster workbook, charts and digest built from the edge-lake marts."""

from __future__ import annotations

import math
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import DbtRun
from edge_lake import EDGE_END, EDGE_START
from kube_finops.report import cli
from kube_finops.report.charts import CHARTS, render_all
from kube_finops.report.data import ReportStore
from kube_finops.report.workbook import (
    CHART_SHEET_KEYS,
    CPU_COLUMNS,
    KPI_ROWS,
    PARETO_COLUMNS,
    RISK_COLUMNS,
    SHEET_NAMES,
    VIOLATION_COLUMNS,
    put,
    workbook_name,
)
from openpyxl import Workbook, load_workbook
from report_fixture import BuiltReport, edge_report_marts, soffice_to_pdf
from services import require_service

__all__ = ["edge_report_marts"]  # the session fixture, imported for pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(edge_report_marts: DbtRun, tmp_path_factory: pytest.TempPathFactory) -> BuiltReport:
    run = edge_report_marts
    out = tmp_path_factory.mktemp("report") / "reports"
    args = cli.parse_args(
        [
            "--duckdb",
            str(run.db_path),
            "--out",
            str(out),
            "--no-progress",
            "--start",
            EDGE_START.isoformat(),
            "--end",
            EDGE_END.isoformat(),
        ]
    )
    paths = cli.run(args)
    return BuiltReport(run=run, out=out, paths=paths)


def clusters(report: BuiltReport) -> list[str]:
    return [
        r[0]
        for r in report.run.query(
            "select distinct cluster_type from marts.daily_enriched "
            f"where date between date '{EDGE_START}' and date '{EDGE_END}' order by 1"
        )
    ]


def kpi_values(path: Path) -> dict[str, object]:
    ws = load_workbook(path)["0. Summary"]
    return {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
        for r in range(4, 4 + len(KPI_ROWS))
    }


def data_rows(ws) -> int:
    rows = 0
    for r in range(4, ws.max_row + 1):
        if ws.cell(row=r, column=1).value is None:
            break
        rows += 1
    return rows


def test_one_workbook_per_cluster_with_every_sheet(report: BuiltReport) -> None:
    expected = {workbook_name(c, EDGE_END) for c in clusters(report)}
    assert {p.name for p in report.workbooks()} == expected
    assert "res_usage_report_compute_20260702.xlsx" in expected
    for path in report.workbooks():
        wb = load_workbook(path)
        assert tuple(wb.sheetnames) == SHEET_NAMES


def test_header_rows(report: BuiltReport) -> None:
    wb = load_workbook(report.out / "compute" / workbook_name("COMPUTE", EDGE_END))
    for sheet, columns in (
        ("1. Namespace Pareto", PARETO_COLUMNS),
        ("2. CPU Analysis", CPU_COLUMNS),
        ("4. OOM & Shortage Risk", RISK_COLUMNS),
        ("5. Request-Limit Violations", VIOLATION_COLUMNS),
    ):
        ws = wb[sheet]
        assert [ws.cell(row=3, column=j + 1).value for j in range(len(columns))] == [
            c.header for c in columns
        ], sheet
        assert ws.freeze_panes == "A4"
        assert ws.auto_filter.ref.startswith("A3:")


def test_kpis_equal_the_marts(report: BuiltReport) -> None:
    for cluster in clusters(report):
        kpis = kpi_values(report.out / cluster.lower() / workbook_name(cluster, EDGE_END))
        key = "namespace || '/' || pod || '/' || container"
        (containers, oom, throttled, violations, waste, mem_waste, alloc, used) = report.run.query(
            f"""
            select
                count(distinct {key}),
                count(distinct case when is_oom_killed then {key} end),
                count(distinct case when cpu_throttled_max > 0.2 then {key} end),
                count(distinct case when has_no_request or has_no_limit then {key} end),
                sum(cpu_waste_core_hours), sum(mem_waste_gb_hours),
                sum(cpu_allocated_core_hours), sum(cpu_usage_core_hours)
            from marts.daily_enriched
            where cluster_type = '{cluster}'
                and date between date '{EDGE_START}' and date '{EDGE_END}'
            """
        )[0]
        assert kpis["Cluster"] == cluster
        assert kpis["Containers observed"] == containers
        assert kpis["OOM-killed containers"] == oom
        assert kpis["Throttling-risk containers"] == throttled
        assert kpis["Spec violations"] == violations
        assert kpis["CPU waste"] == pytest.approx(waste, rel=1e-9, abs=1e-9)
        assert kpis["Memory waste"] == pytest.approx(mem_waste, rel=1e-9, abs=1e-9)
        efficiency = 100 * used / alloc if alloc else 0
        assert kpis["CPU efficiency"] == pytest.approx(efficiency, rel=1e-9, abs=1e-9)


def test_row_counts(report: BuiltReport) -> None:
    wb = load_workbook(report.out / "compute" / workbook_name("COMPUTE", EDGE_END))
    window = f"date between date '{EDGE_START}' and date '{EDGE_END}' and cluster_type = 'COMPUTE'"
    (namespaces, container_days) = report.run.query(
        f"select count(distinct namespace), count(*) from marts.daily_enriched where {window}"
    )[0]
    (risk,) = report.run.query(f"select count(*) from marts.gov_risk_oom where {window}")[0]
    (violations,) = report.run.query(f"select count(*) from marts.gov_violations where {window}")[0]
    assert data_rows(wb["1. Namespace Pareto"]) == namespaces
    assert data_rows(wb["2. CPU Analysis"]) == max(1, math.floor(container_days * 0.3))
    assert data_rows(wb["4. OOM & Shortage Risk"]) == risk
    assert data_rows(wb["5. Request-Limit Violations"]) == violations
    assert risk > 0 and violations > 0


def test_images_are_anchored(report: BuiltReport) -> None:
    wb = load_workbook(report.out / "compute" / workbook_name("COMPUTE", EDGE_END))
    anchors = [(img.anchor._from.col, img.anchor._from.row) for img in wb["0. Summary"]._images]
    assert anchors == [(4, 2), (4, 22)]  # E3 and E23, zero-based
    assert len(wb["9. Charts"]._images) == len(CHART_SHEET_KEYS)
    assert len(wb["2. CPU Analysis"]._images) == 2
    assert len(wb["6. Daily Trend"]._images) == 3


def test_formula_like_namespaces_are_text(report: BuiltReport) -> None:
    path = report.out / "compute" / workbook_name("COMPUTE", EDGE_END)
    ws = load_workbook(path)["1. Namespace Pareto"]
    names = {
        ws.cell(row=r, column=2).value: ws.cell(row=r, column=2) for r in range(4, ws.max_row + 1)
    }
    for name in ("=cmd-ns", "+plus", "-minus", "@at"):
        assert name in names, sorted(str(n) for n in names)
        assert names[name].data_type == "s"
        assert names[name].quotePrefix
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(member), member


def test_put_never_writes_a_formula() -> None:
    ws = Workbook().active
    for i, text in enumerate(['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "plain"], 1):
        cell = put(ws, i, 1, text)
        assert cell.data_type == "s"
        assert cell.value == text
        assert cell.quotePrefix == (text != "plain")


def test_charts_and_digest(report: BuiltReport) -> None:
    charts = sorted((report.out / "compute" / "charts").glob("*.png"))
    assert [p.stem for p in charts] == sorted(c.key for c in CHARTS)
    assert all(p.stat().st_size > 5000 for p in charts)
    digest = (report.out / "compute" / "weekly_digest_compute_20260702.md").read_text()
    assert "## Top 5 namespaces by CPU waste" in digest
    assert "## Top 5 namespaces by risk" in digest
    assert "set requests cpu=" in digest  # the namespace's most severe recommendation
    # two days of data: nobody has been idle for dormant_days (14) yet
    assert "## Dormant namespaces (no CPU use, still holding resources)\n" in digest
    assert "on each of the last 14 days; a month is 730 hours.\n\nNone." in digest


def test_rightsizing_sheet_lists_the_marts_recommendations(report: BuiltReport) -> None:
    ws = load_workbook(report.out / "compute" / workbook_name("COMPUTE", EDGE_END))[
        "8. Right-sizing"
    ]
    con = duckdb.connect(str(report.run.db_path), read_only=True)
    try:
        commands = {
            r[0]
            for r in con.execute(
                "select kubectl_command from marts.rightsizing_recommendations"
                " where cluster_type = 'COMPUTE' and window_end_date = ?",
                [EDGE_END],
            ).fetchall()
        }
    finally:
        con.close()
    assert commands, "the edge lake should produce recommendations for COMPUTE"
    header = [c.value for c in ws[3]]
    column = header.index("kubectl") + 1
    shown = {ws.cell(row=r, column=column).value for r in range(4, ws.max_row + 1)}
    assert shown - {None} == commands


def test_empty_cluster_gives_placeholders(report: BuiltReport, tmp_path: Path) -> None:
    with ReportStore(report.run.db_path) as store:
        data = store.load_cluster("NO-SUCH-CLUSTER", store.window())
    paths = render_all(data, tmp_path)
    assert len(paths) == len(CHARTS)
    assert all(p.exists() and p.stat().st_size > 0 for p in paths.values())


def test_window_mismatch_is_one_clear_error(report: BuiltReport, tmp_path: Path, caplog) -> None:
    code = cli.main(
        [
            "--duckdb",
            str(report.run.db_path),
            "--out",
            str(tmp_path),
            "--end",
            "2026-07-09",
            "--no-progress",
        ]
    )
    assert code == 2
    assert "hold the window 2026-07-01..2026-07-02" in caplog.text


def test_libreoffice_opens_every_workbook(report: BuiltReport, tmp_path: Path) -> None:
    if not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")):
        require_service(
            "LibreOffice/poppler not installed "
            "(make setup-report: apt-get install libreoffice-calc-nogui poppler-utils)"
        )
    for workbook in report.workbooks():
        pdf = soffice_to_pdf(workbook, tmp_path)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = int(
            next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
        )
        assert pages >= len(SHEET_NAMES), workbook.name
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "#NAME?" not in text and "Err:" not in text, workbook.name
        assert "Resource usage report" in text
        if workbook.name.startswith("res_usage_report_compute"):
            assert "=cmd-ns" in text
