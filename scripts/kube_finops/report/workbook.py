"""The per-cluster Excel workbook (openpyxl).

Every value comes from a reporting table; this module only lays it out. Text is always written
as text: openpyxl turns any string starting with "=" into a live formula, so each string cell is
forced to the string type, and one starting with = + - @ also gets the quote prefix, so a
spreadsheet never evaluates it, even after the cell is edited.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.image import Image as XLImage
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kube_finops.report.charts import CHART_BY_KEY
from kube_finops.report.data import ClusterData, Rules, number, percent

log = logging.getLogger(__name__)

FORMULA_PREFIXES = ("=", "+", "-", "@")
HEADER_ROW = 3
FIRST_DATA_ROW = 4
IMAGE_WIDTH = 860
IMAGE_ROWS = 24  # rows an embedded chart occupies (430 px at 20 px per row), plus a gap

DARK = "1F4E79"
MID = "2E75B6"
RED = "C00000"
ORANGE = "E26B0A"
PURPLE = "7030A0"
GREEN = "375623"
KPI_BG = "EBF3FB"
STATUS_FILLS = {
    "OOM Killed": ("FFCCCC", RED),
    "Request Shortage": ("FFF2CC", "7F6000"),
    "Over-allocated": ("DDEEFF", DARK),
    "Optimized": ("E2EFDA", GREEN),
}
GRADE_FILLS = {
    "Critical": ("FFCCCC", RED),
    "High": ("FCE4D6", "C65911"),
    "Medium": ("FFF2CC", "7F6000"),
    "Low": ("EDEDED", "595959"),
}
SEVERITY_FILLS = {
    "critical": ("FFCCCC", RED),
    "warning": ("FFF2CC", "7F6000"),
    "ok": ("DDEEFF", DARK),
    "good": ("E2EFDA", GREEN),
}
NUMBER_FORMATS = {
    "text": "@",
    "int": "#,##0",
    "num1": "#,##0.0",
    "num2": "#,##0.00",
    "num3": "#,##0.000",
    "pct": '0.0" %"',
    "ratio": "0.0%",
    "date": "yyyy-mm-dd",
    "money": "#,##0.00",
    "flag": "General",
    "bool": "General",
    "wrap": "General",
}
FLAG_TEXT = "MISSING"
QUOTA_STATUS_FILLS = {
    "exceeded": ("FFCCCC", RED),
    "almost_full": ("FCE4D6", "C65911"),
    "oversized": ("DDEEFF", DARK),
    "fit": ("E2EFDA", GREEN),
}
LIFECYCLE_FILLS = {
    "expired": ("FFCCCC", RED),
    "expiring": ("FCE4D6", "C65911"),
    "invalid_ttl": ("FFF2CC", "7F6000"),
    "dormant": ("EDEDED", "595959"),
}


@dataclass(frozen=True)
class Col:
    """One table column: header text, source column, format key and width."""

    header: str
    field: str
    fmt: str = "text"
    width: float = 14


def _style_name(fmt: str) -> str:
    return f"kf_{fmt}"


def register_styles(wb: Workbook) -> None:
    """Named styles shared by every data cell (one assignment per cell keeps writing fast)."""
    thin = Side(style="thin", color="D9D9D9")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for fmt, number_format in NUMBER_FORMATS.items():
        style = NamedStyle(name=_style_name(fmt))
        style.font = Font(name="Arial", size=9)
        style.border = border
        style.number_format = number_format if fmt not in ("text", "wrap") else "General"
        style.alignment = Alignment(
            horizontal="left" if fmt in ("text", "flag", "bool", "wrap") else "right",
            vertical="top" if fmt == "wrap" else "center",
            wrap_text=fmt == "wrap",
        )
        wb.add_named_style(style)


def clean_text(value: str) -> str:
    """Drop characters XML cannot hold (openpyxl would raise on them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def to_cell_value(value: Any) -> Any:
    """A pandas/numpy value as something openpyxl writes: None for missing, plain Python types."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalar
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def put(ws: Worksheet, row: int, column: int, value: Any, style: str | None = None):
    """Write one cell; strings are always stored as text, never as a formula."""
    value = to_cell_value(value)
    if isinstance(value, str):
        value = clean_text(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if style:
        cell.style = style
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    return cell


def _title(ws: Worksheet, text: str, subtitle: str, width_cols: int, colour: str = DARK) -> None:
    ws.sheet_view.showGridLines = False
    last = get_column_letter(max(width_cols, 4))
    ws.merge_cells(f"A1:{last}1")
    cell = put(ws, 1, 1, text)
    cell.font = Font(name="Arial", bold=True, size=14, color="FFFFFF")
    cell.fill = PatternFill("solid", fgColor=colour)
    cell.alignment = Alignment(horizontal="left", vertical="center", indent=1)
    ws.row_dimensions[1].height = 30
    sub = put(ws, 2, 1, subtitle)
    sub.font = Font(name="Arial", italic=True, size=9, color="595959")


def _print_setup(ws: Worksheet, header_row: int | None = HEADER_ROW) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"


def _fill_rules(ws: Worksheet, ref: str, fills: dict[str, tuple[str, str]]) -> None:
    for value, (bg, fg) in fills.items():
        ws.conditional_formatting.add(
            ref,
            CellIsRule(
                operator="equal",
                formula=[f'"{value}"'],
                fill=PatternFill("solid", fgColor=bg, bgColor=bg),
                font=Font(bold=True, color=fg),
            ),
        )


def write_table(
    ws: Worksheet,
    frame: pd.DataFrame,
    columns: Sequence[Col],
    *,
    header_colour: str = MID,
    header_row: int = HEADER_ROW,
    secondary: bool = False,
) -> int:
    """Header, data rows, widths, frozen header, filter; returns the last data row. A secondary
    table (below the sheet's main one) keeps the main table's widths, frozen rows and filter."""
    header_font = Font(name="Arial", bold=True, size=10, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=header_colour)
    header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for j, col in enumerate(columns, start=1):
        cell = put(ws, header_row, j, col.header)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = header_align
        if not secondary:
            ws.column_dimensions[get_column_letter(j)].width = col.width
    ws.row_dimensions[header_row].height = _header_height(ws, columns)
    row = header_row
    cells = ws._cells
    # every column is in the frame: the tables' columns are dbt contracts
    for j, col in enumerate(columns if not frame.empty else (), start=1):
        proto = _style_array(ws, _style_name(col.fmt))
        for row, value in enumerate(
            _column_values(frame[col.field], col.fmt), start=header_row + 1
        ):
            cell = Cell(ws, row=row, column=j)
            cell._style = copy(proto)
            if value is not None:
                cell.value = value
                if type(value) is str:
                    cell.data_type = "s"
                    if value.startswith(FORMULA_PREFIXES):
                        cell.quotePrefix = True
            cells[(row, j)] = cell
    last_row = max(row, header_row)
    if not secondary:
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        last_col = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A{header_row}:{last_col}{max(last_row, header_row + 1)}"
    if frame.empty:
        note = put(ws, header_row + 1, 1, "No rows for this cluster in the window.")
        note.font = Font(name="Arial", italic=True, size=9, color="808080")
    return last_row


def _header_height(ws: Worksheet, columns: Sequence[Col]) -> float:
    """A header row tall enough for its wrapped headers at the sheet's column widths."""
    lines = 2
    for j, col in enumerate(columns, start=1):
        width = ws.column_dimensions[get_column_letter(j)].width or col.width
        lines = max(lines, math.ceil(len(col.header) / max(width * 0.85, 4)))
    return 13.0 * lines + 6


def _style_array(ws: Worksheet, style: str) -> StyleArray:
    """The style array of a named style (copied into each cell: much cheaper than by name)."""
    probe = Cell(ws, row=1, column=1)
    probe.style = style
    return copy(probe._style)


def _column_values(series: pd.Series, fmt: str) -> list[Any]:
    """A column as plain Python values for openpyxl: None for missing, dates, cleaned text."""
    if fmt == "flag":
        return [FLAG_TEXT if bool(v) else "" for v in series.fillna(False).tolist()]
    if fmt == "bool":
        return [None if pd.isna(v) else ("yes" if bool(v) else "no") for v in series.tolist()]
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.date() for v in series.tolist()]
    values = series.tolist()
    if pd.api.types.is_float_dtype(series):
        return [None if v != v else v for v in values]  # NaN -> None
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return values
    return [to_cell_value(clean_text(v) if isinstance(v, str) else v) for v in values]


def column_ref(columns: Sequence[Col], field: str, first: int, last: int) -> str | None:
    for j, col in enumerate(columns, start=1):
        if col.field == field:
            letter = get_column_letter(j)
            return f"{letter}{first}:{letter}{max(last, first)}"
    return None


def add_chart(ws: Worksheet, charts: dict[str, Path], key: str, row: int, column: str = "A") -> int:
    """Embed one chart PNG with a caption at `row`; returns the next free row."""
    path = charts.get(key)
    if path is None or not path.exists():
        log.warning("%s: chart %s missing, not embedded", ws.title, key)
        return row
    caption = put(ws, row, _col_index(column), f"[ {CHART_BY_KEY[key].title} ]")
    caption.font = Font(name="Arial", bold=True, size=11, color=DARK)
    image = XLImage(str(path))
    scale = IMAGE_WIDTH / image.width
    image.width = IMAGE_WIDTH
    image.height = int(image.height * scale)
    ws.add_image(image, f"{column}{row + 1}")
    return row + 1 + IMAGE_ROWS


def _col_index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)


def _charts_below(
    ws: Worksheet, charts: dict[str, Path], keys: Iterable[str], last_row: int
) -> None:
    row = last_row + 3
    for key in keys:
        row = add_chart(ws, charts, key, row)


def _period(data: ClusterData) -> str:
    return (
        f"{data.window.start.isoformat()} .. {data.window.end.isoformat()} ({data.window.timezone})"
    )


IDENTITY = [
    Col("Date", "date", "date", 12),
    Col("Domain", "workload_domain", "text", 12),
    Col("Namespace", "namespace", "text", 24),
    Col("Workload type", "workload_type", "text", 14),
    Col("Pod", "pod", "text", 30),
    Col("Container", "container", "text", 16),
]

# ---------------------------------------------------------------- sheets

KPI_ROWS: tuple[tuple[str, str, str, str], ...] = (
    # label, kpi field, format, unit
    ("Cluster", "cluster_type", "text", ""),
    ("Workload domain(s)", "workload_domains", "text", ""),
    ("Period", "period", "text", ""),
    ("Days with data", "days_with_data", "int", "days"),
    ("Namespaces", "namespaces", "int", ""),
    ("Containers observed", "containers_observed", "int", "containers"),
    ("Container-days", "container_days", "int", "rows of daily_enriched"),
    ("OOM-killed containers", "oom_containers", "int", "containers"),
    ("OOM kills", "oom_kills", "int", "kills"),
    ("Throttling-risk containers", "throttling_risk_containers", "int", "containers ({throttle})"),
    ("Spec violations", "spec_violation_containers", "int", "containers without request/limit"),
    ("CPU allocated", "cpu_alloc_ch", "num1", "core-hours"),
    ("CPU used (P95)", "cpu_used_ch", "num1", "core-hours"),
    ("CPU waste", "cpu_waste_ch", "num1", "core-hours"),
    ("Memory waste", "mem_waste_gh", "num1", "GiB-hours"),
    ("PV waste", "pv_waste_gh", "num1", "GiB-hours"),
    ("CPU efficiency", "cpu_efficiency_pct", "pct", "used / allocated"),
    ("Memory efficiency", "mem_efficiency_pct", "pct", "used / allocated"),
    ("Allocated cost", "alloc_cost", "money", "currency"),
    ("Waste cost", "waste_cost", "money", "currency"),
    ("Right-sizing actions", "rightsizing_actions", "int", "recommendations (critical, warning)"),
    ("Right-sizing savings", "rightsizing_monthly_savings", "money", "currency per {month}"),
    ("Right-sizing increases", "rightsizing_monthly_increase", "money", "currency per {month}"),
)


def _unit_words(rules: Rules) -> dict[str, str]:
    """The rule-dependent words of the KPI notes, from the build's vars."""
    return {
        "throttle": rules.throttle_rule(),
        "month": f"month of {number(rules.hours_per_month)} h",
    }


def sheet_summary(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.active
    ws.title = "0. Summary"
    _title(ws, f"Resource usage report · {data.cluster}", f"Period {_period(data)}", 14)
    kpis = dict(data.kpis)
    kpis["period"] = _period(data)
    header = [("KPI", 30), ("Value", 22), ("Unit / note", 30)]
    for j, (text, width) in enumerate(header, start=1):
        cell = put(ws, HEADER_ROW, j, text)
        cell.font = Font(name="Arial", bold=True, size=10, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=DARK)
        ws.column_dimensions[get_column_letter(j)].width = width
    label_fill = PatternFill("solid", fgColor=KPI_BG)
    currency = kpis.get("currency") or ""
    for i, (label, field, fmt, unit) in enumerate(KPI_ROWS):
        row = FIRST_DATA_ROW + i
        cell = put(ws, row, 1, label, _style_name("text"))
        cell.fill = label_fill
        cell.font = Font(name="Arial", bold=True, size=10, color=DARK)
        value = to_cell_value(kpis.get(field))
        if field in ("alloc_cost", "waste_cost") and value is None:
            put(ws, row, 2, "n/a", _style_name("text"))
            put(ws, row, 3, "no priced namespace-day in the window")
            continue
        value_cell = put(ws, row, 2, value, _style_name(fmt))
        value_cell.font = Font(name="Arial", bold=True, size=11)
        if unit.startswith("currency"):
            unit = unit.replace("currency", currency, 1)
        put(ws, row, 3, unit.format(**_unit_words(data.window.rules)), _style_name("text"))
    last = FIRST_DATA_ROW + len(KPI_ROWS) - 1
    note_row = last + 2
    put(
        ws, note_row, 1, "Charts: status of container-days and the namespace waste Pareto."
    ).font = Font(name="Arial", italic=True, size=9, color="595959")
    ws.add_image(_image(charts, "chart08_status_donut", 520), "E3")
    ws.add_image(_image(charts, "chart06_namespace_waste_pareto", 760), f"E{3 + 20}")
    _print_setup(ws, header_row=None)
    return ws


def _image(charts: dict[str, Path], key: str, width: int) -> XLImage:
    image = XLImage(str(charts[key]))
    scale = width / image.width
    image.width = width
    image.height = int(image.height * scale)
    return image


PARETO_COLUMNS = [
    Col("Rank", "waste_rank", "int", 7),
    Col("Namespace", "namespace", "text", 28),
    Col("Grade", "grade", "text", 11),
    Col("CPU waste (core-h)", "total_waste_core_hours", "num1", 18),
    Col("CPU allocated (core-h)", "total_allocated_core_hours", "num1", 18),
    Col("Waste of allocated (%)", "waste_of_allocated_pct", "pct", 14),
    Col("Share of cluster waste (%)", "waste_share_pct", "pct", 14),
    Col("Cumulative share (%)", "waste_cumsum_pct", "pct", 14),
    Col("Container-days", "container_days", "int", 12),
    Col("Minutes running", "minutes_running_sum", "int", 14),
    Col("Days present", "days_present", "int", 10),
    Col("Days graded Critical", "days_critical", "int", 12),
    Col("Waste cost", "waste_cost", "money", 12),
]


def sheet_pareto(wb: Workbook, data: ClusterData) -> Worksheet:
    ws = wb.create_sheet("1. Namespace Pareto")
    _title(
        ws,
        f"Namespace CPU waste Pareto · {data.cluster}",
        f"{_period(data)}. Grade on the cumulative share of the namespaces ranked above: "
        f"{data.window.rules.pareto_bands()}.",
        len(PARETO_COLUMNS),
    )
    frame = data.table("rpt_ns_pareto")
    last = write_table(ws, frame, PARETO_COLUMNS)
    if not frame.empty:
        ref = column_ref(PARETO_COLUMNS, "total_waste_core_hours", FIRST_DATA_ROW, last)
        ws.conditional_formatting.add(
            ref, DataBarRule(start_type="min", end_type="max", color="2E75B6", showValue=True)
        )
        _fill_rules(ws, column_ref(PARETO_COLUMNS, "grade", FIRST_DATA_ROW, last), GRADE_FILLS)
    _print_setup(ws)
    return ws


NS_DAILY_COLUMNS = [
    Col("Date", "date", "date", 12),
    Col("Namespace", "namespace", "text", 28),
    Col("Score rank", "score_rank", "int", 9),
    Col("CPU used (core-h)", "cpu_used_ch", "num1", 14),
    Col("CPU allocated (core-h)", "cpu_alloc_ch", "num1", 14),
    Col("CPU waste (core-h)", "cpu_waste_ch", "num1", 14),
    Col("Mem used (GiB-h)", "mem_used_gh", "num1", 14),
    Col("Mem allocated (GiB-h)", "mem_alloc_gh", "num1", 14),
    Col("Mem waste (GiB-h)", "mem_waste_gh", "num1", 14),
    Col("PV used (GiB-h)", "pv_used_gh", "num1", 14),
    Col("PV allocated (GiB-h)", "pv_alloc_gh", "num1", 14),
    Col("Containers", "container_cnt", "int", 11),
    Col("Usage score", "final_usage_score", "num1", 14),
    Col("Allocated cost", "alloc_cost", "money", 12),
    Col("Waste cost", "waste_cost", "money", 12),
]


def sheet_ns_daily(wb: Workbook, data: ClusterData) -> Worksheet:
    ws = wb.create_sheet("1-2. Namespace Daily")
    _title(
        ws,
        f"Namespace daily usage and score · {data.cluster}",
        f"{_period(data)}. {data.window.rules.score_formula()} (dbt vars usage_score_weight_*).",
        len(NS_DAILY_COLUMNS),
    )
    frame = data.table("rpt_ns_daily")
    last = write_table(ws, frame, NS_DAILY_COLUMNS)
    if not frame.empty:
        ws.conditional_formatting.add(
            column_ref(NS_DAILY_COLUMNS, "final_usage_score", FIRST_DATA_ROW, last),
            DataBarRule(start_type="min", end_type="max", color="375623", showValue=True),
        )
    _print_setup(ws)
    return ws


def _util_scale(ws: Worksheet, ref: str | None) -> None:
    if ref:
        ws.conditional_formatting.add(
            ref,
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="F8696B",
                mid_type="num",
                mid_value=50,
                mid_color="FFEB84",
                end_type="num",
                end_value=100,
                end_color="63BE7B",
            ),
        )


CPU_COLUMNS = [
    *IDENTITY,
    Col("CPU request (cores)", "cpu_request_max", "num3", 12),
    Col("CPU limit (cores)", "cpu_limit_max", "num3", 12),
    Col("CPU P95 (cores)", "cpu_usage_p95", "num3", 12),
    Col("CPU mean (cores)", "cpu_usage_avg", "num3", 12),
    Col("Throttled max (ratio)", "cpu_throttled_max", "num3", 12),
    Col("Utilisation P95/request (%)", "cpu_util_pct", "pct", 14),
    Col("CPU waste (core-h)", "cpu_waste_core_hours", "num1", 12),
    Col("Status", "status", "text", 16),
]


def _top_share(data: ClusterData) -> str:
    return f"the largest {percent(data.window.rules.report_top_waste_share)}, at least one"


def sheet_cpu(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.create_sheet("2. CPU Analysis")
    total = int(data.kpis.get("container_days") or 0)
    _title(
        ws,
        f"CPU request / limit / P95 / throttling · {data.cluster}",
        f"{_period(data)}. Top {len(data.cpu_rows):,} of {total:,} container-days by CPU waste "
        f"({_top_share(data)}; all rows: reporting.rpt_container_days / marts.daily_enriched).",
        len(CPU_COLUMNS),
    )
    last = write_table(ws, data.cpu_rows, CPU_COLUMNS)
    if not data.cpu_rows.empty:
        _util_scale(ws, column_ref(CPU_COLUMNS, "cpu_util_pct", FIRST_DATA_ROW, last))
        _fill_rules(ws, column_ref(CPU_COLUMNS, "status", FIRST_DATA_ROW, last), STATUS_FILLS)
    _charts_below(
        ws, charts, ["chart01_cpu_request_vs_p95_by_workload", "chart12_cpu_util_boxplot"], last
    )
    _print_setup(ws)
    return ws


MEM_COLUMNS = [
    *IDENTITY,
    Col("Mem request (GiB)", "mem_request_max", "num2", 12),
    Col("Mem limit (GiB)", "mem_limit_max", "num2", 12),
    Col("Mem P95 (GiB)", "mem_usage_p95", "num2", 12),
    Col("RSS max (GiB)", "mem_rss_max", "num2", 12),
    Col("Utilisation P95/request (%)", "mem_util_pct", "pct", 14),
    Col("Mem waste (GiB-h)", "mem_waste_gb_hours", "num1", 12),
    Col("PV capacity (GiB)", "pv_capacity_max", "num2", 12),
    Col("PV used P95 (GiB)", "pv_used_p95", "num2", 12),
    Col("PV waste (GiB-h)", "pv_waste_gb_hours", "num1", 12),
    Col("Status", "status", "text", 16),
]


def sheet_memory(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.create_sheet("3. Memory & PV")
    total = int(data.kpis.get("container_days") or 0)
    _title(
        ws,
        f"Memory (working set, RSS) and persistent volumes · {data.cluster}",
        f"{_period(data)}. Top {len(data.mem_rows):,} of {total:,} container-days by memory "
        f"waste, then PV waste ({_top_share(data)}).",
        len(MEM_COLUMNS),
    )
    last = write_table(ws, data.mem_rows, MEM_COLUMNS)
    if not data.mem_rows.empty:
        _util_scale(ws, column_ref(MEM_COLUMNS, "mem_util_pct", FIRST_DATA_ROW, last))
        _fill_rules(ws, column_ref(MEM_COLUMNS, "status", FIRST_DATA_ROW, last), STATUS_FILLS)
    _charts_below(
        ws,
        charts,
        [
            "chart02_mem_request_vs_p95_by_workload",
            "chart13_mem_util_boxplot",
            "chart05_mem_waste_heatmap",
        ],
        last,
    )
    _print_setup(ws)
    return ws


RISK_COLUMNS = [
    *IDENTITY,
    Col("Status", "status", "text", 16),
    Col("OOM kills", "oom_strike_sum", "int", 9),
    Col("CPU request (cores)", "cpu_request_max", "num3", 12),
    Col("CPU P95 (cores)", "cpu_usage_p95", "num3", 12),
    Col("Shortfall (cores)", "cpu_shortage_cores", "num3", 12),
    Col("Throttled max (ratio)", "cpu_throttled_max", "num3", 12),
    Col("Mem limit (GiB)", "mem_limit_max", "num2", 12),
    Col("Mem P95 (GiB)", "mem_usage_p95", "num2", 12),
    Col("RSS max (GiB)", "mem_rss_max", "num2", 12),
    Col("Action", "recommendation", "text", 42),
]


def sheet_risk(wb: Workbook, data: ClusterData) -> Worksheet:
    ws = wb.create_sheet("4. OOM & Shortage Risk")
    _title(
        ws,
        f"OOM-killed and CPU-starved containers · {data.cluster}",
        f"{_period(data)}. OOM first, then the most throttled, then the largest shortfall.",
        len(RISK_COLUMNS),
        RED,
    )
    frame = data.table("rpt_risk_containers")
    last = write_table(ws, frame, RISK_COLUMNS, header_colour=RED)
    if not frame.empty:
        _fill_rules(ws, column_ref(RISK_COLUMNS, "status", FIRST_DATA_ROW, last), STATUS_FILLS)
    _print_setup(ws)
    return ws


VIOLATION_COLUMNS = [
    *IDENTITY,
    Col("CPU request missing", "cpu_request_missing", "flag", 11),
    Col("CPU limit missing", "cpu_limit_missing", "flag", 11),
    Col("Mem request missing", "mem_request_missing", "flag", 11),
    Col("Mem limit missing", "mem_limit_missing", "flag", 11),
    Col("CPU request (cores)", "cpu_request_max", "num3", 12),
    Col("CPU limit (cores)", "cpu_limit_max", "num3", 12),
    Col("Mem request (GiB)", "mem_request_max", "num2", 12),
    Col("Mem limit (GiB)", "mem_limit_max", "num2", 12),
    Col("Minutes running", "minutes_running", "int", 11),
]


def sheet_violations(wb: Workbook, data: ClusterData) -> Worksheet:
    ws = wb.create_sheet("5. Request-Limit Violations")
    _title(
        ws,
        f"Containers without CPU/memory requests or limits · {data.cluster}",
        f"{_period(data)}. Longest running first. MISSING = the setting was 0 or unset all day.",
        len(VIOLATION_COLUMNS),
        ORANGE,
    )
    frame = data.table("rpt_violations")
    last = write_table(ws, frame, VIOLATION_COLUMNS, header_colour=ORANGE)
    if not frame.empty:
        for field in (
            "cpu_request_missing",
            "cpu_limit_missing",
            "mem_request_missing",
            "mem_limit_missing",
        ):
            ws.conditional_formatting.add(
                column_ref(VIOLATION_COLUMNS, field, FIRST_DATA_ROW, last),
                CellIsRule(
                    operator="equal",
                    formula=[f'"{FLAG_TEXT}"'],
                    fill=PatternFill("solid", fgColor="FCE4D6", bgColor="FCE4D6"),
                    font=Font(bold=True, color="C65911"),
                ),
            )
    _print_setup(ws)
    return ws


TREND_COLUMNS = [
    Col("Date", "date", "date", 12),
    Col("Container-days", "container_days", "int", 11),
    Col("CPU allocated (core-h)", "cpu_alloc_ch", "num1", 14),
    Col("CPU used (core-h)", "cpu_used_ch", "num1", 14),
    Col("CPU waste (core-h)", "cpu_waste_ch", "num1", 14),
    Col("Mem allocated (GiB-h)", "mem_alloc_gh", "num1", 14),
    Col("Mem waste (GiB-h)", "mem_waste_gh", "num1", 14),
    Col("PV allocated (GiB-h)", "pv_alloc_gh", "num1", 14),
    Col("PV waste (GiB-h)", "pv_waste_gh", "num1", 14),
    Col("OOM-killed", "oom_container_days", "int", 10),
    Col("Request shortage", "shortage_container_days", "int", 10),
    Col("Throttling risk", "throttling_risk_container_days", "int", 10),
    Col("Spec violations", "spec_violation_container_days", "int", 10),
    Col("CPU utilisation (%)", "cpu_util_pct", "pct", 12),
    Col("Mem utilisation (%)", "mem_util_pct", "pct", 12),
]


def sheet_trend(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.create_sheet("6. Daily Trend")
    _title(
        ws,
        f"Daily trend · {data.cluster}",
        f"{_period(data)}. Dates in {data.window.timezone}; counts are container-days.",
        len(TREND_COLUMNS),
    )
    frame = data.table("rpt_daily_trend")
    last = write_table(ws, frame, TREND_COLUMNS)
    if not frame.empty:
        for field in ("cpu_util_pct", "mem_util_pct"):
            _util_scale(ws, column_ref(TREND_COLUMNS, field, FIRST_DATA_ROW, last))
    _charts_below(
        ws,
        charts,
        [
            "chart03_daily_cpu_waste_stacked",
            "chart18_daily_cpu_allocated_vs_p95",
            "chart19_daily_mem_allocated_vs_p95",
        ],
        last,
    )
    _print_setup(ws)
    return ws


WORKLOAD_COLUMNS = [
    Col("Workload type", "workload_type", "text", 16),
    Col("Container-days", "container_days", "int", 11),
    Col("Namespaces", "namespaces", "int", 10),
    Col("CPU request (mean cores)", "cpu_request_avg", "num3", 12),
    Col("CPU P95 (mean cores)", "cpu_p95_avg", "num3", 12),
    Col("CPU waste (core-h)", "cpu_waste_ch", "num1", 12),
    Col("Throttled max (ratio)", "cpu_throttled_max", "num3", 12),
    Col("Mem request (mean GiB)", "mem_request_avg", "num2", 12),
    Col("Mem P95 (mean GiB)", "mem_p95_avg", "num2", 12),
    Col("RSS P95 (mean GiB)", "mem_rss_p95_avg", "num2", 12),
    Col("Mem waste (GiB-h)", "mem_waste_gh", "num1", 12),
    Col("PV capacity (mean GiB)", "pv_capacity_avg", "num2", 12),
    Col("PV waste (GiB-h)", "pv_waste_gh", "num1", 12),
    Col("OOM-killed", "oom_container_days", "int", 10),
    Col("CPU utilisation (%)", "cpu_util_pct", "pct", 12),
    Col("Mem utilisation (%)", "mem_util_pct", "pct", 12),
]


def sheet_workload(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.create_sheet("7. Workload Types")
    _title(
        ws,
        f"Per workload type · {data.cluster}",
        f"{_period(data)}. Largest CPU waste first; utilisation = used / allocated hours.",
        len(WORKLOAD_COLUMNS),
        PURPLE,
    )
    frame = data.table("rpt_workload_summary")
    last = write_table(ws, frame, WORKLOAD_COLUMNS, header_colour=PURPLE)
    if not frame.empty:
        ws.conditional_formatting.add(
            column_ref(WORKLOAD_COLUMNS, "cpu_waste_ch", FIRST_DATA_ROW, last),
            DataBarRule(start_type="min", end_type="max", color="7030A0", showValue=True),
        )
        for field in ("cpu_util_pct", "mem_util_pct"):
            _util_scale(ws, column_ref(WORKLOAD_COLUMNS, field, FIRST_DATA_ROW, last))
    _charts_below(
        ws, charts, ["chart15_status_by_workload", "chart10_cpu_vs_mem_waste_scatter"], last
    )
    _print_setup(ws)
    return ws


RIGHTSIZING_COLUMNS = [
    Col("Severity", "severity", "text", 10),
    Col("Type", "recommendation_type", "text", 16),
    Col("Namespace", "namespace", "text", 24),
    Col("Kind", "workload_kind", "text", 12),
    Col("Workload", "workload", "text", 24),
    Col("Container", "container", "text", 14),
    Col("CPU request now", "current_cpu_request", "num3", 11),
    Col("CPU request new", "recommended_cpu_request", "num3", 11),
    Col("CPU limit now", "current_cpu_limit", "num3", 11),
    Col("CPU limit new", "recommended_cpu_limit", "num3", 11),
    Col("Mem request now (GiB)", "current_mem_request_gb", "num2", 11),
    Col("Mem request new (GiB)", "recommended_mem_request_gb", "num2", 11),
    Col("Mem limit now (GiB)", "current_mem_limit_gb", "num2", 11),
    Col("Mem limit new (GiB)", "recommended_mem_limit_gb", "num2", 11),
    Col("Days observed", "days_observed", "int", 9),
    Col("CPU P95 (cores)", "cpu_usage_p95", "num3", 11),
    Col("Throttled max", "cpu_throttled_max", "num3", 10),
    Col("Mem P95 (GiB)", "mem_usage_p95_gb", "num2", 11),
    Col("RSS max (GiB)", "mem_rss_max_gb", "num2", 11),
    Col("OOM kills", "oom_count", "int", 9),
    Col("Monthly cost change", "monthly_cost_delta", "money", 13),
    Col("Currency", "currency", "text", 9),
    Col("Message", "message", "wrap", 60),
    Col("kubectl", "kubectl_command", "wrap", 45),
]


def sheet_rightsizing(wb: Workbook, data: ClusterData) -> Worksheet:
    ws = wb.create_sheet("8. Right-sizing")
    _title(
        ws,
        f"Right-sizing recommendations · {data.cluster}",
        f"Lookback window of {data.window.rules.lookback_days} days ending "
        f"{data.window.end.isoformat()}. Negative monthly cost change = savings; "
        f"{data.window.month()}. Most severe first.",
        len(RIGHTSIZING_COLUMNS),
        GREEN,
    )
    frame = data.rightsizing
    last = write_table(ws, frame, RIGHTSIZING_COLUMNS, header_colour=GREEN)
    if frame.empty:
        put(
            ws,
            FIRST_DATA_ROW,
            1,
            f"No right-sizing recommendation for the lookback window ending {data.window.end}.",
        )
    else:
        _fit_wrapped_rows(ws, frame, RIGHTSIZING_COLUMNS)
        _fill_rules(
            ws, column_ref(RIGHTSIZING_COLUMNS, "severity", FIRST_DATA_ROW, last), SEVERITY_FILLS
        )
        ws.conditional_formatting.add(
            column_ref(RIGHTSIZING_COLUMNS, "monthly_cost_delta", FIRST_DATA_ROW, last),
            ColorScaleRule(
                start_type="min",
                start_color="63BE7B",
                mid_type="num",
                mid_value=0,
                mid_color="FFFFFF",
                end_type="max",
                end_color="F8696B",
            ),
        )
    _print_setup(ws)
    return ws


def _fit_wrapped_rows(
    ws: Worksheet, frame: pd.DataFrame, columns: Sequence[Col], first_row: int = FIRST_DATA_ROW
) -> None:
    """Row heights for wrapped text columns (spreadsheets do not grow rows written by a file)."""
    wrapped = [(j, c) for j, c in enumerate(columns, start=1) if c.fmt == "wrap"]
    if not wrapped:
        return
    lengths = [frame[c.field].fillna("").astype(str).str.len().to_numpy() for _, c in wrapped]
    widths = [ws.column_dimensions[get_column_letter(j)].width or c.width for j, c in wrapped]
    chars_per_line = [max(w * 1.15, 10) for w in widths]
    for i in range(len(frame)):
        lines = max(math.ceil(n[i] / w) for n, w in zip(lengths, chars_per_line, strict=True))
        ws.row_dimensions[first_row + i].height = 12.5 * max(lines, 1) + 2


# charts not embedded on a data sheet
CHART_SHEET_KEYS = (
    "chart04_cpu_util_heatmap",
    "chart07_cpu_waste_by_workload",
    "chart09_footprint_bubble",
    "chart11_cpu_shortfall_heatmap",
    "chart14_daily_cpu_waste_trend",
    "chart16_cpu_util_violin",
    "chart17_cpu_limit_request_ratio",
    "chart20_ns_cpu_anomaly_band",
    "chart21_cluster_cpu_forecast",
)


def sheet_charts(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.create_sheet("9. Charts")
    _title(ws, f"More charts · {data.cluster}", _period(data), 18)
    row = HEADER_ROW
    for i, key in enumerate(CHART_SHEET_KEYS):
        column = "A" if i % 2 == 0 else "M"
        next_row = add_chart(ws, charts, key, row, column)
        if i % 2 == 1:
            row = next_row
    _print_setup(ws, header_row=None)
    return ws


TENANT_COLUMNS = [
    Col("Rank", "cost_rank", "int", 11),
    Col("Owner", "owner", "text", 22),
    Col("Tier(s)", "tiers", "text", 14),
    Col("Namespaces", "namespaces", "int", 11),
    Col("Allocated", "alloc_cost", "money", 12),
    Col("Overage", "overage_cost", "money", 11),
    Col("Shared share", "shared_cost", "money", 11),
    Col("Idle share", "idle_cost", "money", 11),
    Col("Total cost", "total_cost", "money", 13),
    Col("Shared (% of total)", "shared_share_pct", "pct", 11),
    Col("Idle (% of total)", "idle_share_pct", "pct", 11),
    Col("Waste cost", "waste_cost", "money", 12),
    Col("CPU waste (core-h)", "waste_core_hours", "num1", 12),
    Col("Object storage (not in total)", "object_storage_cost", "money", 13),
    Col("Worst namespace", "worst_namespace", "text", 26),
    Col("Worst grade", "worst_grade", "text", 11),
    Col("Currency", "currency", "text", 9),
]
CAPACITY_COLUMNS = [
    Col("Date", "date", "date"),
    Col("Nodes (max)", "nodes_max", "int"),
    Col("CPU allocatable (core-h)", "cpu_allocatable_ch", "num1"),
    Col("CPU requested (core-h)", "cpu_requested_ch", "num1"),
    Col("CPU used (core-h)", "cpu_used_ch", "num1"),
    Col("CPU idle (core-h)", "cpu_idle_ch", "num1"),
    Col("CPU idle (%)", "cpu_idle_pct", "pct"),
    Col("Mem allocatable (GiB-h)", "mem_allocatable_gh", "num1"),
    Col("Mem requested (GiB-h)", "mem_requested_gh", "num1"),
    Col("Mem used (GiB-h)", "mem_used_gh", "num1"),
    Col("Mem idle (GiB-h)", "mem_idle_gh", "num1"),
    Col("Mem idle (%)", "mem_idle_pct", "pct"),
    Col("Idle cost", "idle_cost", "money"),
    Col("Requests exceed allocatable", "requests_exceed_allocatable", "bool"),
    Col("Currency", "currency", "text"),
]


def _section(ws: Worksheet, row: int, text: str) -> int:
    """A bold caption above a secondary table; returns the table's header row."""
    cell = put(ws, row, 1, text)
    cell.font = Font(name="Arial", bold=True, size=11, color=DARK)
    return row + 1


def _currency(frame: pd.DataFrame) -> str:
    if frame.empty or "currency" not in frame:
        return ""
    values = sorted({str(v) for v in frame["currency"].dropna()})
    return ", ".join(values)


def sheet_tenants(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.create_sheet("10. Tenants")
    rules = data.window.rules
    frame = data.table("rpt_tenants")
    _title(
        ws,
        f"Tenants: owners by total cost · {data.cluster}",
        f"{_period(data)}. Total = allocated + overage + shared + idle share on this cluster.",
        len(TENANT_COLUMNS),
        DARK,
    )
    last = write_table(ws, frame, TENANT_COLUMNS, header_colour=DARK)
    notes = (
        f"Chargeback: {rules.chargeback_rules()}.",
        "Waste cost and object storage (the owner's buckets, which belong to no cluster) are "
        "shown beside the total, not added to it.",
        "Worst grade: the grade of the owner's namespace ranked highest in the CPU waste Pareto.",
    )
    for i, text in enumerate(notes, start=2):
        put(ws, last + i, 1, text).font = Font(name="Arial", italic=True, size=9, color="595959")
    last += len(notes) + 1
    if not frame.empty:
        ws.conditional_formatting.add(
            column_ref(TENANT_COLUMNS, "total_cost", FIRST_DATA_ROW, last),
            DataBarRule(start_type="min", end_type="max", color="2E75B6", showValue=True),
        )
        _fill_rules(
            ws, column_ref(TENANT_COLUMNS, "worst_grade", FIRST_DATA_ROW, last), GRADE_FILLS
        )
    capacity = data.table("rpt_capacity_layers")
    header = _section(
        ws,
        last + 3,
        "Capacity layers per day: allocatable (nodes), requested, used (P95); idle = "
        f"allocatable nobody requested, its cost on the idle share ({_currency(capacity)})",
    )
    last = write_table(ws, capacity, CAPACITY_COLUMNS, header_row=header, secondary=True)
    _charts_below(ws, charts, ["chart22_capacity_layers"], last)
    _print_setup(ws)
    return ws


QUOTA_COLUMNS = [
    Col("Rank", "quota_rank", "int", 11),
    Col("Status", "status", "text", 12),
    Col("Namespace", "namespace", "text", 24),
    Col("Owner", "owner", "text", 16),
    Col("ResourceQuota", "resourcequota", "text", 18),
    Col("Resource", "resource", "text", 16),
    Col("Unit", "display_unit", "text", 8),
    Col("Hard", "hard_display", "num3", 10),
    Col("Max used", "used_max_display", "num3", 10),
    Col("Used (% of hard)", "used_pct", "pct", 10),
    Col("Recommended hard", "recommended_hard_display", "num3", 14),
    Col("Recommended quantity", "recommended_hard_quantity", "text", 14),
    Col("Days observed", "days_observed", "int", 9),
    Col("NS CPU request (cores)", "ns_cpu_request_cores", "num3", 10),
    Col("NS CPU P95 (cores)", "ns_cpu_usage_p95_cores", "num3", 10),
    Col("NS mem request (GiB)", "ns_mem_request_gb", "num2", 10),
    Col("NS mem P95 (GiB)", "ns_mem_usage_p95_gb", "num2", 10),
    Col("kubectl", "command", "wrap", 60),
]
OVERCOMMIT_COLUMNS = [
    Col("Date", "date", "date"),
    Col("Namespaces with quota", "namespaces_with_quota", "int"),
    Col("CPU hard requests (cores)", "cpu_hard_requests_cores", "num2"),
    Col("CPU allocatable (cores)", "cpu_allocatable_cores", "num2"),
    Col("CPU quota / allocatable", "cpu_quota_overcommit_ratio", "num2"),
    Col("CPU overcommitted", "cpu_quota_overcommitted", "bool"),
    Col("Mem hard requests (GiB)", "mem_hard_requests_gb", "num1"),
    Col("Mem allocatable (GiB)", "mem_allocatable_gb", "num1"),
    Col("Mem quota / allocatable", "mem_quota_overcommit_ratio", "num2"),
    Col("Mem overcommitted", "mem_quota_overcommitted", "bool"),
]


def sheet_quotas(wb: Workbook, data: ClusterData, charts: dict[str, Path]) -> Worksheet:
    ws = wb.create_sheet("11. Quotas")
    rules = data.window.rules
    frame = data.table("rpt_quota_fit")
    _title(
        ws,
        f"ResourceQuota fit · {data.cluster}",
        f"As of {data.window.end.isoformat()}. {rules.quota_rules()}, rounded up to a valid "
        "quantity. Exceeded first, then almost full, oversized, fit.",
        len(QUOTA_COLUMNS),
        ORANGE,
    )
    last = write_table(ws, frame, QUOTA_COLUMNS, header_colour=ORANGE)
    if not frame.empty:
        _fit_wrapped_rows(ws, frame, QUOTA_COLUMNS)
        _fill_rules(
            ws, column_ref(QUOTA_COLUMNS, "status", FIRST_DATA_ROW, last), QUOTA_STATUS_FILLS
        )
    overcommit = data.table("rpt_quota_overcommit")
    header = _section(
        ws,
        last + 3,
        "Quota overcommit per day: summed hard requests quotas over the nodes' allocatable "
        f"(overcommitted above {number(rules.quota_overcommit_ratio)} x)",
    )
    last = write_table(
        ws, overcommit, OVERCOMMIT_COLUMNS, header_colour=ORANGE, header_row=header, secondary=True
    )
    if not overcommit.empty:
        for field in ("cpu_quota_overcommitted", "mem_quota_overcommitted"):
            ws.conditional_formatting.add(
                column_ref(OVERCOMMIT_COLUMNS, field, header + 1, last),
                CellIsRule(
                    operator="equal",
                    formula=['"yes"'],
                    fill=PatternFill("solid", fgColor="FFCCCC", bgColor="FFCCCC"),
                    font=Font(bold=True, color=RED),
                ),
            )
    _charts_below(ws, charts, ["chart23_quota_fit"], last)
    _print_setup(ws)
    return ws


LIFECYCLE_COLUMNS = [
    Col("Rank", "lifecycle_rank", "int", 11),
    Col("Status", "lifecycle_status", "text", 12),
    Col("Namespace", "namespace", "text", 24),
    Col("Owner", "owner", "text", 16),
    Col("Action", "action", "wrap", 48),
    Col("Command", "command", "wrap", 40),
    Col("TTL annotation", "ttl_raw", "text", 14),
    Col("TTL date", "ttl_expire_date", "date", 11),
    Col("Delete after", "delete_after_date", "date", 11),
    Col("Dormant", "is_dormant", "bool", 9),
    Col("CPU requested (cores)", "cpu_request_cores", "num3", 11),
    Col("Mem requested (GiB)", "mem_request_gb", "num2", 11),
    Col("PV (GiB)", "pv_capacity_gb", "num1", 10),
    Col("Owner's buckets (GiB)", "owner_bucket_gb", "num1", 11),
    Col("Held per month", "held_cost_per_month", "money", 12),
    Col("Currency", "currency", "text", 9),
]
BUCKET_COLUMNS = [
    Col("Rank", "bucket_rank", "int"),
    Col("Owner", "owner", "text"),
    Col("Bucket", "bucket", "text"),
    Col("Owner's namespaces", "owner_namespaces", "int"),
    Col("Reason", "reason", "wrap"),
    Col("Suggestion", "suggestion", "wrap"),
    Col("Size (GiB)", "size_gb", "num2"),
    Col("Objects", "objects", "int"),
    Col("Cost per month", "cost_per_month", "money"),
    Col("Currency", "currency", "text"),
]


def sheet_lifecycle(wb: Workbook, data: ClusterData) -> Worksheet:
    ws = wb.create_sheet("12. Lifecycle")
    rules = data.window.rules
    frame = data.table("rpt_namespace_lifecycle")
    _title(
        ws,
        f"Namespace and bucket lifecycle · {data.cluster}",
        f"As of {data.window.end.isoformat()}. Expired, expiring, invalid TTL, then dormant "
        f"namespaces; {rules.lifecycle_rules()}; {data.window.month()}.",
        len(LIFECYCLE_COLUMNS),
        RED,
    )
    last = write_table(ws, frame, LIFECYCLE_COLUMNS, header_colour=RED)
    if not frame.empty:
        _fit_wrapped_rows(ws, frame, LIFECYCLE_COLUMNS)
        _fill_rules(
            ws,
            column_ref(LIFECYCLE_COLUMNS, "lifecycle_status", FIRST_DATA_ROW, last),
            LIFECYCLE_FILLS,
        )
    buckets = data.table("rpt_bucket_lifecycle")
    header = _section(
        ws,
        last + 3,
        "Buckets of inactive owners (no namespace left, or only expired or dormant ones); "
        "buckets belong to no cluster: every cluster's workbook lists them",
    )
    last = write_table(
        ws, buckets, BUCKET_COLUMNS, header_colour=RED, header_row=header, secondary=True
    )
    if not buckets.empty:
        _fit_wrapped_rows(ws, buckets, BUCKET_COLUMNS, first_row=header + 1)
    _print_setup(ws)
    return ws


SHEET_NAMES = (
    "0. Summary",
    "1. Namespace Pareto",
    "1-2. Namespace Daily",
    "2. CPU Analysis",
    "3. Memory & PV",
    "4. OOM & Shortage Risk",
    "5. Request-Limit Violations",
    "6. Daily Trend",
    "7. Workload Types",
    "8. Right-sizing",
    "9. Charts",
    "10. Tenants",
    "11. Quotas",
    "12. Lifecycle",
)


def workbook_name(cluster: str, end: date | datetime) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in cluster.lower())
    return f"res_usage_report_{safe}_{end.strftime('%Y%m%d')}.xlsx"


def build_workbook(data: ClusterData, charts: dict[str, Path], out_dir: Path) -> Path:
    """Write the workbook for one cluster and return its path."""
    started = time.monotonic()
    wb = Workbook()
    register_styles(wb)
    sheet_summary(wb, data, charts)
    sheet_pareto(wb, data)
    sheet_ns_daily(wb, data)
    sheet_cpu(wb, data, charts)
    sheet_memory(wb, data, charts)
    sheet_risk(wb, data)
    sheet_violations(wb, data)
    sheet_trend(wb, data, charts)
    sheet_workload(wb, data, charts)
    sheet_rightsizing(wb, data)
    sheet_charts(wb, data, charts)
    sheet_tenants(wb, data, charts)
    sheet_quotas(wb, data, charts)
    sheet_lifecycle(wb, data)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / workbook_name(data.cluster, data.window.end)
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    tmp.replace(path)
    log.info("%s: workbook %s in %.1f s", data.cluster, path, time.monotonic() - started)
    return path
