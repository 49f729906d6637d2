"""The report's Tenants, Quotas and Lifecycle sheets, the capacity and quota charts and the
digest's owner, quota and lifecycle sections (issues 14 and 15), on the lifecycle test's lake
(sample data plus hand-made namespaces, quotas, nodes and buckets; window 2026-07-01 ..
2026-07-03, Asia/Seoul) and one more namespace whose name and owner look like formulas.

Prices of the `*` row of seeds/resource_prices: 0.031611 per core-hour, 0.004237 per GiB-hour,
0.023 per GiB-month of object storage; a month is 730 hours. Every expected number is worked out
by hand below from the fixture's requests and usage (constant all day, 72 hours).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DbtRun
from kube_finops.report import cli
from kube_finops.report.charts import CHARTS
from kube_finops.report.workbook import SHEET_NAMES, workbook_name
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from report_fixture import REPORT_SELECTOR, BuiltReport
from test_lifecycle_e2e import write_lake

pytestmark = pytest.mark.slow

END = datetime(2026, 7, 3).date()
CPU = 0.031611  # per core-hour
MEM = 0.004237  # per GiB-hour
HOURS = 72
FORMULA_NS = "-minus-tmp"
FORMULA_OWNER = '=HYPERLINK("http://x","y")'


def add_formula_like_namespace(lake: Path) -> None:
    """Every namespaces snapshot also lists FORMULA_NS, owned by FORMULA_OWNER, TTL passed."""
    for path in sorted((lake / "inventory" / "namespaces").glob("dt=*/hour=*/*.parquet")):
        table = pq.read_table(path)
        extra = pa.Table.from_pylist(
            [
                {
                    "timestamp": table["timestamp"][0].as_py(),
                    "cluster": "compute",
                    "namespace": FORMULA_NS,
                    "labels": [("governance_io_tenant_owner", FORMULA_OWNER)],
                    "annotations": [("governance_io_ttl_expire_date", "2026-07-01")],
                }
            ],
            schema=table.schema,
        )
        pq.write_table(pa.concat_tables([table, extra]), path)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> BuiltReport:
    work = tmp_path_factory.mktemp("report-tenants")
    lake = work / "lake"
    write_lake(lake)
    add_formula_like_namespace(lake)
    run = DbtRun(work / "finops.duckdb", work)
    run(
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--select",
        REPORT_SELECTOR,
        dbt_vars={
            "start_date": "2026-07-01",
            "end_date": END.isoformat(),
            "raw_path": str(lake / "raw"),
            "lookback_days": 3,
            "dormant_days": 3,
        },
    )
    out = work / "reports"
    args = cli.parse_args(["--duckdb", str(run.db_path), "--out", str(out), "--no-progress"])
    return BuiltReport(run=run, out=out, paths=cli.run(args))


def sheet(report: BuiltReport, name: str) -> Worksheet:
    return load_workbook(report.out / "compute" / workbook_name("COMPUTE", END))[name]


def table(ws: Worksheet, header_row: int = 3) -> list[dict[str, object]]:
    """The rows below header_row until the first empty first cell, as header -> value."""
    headers = [c.value for c in ws[header_row]]
    rows = []
    for r in range(header_row + 1, ws.max_row + 1):
        if ws.cell(row=r, column=1).value is None:
            break
        rows.append({h: ws.cell(row=r, column=j).value for j, h in enumerate(headers, 1) if h})
    return rows


def header_row_of(ws: Worksheet, caption_start: str) -> int:
    """The header row of the secondary table whose caption starts with caption_start."""
    for r in range(1, ws.max_row + 1):
        value = ws.cell(row=r, column=1).value
        if isinstance(value, str) and value.startswith(caption_start):
            return r + 1
    raise AssertionError(f"no caption {caption_start!r} on {ws.title}")


def digest(report: BuiltReport) -> str:
    return (report.out / "compute" / f"weekly_digest_compute_{END:%Y%m%d}.md").read_text()


def test_new_sheets_and_charts_exist(report: BuiltReport) -> None:
    wb = load_workbook(report.out / "compute" / workbook_name("COMPUTE", END))
    assert tuple(wb.sheetnames) == SHEET_NAMES
    assert SHEET_NAMES[-3:] == ("10. Tenants", "11. Quotas", "12. Lifecycle")
    charts = {p.stem for p in (report.out / "compute" / "charts").glob("*.png")}
    assert charts == {c.key for c in CHARTS}
    assert {"chart22_capacity_layers", "chart23_quota_fit"} <= charts
    assert len(wb["10. Tenants"]._images) == 1
    assert len(wb["11. Quotas"]._images) == 1


def test_tenants_sheet(report: BuiltReport) -> None:
    rows = {r["Owner"]: r for r in table(sheet(report, "10. Tenants"))}
    # alice-old: 2 cores + 4 GiB requested for 72 h: (2 x 0.031611 + 4 x 0.004237) x 72
    alice = rows["alice"]
    assert alice["Total cost"] == pytest.approx(5.77224, abs=1e-9)
    assert alice["Allocated"] == pytest.approx(5.77224, abs=1e-9)
    assert (alice["Shared share"], alice["Idle share"]) == (0, 0)  # no shared ns, idle kept
    # waste: 1.5 cores x 72 h = 108 core-h at 0.031611, and 3 GiB x 72 h at 0.004237
    assert alice["CPU waste (core-h)"] == pytest.approx(108.0)
    assert alice["Waste cost"] == pytest.approx(108 * CPU + 216 * MEM, abs=1e-9)
    # the cluster's largest CPU waste: first in the Pareto, graded Critical
    assert (alice["Worst namespace"], alice["Worst grade"]) == ("alice-old", "Critical")
    # 1 GiB bucket for 72 h: 72 GiB-h / 730 x 0.023
    assert alice["Object storage (not in total)"] == pytest.approx(72 / 730 * 0.023, abs=1e-9)
    # bob-sandbox and dave-dev: 1 core + 1 GiB each
    for owner in ("bob", "dave"):
        assert rows[owner]["Total cost"] == pytest.approx((CPU + MEM) * HOURS, abs=1e-9)
        assert rows[owner]["Namespaces"] == 1
        assert rows[owner]["Tier(s)"] == "unknown"
    # bob wastes 0.999 cores all day: 71.928 core-h; 108 of the cluster's waste ranks above him
    # (more than half of it): Medium
    assert rows["bob"]["CPU waste (core-h)"] == pytest.approx(71.928)
    assert rows["bob"]["Worst grade"] == "Medium"
    # the idle capacity stays on its own row (idle_cost keep), 100% idle
    idle = rows["__idle__"]
    assert idle["Idle (% of total)"] == pytest.approx(100.0)
    assert idle["Total cost"] == idle["Idle share"] > 0
    assert idle["Worst namespace"] is None
    # ranked by total cost
    totals = [r["Total cost"] for r in table(sheet(report, "10. Tenants"))]
    assert totals == sorted(totals, reverse=True)


def test_capacity_table_on_the_tenants_sheet(report: BuiltReport) -> None:
    ws = sheet(report, "10. Tenants")
    rows = table(ws, header_row_of(ws, "Capacity layers per day"))
    assert [str(r["Date"])[:10] for r in rows] == ["2026-07-01", "2026-07-02", "2026-07-03"]
    for r in rows:
        assert r["CPU idle (core-h)"] == pytest.approx(
            r["CPU allocatable (core-h)"] - r["CPU requested (core-h)"]
        )
        assert r["Requests exceed allocatable"] == "no"
        # the hand-made containers alone request 2 + 1 + 0.5 + 1 = 4.5 cores all day
        assert r["CPU requested (core-h)"] >= 4.5 * 24


def test_quotas_sheet(report: BuiltReport) -> None:
    ws = sheet(report, "11. Quotas")
    mine = ("alice-old", "bob-sandbox", "carol-dev", "dave-dev")
    rows = [r for r in table(ws) if r["Namespace"] in mine]
    shown = [
        (r["Status"], r["Namespace"], r["Resource"], r["Hard"], r["Max used"], r["Unit"])
        for r in rows
    ]
    assert shown == [
        ("exceeded", "carol-dev", "pods", 5, 6, "count"),
        ("almost_full", "alice-old", "requests.cpu", 2, 2, "cores"),
        ("almost_full", "dave-dev", "requests.memory", 8, pytest.approx(7782 / 1024), "GiB"),
        ("oversized", "bob-sandbox", "requests.cpu", 8, 1, "cores"),  # 12.5% before 25%
        ("oversized", "dave-dev", "requests.cpu", 4, 1, "cores"),
        ("fit", "dave-dev", "pods", 5, 2, "count"),  # fit: the fullest first, 40%
        ("fit", "dave-dev", "limits.cpu", 4, 1.2, "cores"),  # 30% on the last day
    ]
    by_key = {(r["Namespace"], r["Resource"]): r for r in rows}
    carol = by_key[("carol-dev", "pods")]
    assert carol["Used (% of hard)"] == pytest.approx(120.0)
    assert carol["Recommended quantity"] == "8"  # 6 x 1.25 = 7.5, rounded up
    assert carol["Owner"] == "carol"
    assert carol["kubectl"] == (
        "kubectl -n carol-dev patch resourcequota compute-quota --type merge -p "
        """'{"spec":{"hard":{"pods":"8"}}}'"""
    )
    assert by_key[("dave-dev", "requests.memory")]["Recommended quantity"] == "9728Mi"
    assert by_key[("dave-dev", "pods")]["kubectl"] is None
    overcommit = table(ws, header_row_of(ws, "Quota overcommit per day"))
    assert len(overcommit) == 3
    assert all(r["CPU overcommitted"] in ("yes", "no") for r in overcommit)


def test_lifecycle_sheet(report: BuiltReport) -> None:
    ws = sheet(report, "12. Lifecycle")
    rows = {r["Namespace"]: r for r in table(ws)}
    alice = rows["alice-old"]
    assert alice["Status"] == "expired"
    assert alice["Command"] == "kubectl delete namespace alice-old"
    # (2 x 0.031611 + 4 x 0.004237) x 730
    assert alice["Held per month"] == pytest.approx(58.5241, abs=1e-9)
    assert alice["Owner's buckets (GiB)"] == pytest.approx(1.0)
    assert rows["carol-dev"]["Status"] == "invalid_ttl"
    assert rows["carol-dev"]["TTL annotation"] == "someday"
    assert rows["carol-dev"]["Command"] is None
    assert rows["bob-sandbox"]["Status"] == "dormant"
    assert rows["bob-sandbox"]["Dormant"] == "yes"
    statuses = [r["Status"] for r in table(ws)]
    order = ["expired", "expiring", "invalid_ttl", "dormant"]
    assert statuses == sorted(statuses, key=order.index)
    buckets = {r["Bucket"]: r for r in table(ws, header_row_of(ws, "Buckets of inactive owners"))}
    # the lake's inventory is the hand-written one only (its raw samples come without inventory)
    assert set(buckets) == {"alice-data", "bob-data", "erin-data"}
    # 10 GiB at 0.023 per GiB-month
    assert buckets["bob-data"]["Cost per month"] == pytest.approx(0.23)
    assert buckets["erin-data"]["Reason"] == "no namespace left"
    assert buckets["bob-data"]["Suggestion"] == "mc ilm rule add --expire-days 30 minio/bob-data"


def test_formula_like_names_stay_text(report: BuiltReport) -> None:
    ws = sheet(report, "12. Lifecycle")
    headers = [c.value for c in ws[3]]
    ns_col, owner_col = headers.index("Namespace") + 1, headers.index("Owner") + 1
    row = next(
        r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=ns_col).value == FORMULA_NS
    )
    for column, value in ((ns_col, FORMULA_NS), (owner_col, FORMULA_OWNER)):
        cell = ws.cell(row=row, column=column)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)


def test_digest_sections(report: BuiltReport) -> None:
    text = digest(report)
    owners = text.split("## Top 5 owners by waste", 1)[1].split("\n## ", 1)[0]
    first = next(line for line in owners.splitlines() if line.startswith("| 1 |"))
    # alice: waste 108 x 0.031611 + 216 x 0.004237 = 4.33, total 5.77, worst alice-old
    assert first.startswith("| 1 | `alice` | unknown | 1 | 4.33 | 108.0 | 5.77 |")
    assert "`alice-old` (Critical)" in first
    assert "| 2 | `bob` |" in owners
    assert "idle capacity kept on the __idle__ row" in owners
    quotas = text.split("\n## Quotas\n", 1)[1].split("\n## ", 1)[0]
    assert "almost full: used / hard >= 90%; oversized: used / hard < 30%" in quotas
    assert (
        "- `carol-dev` (carol) `pods`: max used 6 of 5 count (120 %) -> 8: "
        "`kubectl -n carol-dev patch resourcequota compute-quota --type merge -p "
        """'{"spec":{"hard":{"pods":"8"}}}'`"""
    ) in quotas
    assert "### Oversized:" in quotas and "`bob-sandbox` (bob) `requests.cpu`" in quotas
    lifecycle = text.split("\n## Lifecycle\n", 1)[1]
    assert (
        "| `alice-old` | `alice` | 2026-07-02 | 2.00 | 58.52 | USD "
        "| notify alice; delete after 2026-07-09 | `kubectl delete namespace alice-old` |"
    ) in lifecycle
    assert "### Invalid TTL annotation (never treated as expired): 2" in lifecycle
    assert "| `carol-dev` | `carol` | someday |" in lifecycle
    assert (
        "| `bob-data` | `bob` | 10.00 | 0.23 | USD | every namespace expired or dormant "
        "| `mc ilm rule add --expire-days 30 minio/bob-data` |"
    ) in lifecycle
