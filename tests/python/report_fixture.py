"""Shared report fixture: the edge lake built by dbt (marts + reporting tables), then the report."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import DbtRun
from edge_lake import EDGE_END, EDGE_START, write_edge_lake

REPORT_SELECTOR = "+path:models/marts/reporting"


@dataclass
class BuiltReport:
    run: DbtRun
    out: Path
    paths: list[Path]

    def workbooks(self) -> list[Path]:
        return sorted(p for p in self.paths if p.suffix == ".xlsx")


def build_edge_marts(work: Path, dbt_vars: dict[str, object] | None = None) -> DbtRun:
    """The edge lake built up to the reporting tables; dbt_vars override the project's vars."""
    lake = work / "lake"
    write_edge_lake(lake)
    run = DbtRun(work / "finops.duckdb", work)
    # as `make build`: the dbt unit tests pin the default vars, so they are left out of a build
    # that changes them
    skip_unit_tests = ("--exclude-resource-type", "unit_test") if dbt_vars else ()
    run(
        "build",
        "--select",
        REPORT_SELECTOR,
        # data tests whose every parent is built (a test that also reads a mart outside the
        # report's ancestry, e.g. the chargeback money test, would find no table)
        "--indirect-selection",
        "buildable",
        *skip_unit_tests,
        dbt_vars={
            "start_date": EDGE_START.isoformat(),
            "end_date": EDGE_END.isoformat(),
            "raw_path": str(lake / "raw"),
            **(dbt_vars or {}),
        },
    )
    return run


def run_report(run: DbtRun, out: Path) -> BuiltReport:
    """The report CLI (charts, workbooks, digests) on a built DuckDB file."""
    from kube_finops.report import cli

    args = cli.parse_args(["--duckdb", str(run.db_path), "--out", str(out), "--no-progress"])
    return BuiltReport(run=run, out=out, paths=cli.run(args))


@pytest.fixture(scope="session")
def edge_report_marts(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The edge lake built once per session up to the reporting tables (used read-only)."""
    return build_edge_marts(tmp_path_factory.mktemp("edge-report"))


def soffice_to_pdf(workbook: Path, out_dir: Path, timeout: float = 240) -> Path:
    """Convert with LibreOffice headless (own profile dir per call); returns the PDF path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "soffice not found"
    profile = out_dir / f"lo-profile-{uuid.uuid4().hex}"
    proc = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    pdf = out_dir / (workbook.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), (
        f"LibreOffice could not convert {workbook.name} ({proc.returncode}): "
        f"{proc.stdout[-2000:]} {proc.stderr[-2000:]}"
    )
    return pdf
