"""The users' 19 charts, the 2 trend charts (anomaly band, capacity forecast), the capacity
layers and the quota fit for one cluster, as PNG.

Headless matplotlib, no pyplot state.

Every chart draws rows of a reporting table as they are; an empty table gives a "No data"
placeholder image. Statuses and workload types keep one colour across all charts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from kube_finops.report.data import ClusterData

log = logging.getLogger(__name__)

DPI = 100
STATUS_ORDER = ("OOM Killed", "Request Shortage", "Over-allocated", "Optimized")
STATUS_COLOURS = {
    "OOM Killed": "#C00000",
    "Request Shortage": "#FFC000",
    "Over-allocated": "#2E75B6",
    "Optimized": "#70AD47",
}
GRADE_COLOURS = {"Critical": "#C00000", "High": "#ED7D31", "Medium": "#FFC000", "Low": "#A5A5A5"}
REQUEST_COLOUR = "#9DC3E6"
USAGE_COLOUR = "#1F4E79"
ALLOCATABLE_COLOUR = "#7F7F7F"
IDLE_COLOUR = "#F4B183"
QUOTA_STATUS_COLOURS = {
    "exceeded": "#C00000",
    "almost_full": "#ED7D31",
    "oversized": "#2E75B6",
    "fit": "#70AD47",
}
QUOTA_CHART_ROWS = 15
QUOTA_CHART_MAX_PCT = 200.0  # the axis stops here; larger shares are written at its edge


@dataclass(frozen=True)
class ChartSpec:
    """One chart: file stem, title (for placeholders and the workbook) and drawing function."""

    key: str
    title: str
    draw: Callable[[ClusterData, Figure, dict[str, str]], bool]


def _workload_colours(data: ClusterData) -> dict[str, str]:
    """One colour per workload type, stable across the cluster's charts (sorted names)."""
    frame = data.table("rpt_workload_summary")
    if frame.empty:
        return {}
    names = sorted(frame["workload_type"].astype(str).unique())
    cmap = matplotlib.colormaps["tab20"]
    return {name: matplotlib.colors.to_hex(cmap(i % 20)) for i, name in enumerate(names)}


def _date_label(data: ClusterData) -> str:
    return f"Date ({data.window.timezone})"


def _dates(frame: pd.DataFrame) -> list[str]:
    return [pd.Timestamp(d).strftime("%m-%d") for d in frame]


def _title(ax: Axes, data: ClusterData, text: str) -> None:
    ax.set_title(f"{text}\n{data.cluster} · {data.window.label()}", fontsize=11)


def _rotate(ax: Axes) -> None:
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_ha("right")


def _grouped_bars(
    ax: Axes, labels: list[str], series: list[tuple[str, np.ndarray, str]], width: float = 0.38
) -> None:
    x = np.arange(len(labels))
    offset = -width * (len(series) - 1) / 2
    for i, (name, values, colour) in enumerate(series):
        ax.bar(x + offset + i * width, values, width, label=name, color=colour)
    ax.set_xticks(x, labels)
    _rotate(ax)
    ax.legend(fontsize=8)


def _request_vs_p95(resource: str) -> Callable[[ClusterData, Figure, dict[str, str]], bool]:
    def draw(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
        frame = data.table("rpt_workload_summary")
        if frame.empty:
            return False
        ax = fig.add_subplot()
        unit = "cores" if resource == "cpu" else "GiB"
        label = "CPU" if resource == "cpu" else "Memory"
        _grouped_bars(
            ax,
            frame["workload_type"].astype(str).tolist(),
            [
                (
                    f"mean request ({unit})",
                    frame[f"{resource}_request_avg"].to_numpy(),
                    REQUEST_COLOUR,
                ),
                (f"mean P95 usage ({unit})", frame[f"{resource}_p95_avg"].to_numpy(), USAGE_COLOUR),
            ],
        )
        _title(ax, data, f"{label} request vs P95 usage by workload type (mean per container-day)")
        ax.set_xlabel("Workload type")
        ax.set_ylabel(f"{label} ({unit})")
        return True

    return draw


def _pivot(data: ClusterData, value: str) -> pd.DataFrame:
    frame = data.table("rpt_workload_daily")
    if frame.empty:
        return frame
    return frame.pivot(index="workload_type", columns="date", values=value).fillna(0.0)


def _daily_waste_stacked(data: ClusterData, fig: Figure, colours: dict[str, str]) -> bool:
    pivot = _pivot(data, "cpu_waste_ch")
    if pivot.empty:
        return False
    ax = fig.add_subplot()
    x = np.arange(pivot.shape[1])
    bottom = np.zeros(pivot.shape[1])
    for workload, row in pivot.iterrows():
        values = row.to_numpy(dtype=float)
        ax.bar(x, values, bottom=bottom, label=str(workload), color=colours.get(str(workload)))
        bottom += values
    ax.set_xticks(x, _dates(pivot.columns))
    _title(ax, data, "Daily CPU waste stacked by workload type")
    ax.set_xlabel(_date_label(data))
    ax.set_ylabel("CPU waste (core-hours)")
    ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return True


def _heatmap(
    value: str, title: str, unit: str, cmap: str, annotate: bool, vmax: float | None = None
):
    def draw(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
        pivot = _pivot(data, value)
        if pivot.empty:
            return False
        ax = fig.add_subplot()
        image = ax.imshow(pivot.to_numpy(dtype=float), aspect="auto", cmap=cmap, vmin=0, vmax=vmax)
        ax.set_xticks(np.arange(pivot.shape[1]), _dates(pivot.columns))
        ax.set_yticks(np.arange(pivot.shape[0]), [str(i) for i in pivot.index])
        if annotate and pivot.size <= 400:
            for (i, j), v in np.ndenumerate(pivot.to_numpy(dtype=float)):
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7)
        fig.colorbar(image, ax=ax, label=unit)
        _title(ax, data, title)
        ax.set_xlabel(_date_label(data))
        ax.set_ylabel("Workload type")
        return True

    return draw


def _pareto(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
    frame = data.table("rpt_ns_pareto")
    if frame.empty:
        return False
    frame = frame[frame["waste_rank"] <= 15]
    if float(frame["total_waste_core_hours"].sum()) <= 0:
        return False
    ax = fig.add_subplot()
    x = np.arange(len(frame))
    colours = [GRADE_COLOURS.get(g, "#A5A5A5") for g in frame["grade"]]
    ax.bar(x, frame["total_waste_core_hours"], color=colours)
    ax.set_xticks(x, frame["namespace"].astype(str).tolist())
    _rotate(ax)
    ax.set_xlabel("Namespace (top 15 by CPU waste; bar colour = grade)")
    ax.set_ylabel("CPU waste (core-hours)")
    line = ax.twinx()
    line.plot(x, frame["waste_cumsum_pct"], color="#7030A0", marker="o", linewidth=2)
    line.set_ylim(0, 105)
    line.set_ylabel("Cumulative share of cluster waste (%)")
    handles = [matplotlib.patches.Patch(color=c, label=g) for g, c in GRADE_COLOURS.items()]
    ax.legend(handles=handles, fontsize=8, loc="center right")
    _title(ax, data, "Namespace CPU waste Pareto (cumulative share of the whole cluster)")
    return True


def _waste_by_workload(data: ClusterData, fig: Figure, colours: dict[str, str]) -> bool:
    frame = data.table("rpt_workload_summary")
    if frame.empty:
        return False
    ax = fig.add_subplot()
    names = frame["workload_type"].astype(str).tolist()
    ax.bar(names, frame["cpu_waste_ch"], color=[colours.get(n) for n in names])
    _rotate(ax)
    _title(ax, data, "CPU waste by workload type")
    ax.set_xlabel("Workload type")
    ax.set_ylabel("CPU waste (core-hours)")
    return True


def _status_donut(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
    frame = data.table("rpt_status_counts")
    if frame.empty:
        return False
    frame = frame.set_index("status")
    frame = frame.reindex([s for s in STATUS_ORDER if s in frame.index])
    if frame.empty:
        return False
    ax = fig.add_subplot()
    ax.pie(
        frame["container_days"],
        labels=[
            f"{s}\n{int(r.container_days):,} ({r.share_pct:.1f}%)"
            for s, r in zip(frame.index, frame.itertuples(), strict=True)
        ],
        colors=[STATUS_COLOURS[s] for s in frame.index],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.4, "edgecolor": "white"},
        textprops={"fontsize": 10},
    )
    ax.set_aspect("equal")
    _title(ax, data, "Status of container-days")
    return True


def _bubble(data: ClusterData, fig: Figure, colours: dict[str, str]) -> bool:
    frame = data.table("rpt_workload_summary")
    if frame.empty:
        return False
    ax = fig.add_subplot()
    waste = frame["cpu_waste_ch"].to_numpy(dtype=float)
    sizes = 80 + 1800 * (waste / waste.max() if waste.max() > 0 else waste)
    for (_, row), size in zip(frame.iterrows(), sizes, strict=True):
        name = str(row["workload_type"])
        ax.scatter(
            row["cpu_alloc_ch"],
            row["cpu_util_pct_mean"],
            s=size,
            alpha=0.6,
            color=colours.get(name),
            edgecolors="black",
            linewidths=0.5,
            label=name,
        )
        ax.annotate(name, (row["cpu_alloc_ch"], row["cpu_util_pct_mean"]), fontsize=7, ha="center")
    _title(ax, data, "Footprint: allocated CPU x utilisation (bubble area = CPU waste)")
    allocated = frame["cpu_alloc_ch"].to_numpy(dtype=float)
    positive = allocated[allocated > 0]
    if len(positive) > 1 and positive.max() / positive.min() > 100:
        ax.set_xscale("log")
        ax.set_xlabel("CPU allocated (core-hours, log scale)")
    else:
        ax.set_xlabel("CPU allocated (core-hours)")
    ax.set_ylabel("Mean P95 CPU utilisation of request (%)")
    return True


def _waste_scatter(data: ClusterData, fig: Figure, colours: dict[str, str]) -> bool:
    frame = data.container_days
    if frame.empty:
        return False
    ax = fig.add_subplot()
    for name, group in frame.groupby("workload_type", sort=True):
        ax.scatter(
            group["cpu_waste_core_hours"],
            group["mem_waste_gb_hours"],
            s=12,
            alpha=0.5,
            color=colours.get(str(name)),
            label=str(name),
        )
    _title(ax, data, "CPU waste vs memory waste per container-day")
    ax.set_xlabel("CPU waste (core-hours)")
    ax.set_ylabel("Memory waste (GiB-hours)")
    ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return True


def _boxplot(metric: str, title: str, ylabel: str):
    def draw(data: ClusterData, fig: Figure, colours: dict[str, str]) -> bool:
        frame = data.table("rpt_workload_distribution")
        if frame.empty:
            return False
        frame = frame[frame["metric"] == metric]
        if frame.empty:
            return False
        ax = fig.add_subplot()
        stats = [
            {
                "label": str(r.workload_type),
                "whislo": r.whisker_low,
                "q1": r.q1,
                "med": r.median,
                "q3": r.q3,
                "whishi": r.whisker_high,
                "mean": r.mean_value,
                "fliers": [],
            }
            for r in frame.itertuples()
        ]
        boxes = ax.bxp(stats, showmeans=True, patch_artist=True)
        for patch, stat in zip(boxes["boxes"], stats, strict=True):
            patch.set_facecolor(colours.get(stat["label"], "#BDD7EE"))
            patch.set_alpha(0.7)
        _rotate(ax)
        _title(ax, data, title)
        ax.set_xlabel("Workload type (box: quartiles; whiskers: 1.5 IQR; triangle: mean)")
        ax.set_ylabel(ylabel)
        return True

    return draw


def _daily_trend_lines(data: ClusterData, fig: Figure, colours: dict[str, str]) -> bool:
    pivot = _pivot(data, "cpu_waste_ch")
    if pivot.empty:
        return False
    ax = fig.add_subplot()
    labels = _dates(pivot.columns)
    for workload, row in pivot.iterrows():
        ax.plot(
            labels,
            row.to_numpy(dtype=float),
            marker="o",
            linewidth=2,
            label=str(workload),
            color=colours.get(str(workload)),
        )
    _title(ax, data, "Daily CPU waste trend by workload type")
    ax.set_xlabel(_date_label(data))
    ax.set_ylabel("CPU waste (core-hours)")
    ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return True


def _status_by_workload(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
    frame = data.table("rpt_workload_status")
    if frame.empty:
        return False
    pivot = frame.pivot(index="workload_type", columns="status", values="container_days").fillna(0)
    ax = fig.add_subplot()
    labels = [str(i) for i in pivot.index]
    series = [
        (status, pivot[status].to_numpy(dtype=float), STATUS_COLOURS[status])
        for status in STATUS_ORDER
        if status in pivot.columns
    ]
    _grouped_bars(ax, labels, series, width=0.8 / max(len(series), 1))
    _title(ax, data, "Status per workload type")
    ax.set_xlabel("Workload type")
    ax.set_ylabel("Container-days")
    return True


def _violin(data: ClusterData, fig: Figure, colours: dict[str, str]) -> bool:
    frame = data.container_days
    if frame.empty:
        return False
    groups = [
        (str(n), g["cpu_util_pct"].to_numpy(dtype=float)) for n, g in frame.groupby("workload_type")
    ]
    groups = [(n, v) for n, v in groups if len(v) > 0]
    ax = fig.add_subplot()
    parts = ax.violinplot([v for _, v in groups], showmedians=True, widths=0.8)
    for body, (name, _) in zip(parts["bodies"], groups, strict=True):
        body.set_facecolor(colours.get(name, "#BDD7EE"))
        body.set_alpha(0.7)
    ax.set_xticks(np.arange(1, len(groups) + 1), [n for n, _ in groups])
    _rotate(ax)
    _title(ax, data, "CPU utilisation distribution (P95 / request) per container-day")
    ax.set_xlabel("Workload type (line: median)")
    ax.set_ylabel("CPU utilisation of request (%)")
    return True


def _allocated_vs_p95(resource: str):
    def draw(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
        frame = data.table("rpt_daily_trend")
        if frame.empty:
            return False
        ax = fig.add_subplot()
        labels = _dates(frame["date"])
        unit = "core-hours" if resource == "cpu" else "GiB-hours"
        alloc, used = (
            ("cpu_alloc_ch", "cpu_used_ch")
            if resource == "cpu"
            else ("mem_alloc_gh", "mem_used_gh")
        )
        name = "CPU" if resource == "cpu" else "Memory"
        ax.fill_between(
            labels,
            frame[alloc],
            color=REQUEST_COLOUR,
            alpha=0.6,
            label=f"allocated (request) {unit}",
        )
        ax.plot(
            labels,
            frame[used],
            color=USAGE_COLOUR,
            marker="o",
            linewidth=2.5,
            label=f"used (P95) {unit}",
        )
        ax.set_ylim(bottom=0)
        _title(ax, data, f"Daily {name} allocated vs P95 used")
        ax.set_xlabel(_date_label(data))
        ax.set_ylabel(f"{name} ({unit})")
        ax.legend(fontsize=8, loc="lower left")
        return True

    return draw


def _trend_band(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
    """Anomaly band: daily CPU core-hours of the top namespaces inside their baseline band."""
    frame = data.table("rpt_ns_trend_band")
    if frame.empty:
        return False
    namespaces = frame[["trend_rank", "namespace"]].drop_duplicates().sort_values("trend_rank")
    count = len(namespaces)
    columns = 2 if count > 1 else 1
    rows = (count + columns - 1) // columns
    for i, namespace in enumerate(namespaces["namespace"]):
        ax = fig.add_subplot(rows, columns, i + 1)
        rows_ns = frame[frame["namespace"] == namespace]
        x = pd.to_datetime(rows_ns["date"])
        low = rows_ns["cpu_used_ch_band_low"].to_numpy(dtype=float)
        high = rows_ns["cpu_used_ch_band_high"].to_numpy(dtype=float)
        ax.fill_between(x, low, high, color=REQUEST_COLOUR, alpha=0.5, label="normal band")
        ax.plot(
            x,
            rows_ns["cpu_used_ch_baseline_mean"].astype(float),
            color="#7F7F7F",
            linestyle="--",
            linewidth=1,
            label="baseline mean",
        )
        ax.plot(
            x,
            rows_ns["cpu_used_ch"].astype(float),
            color=USAGE_COLOUR,
            marker="o",
            markersize=3,
            linewidth=1.5,
            label="used",
        )
        for direction, colour in (("above", "#C00000"), ("below", "#ED7D31")):
            hit = rows_ns[rows_ns["cpu_used_ch_anomaly"] == direction]
            if not hit.empty:
                ax.scatter(
                    pd.to_datetime(hit["date"]),
                    hit["cpu_used_ch"].astype(float),
                    color=colour,
                    s=60,
                    zorder=5,
                    label=f"anomaly ({direction})",
                )
        ax.axvspan(
            pd.Timestamp(data.window.start) - pd.Timedelta(hours=12),
            pd.Timestamp(data.window.end) + pd.Timedelta(hours=12),
            color="#F2F2F2",
            zorder=0,
        )
        ax.set_title(str(namespace), fontsize=9)
        ax.set_ylabel("CPU used (core-hours/day)", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
        ax.legend(fontsize=6, loc="upper left")
    fig.suptitle(
        f"CPU use vs its normal band, top namespaces (grey: report window; dates in "
        f"{data.window.timezone})\n"
        f"{data.cluster} · {data.window.label()}",
        fontsize=11,
    )
    return True


def _capacity_forecast(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
    """Capacity forecast: observed cluster CPU totals, the least-squares line, capacity if set."""
    frame = data.table("rpt_capacity_forecast")
    if frame.empty:
        return False
    ax = fig.add_subplot()
    styles = {"cpu_alloc_ch": ("allocated", REQUEST_COLOUR), "cpu_used_ch": ("used", USAGE_COLOUR)}
    notes = []
    for metric, (label, colour) in styles.items():
        rows = frame[frame["metric"] == metric]
        observed = rows[rows["series"] == "observed"]
        forecast = rows[rows["series"] == "forecast"]
        ax.plot(
            pd.to_datetime(observed["date"]),
            observed["core_hours"].astype(float),
            color=colour,
            marker="o",
            markersize=3,
            linewidth=2,
            label=f"{label} (observed)",
        )
        if not forecast.empty:
            ax.plot(
                pd.to_datetime(forecast["date"]),
                forecast["core_hours"].astype(float),
                color=colour,
                linestyle="--",
                linewidth=2,
                label=f"{label} (forecast)",
            )
            first = forecast.iloc[0]
            notes.append(
                f"{label}: trend {float(first['slope_per_day']):+.1f} core-hours/day each day"
            )
            if pd.notna(first["capacity"]):
                ax.axhline(
                    float(first["capacity"]),
                    color="#C00000",
                    linewidth=1,
                    label=f"capacity ({label})",
                )
                if pd.notna(first["capacity_reached_date"]):
                    notes.append(f"{label} reaches capacity on {first['capacity_reached_date']}")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    _rotate(ax)
    _title(ax, data, "Cluster CPU: observed and linear forecast")
    ax.set_xlabel(_date_label(data))
    ax.set_ylabel("CPU (core-hours/day)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
    if notes:
        ax.text(
            0.99,
            0.02,
            "\n".join(notes),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color="#404040",
        )
    return True


def _capacity_layers(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
    """Per day: what the nodes offer, what is requested, what is used; idle shaded."""
    frame = data.table("rpt_capacity_layers")
    if frame.empty:
        return False
    x = pd.to_datetime(frame["date"])
    layers = (
        ("cpu", "ch", "CPU", "core-hours"),
        ("mem", "gh", "Memory", "GiB-hours"),
    )
    for i, (prefix, suffix, name, unit) in enumerate(layers, start=1):
        ax = fig.add_subplot(1, 2, i)
        allocatable = frame[f"{prefix}_allocatable_{suffix}"].astype(float).to_numpy()
        idle = frame[f"{prefix}_idle_{suffix}"].astype(float).to_numpy()
        requested = frame[f"{prefix}_requested_{suffix}"].astype(float).to_numpy()
        used = frame[f"{prefix}_used_{suffix}"].astype(float).to_numpy()
        ax.fill_between(
            x, allocatable - idle, allocatable, color=IDLE_COLOUR, alpha=0.6, label="idle"
        )
        ax.plot(x, allocatable, color=ALLOCATABLE_COLOUR, linewidth=2, label="allocatable")
        ax.plot(x, requested, color=REQUEST_COLOUR, marker="o", linewidth=2, label="requested")
        ax.plot(x, used, color=USAGE_COLOUR, marker="o", linewidth=2, label="used (P95)")
        flagged = frame[frame["requests_exceed_allocatable"].fillna(False).astype(bool)]
        if not flagged.empty:
            ax.scatter(
                pd.to_datetime(flagged["date"]),
                flagged[f"{prefix}_requested_{suffix}"].astype(float),
                color="#C00000",
                s=70,
                zorder=5,
                label="requests exceed allocatable",
            )
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, len(frame) // 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
        _rotate(ax)
        ax.set_title(f"{name} ({unit} per day)", fontsize=10)
        ax.set_xlabel(_date_label(data))
        ax.set_ylabel(f"{name} ({unit})")
        ax.legend(fontsize=7, loc="center right")
    fig.suptitle(
        "Capacity layers: allocatable, requested, used (shaded idle = allocatable minus requests "
        "and usage above them)\n"
        f"{data.cluster} · {data.window.label()}",
        fontsize=11,
    )
    return True


def _quota_fit(data: ClusterData, fig: Figure, _: dict[str, str]) -> bool:
    """The top offending quotas both ways (too small, then too large): max used as a share of
    hard, the recommendation marked; shares beyond the axis are written at its edge."""
    frame = data.table("rpt_quota_fit")
    if frame.empty:
        return False
    frame = frame[frame["used_pct"].notna()]
    too_small = frame[frame["status"].isin(["exceeded", "almost_full"])]
    too_large = frame[frame["status"] == "oversized"]
    large_rows = min(len(too_large), max(QUOTA_CHART_ROWS // 3, QUOTA_CHART_ROWS - len(too_small)))
    frame = pd.concat([too_small.head(QUOTA_CHART_ROWS - large_rows), too_large.head(large_rows)])
    if frame.empty:
        return False
    rules = data.window.rules
    ax = fig.add_subplot()
    y = np.arange(len(frame))[::-1]
    hard = frame["hard_display"].astype(float).to_numpy()
    used_pct = frame["used_pct"].astype(float).to_numpy()
    recommended_pct = np.where(
        hard > 0, 100.0 * frame["recommended_hard_display"].astype(float).to_numpy() / hard, np.nan
    )
    limit = float(min(QUOTA_CHART_MAX_PCT, max(110.0, np.nanmax([*used_pct, *recommended_pct]))))
    limit += 10
    ax.barh(y, np.full(len(frame), 100.0), color="#EDEDED", edgecolor="#A5A5A5", label="hard")
    ax.barh(
        y,
        np.minimum(used_pct, limit),
        height=0.5,
        color=[QUOTA_STATUS_COLOURS.get(s, "#A5A5A5") for s in frame["status"]],
    )
    ax.scatter(
        np.minimum(recommended_pct, limit),
        y,
        marker="D",
        color="black",
        s=30,
        zorder=5,
        label="recommended hard",
    )
    for row, value in zip(y, used_pct, strict=True):
        if value > limit:
            ax.text(
                limit,
                row,
                f" {value:,.0f} % ",
                ha="right",
                va="center",
                fontsize=8,
                color="white",
                weight="bold",
            )
    labels = [
        f"{r.namespace} · {r.resource} ({r.used_max_display:,.3g} / {r.hard_display:,.3g} "
        f"{r.display_unit})"
        for r in frame.itertuples()
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, limit)
    for ratio, style in ((rules.quota_almost_full_ratio, "--"), (rules.quota_oversized_ratio, ":")):
        ax.axvline(100 * ratio, color="#595959", linestyle=style, linewidth=1)
    handles = [
        matplotlib.patches.Patch(color=c, label=s.replace("_", " "))
        for s, c in QUOTA_STATUS_COLOURS.items()
        if s != "fit"
    ]
    handles += ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    ax.set_xlabel(
        f"Max used over the lookback, % of hard (dashed: almost full at "
        f"{100 * rules.quota_almost_full_ratio:g}%, dotted: oversized under "
        f"{100 * rules.quota_oversized_ratio:g}%)"
    )
    _title(
        ax,
        data,
        f"Quota fit: {len(frame) - large_rows} fullest and {large_rows} emptiest quotas to act on",
    )
    return True


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "chart01_cpu_request_vs_p95_by_workload",
        "CPU request vs P95 by workload type",
        _request_vs_p95("cpu"),
    ),
    ChartSpec(
        "chart02_mem_request_vs_p95_by_workload",
        "Memory request vs P95 by workload type",
        _request_vs_p95("mem"),
    ),
    ChartSpec(
        "chart03_daily_cpu_waste_stacked",
        "Daily CPU waste stacked by workload type",
        _daily_waste_stacked,
    ),
    ChartSpec(
        "chart04_cpu_util_heatmap",
        "CPU utilisation heatmap",
        _heatmap(
            "cpu_util_pct_mean",
            "Mean CPU utilisation of request (workload type x date)",
            "CPU utilisation (%, colour capped at 150)",
            "RdYlGn",
            True,
            150.0,
        ),
    ),
    ChartSpec(
        "chart05_mem_waste_heatmap",
        "Memory waste heatmap",
        _heatmap(
            "mem_waste_gh",
            "Memory waste (workload type x date)",
            "Memory waste (GiB-hours)",
            "BuPu",
            False,
        ),
    ),
    ChartSpec("chart06_namespace_waste_pareto", "Top-15 namespace CPU waste Pareto", _pareto),
    ChartSpec("chart07_cpu_waste_by_workload", "CPU waste by workload type", _waste_by_workload),
    ChartSpec("chart08_status_donut", "Status donut", _status_donut),
    ChartSpec("chart09_footprint_bubble", "Footprint bubble", _bubble),
    ChartSpec("chart10_cpu_vs_mem_waste_scatter", "CPU vs memory waste", _waste_scatter),
    ChartSpec(
        "chart11_cpu_shortfall_heatmap",
        "CPU shortfall heatmap",
        _heatmap(
            "cpu_shortage_cores",
            "CPU shortfall: P95 above request (workload type x date)",
            "Shortfall (cores, summed)",
            "YlOrRd",
            False,
        ),
    ),
    ChartSpec(
        "chart12_cpu_util_boxplot",
        "CPU utilisation boxplot",
        _boxplot(
            "cpu_util_pct",
            "CPU utilisation (P95 / request) by workload type",
            "CPU utilisation of request (%)",
        ),
    ),
    ChartSpec(
        "chart13_mem_util_boxplot",
        "Memory utilisation boxplot",
        _boxplot(
            "mem_util_pct",
            "Memory utilisation (P95 / request) by workload type",
            "Memory utilisation of request (%)",
        ),
    ),
    ChartSpec("chart14_daily_cpu_waste_trend", "Daily CPU waste trend", _daily_trend_lines),
    ChartSpec("chart15_status_by_workload", "Status per workload type", _status_by_workload),
    ChartSpec("chart16_cpu_util_violin", "CPU utilisation violin", _violin),
    ChartSpec(
        "chart17_cpu_limit_request_ratio",
        "CPU limit / request ratio",
        _boxplot(
            "cpu_limit_request_ratio",
            "CPU limit / request ratio by workload type",
            "Limit / request (x)",
        ),
    ),
    ChartSpec(
        "chart18_daily_cpu_allocated_vs_p95", "Daily CPU allocated vs P95", _allocated_vs_p95("cpu")
    ),
    ChartSpec(
        "chart19_daily_mem_allocated_vs_p95",
        "Daily memory allocated vs P95",
        _allocated_vs_p95("mem"),
    ),
    ChartSpec("chart20_ns_cpu_anomaly_band", "Namespace CPU anomaly band", _trend_band),
    ChartSpec("chart21_cluster_cpu_forecast", "Cluster CPU capacity forecast", _capacity_forecast),
    ChartSpec("chart22_capacity_layers", "Capacity layers (idle shaded)", _capacity_layers),
    ChartSpec("chart23_quota_fit", "Quota fit: used vs hard", _quota_fit),
)
CHART_BY_KEY = {c.key: c for c in CHARTS}
SQUARE_CHARTS = frozenset({"chart08_status_donut"})


def _placeholder(fig: Figure, data: ClusterData, spec: ChartSpec) -> None:
    fig.clear()
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(
        0.5, 0.55, "No data", ha="center", va="center", fontsize=28, color="#808080", weight="bold"
    )
    ax.text(
        0.5,
        0.35,
        f"{spec.title}\n{data.cluster} · {data.window.label()}",
        ha="center",
        va="center",
        fontsize=11,
        color="#808080",
    )


def render_chart(
    data: ClusterData, spec: ChartSpec, out_dir: Path, colours: dict[str, str]
) -> Path:
    """Draw one chart (or its placeholder) to <out_dir>/<key>.png and return the path."""
    fig = Figure(figsize=(7.5, 5.5) if spec.key in SQUARE_CHARTS else (11, 5.5), dpi=DPI)
    if not spec.draw(data, fig, colours):
        log.info("%s %s: no data, writing a placeholder", data.cluster, spec.key)
        _placeholder(fig, data, spec)
    for ax in fig.axes:
        ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    path = out_dir / f"{spec.key}.png"
    fig.savefig(path, dpi=DPI)
    return path


def render_all(
    data: ClusterData, out_dir: Path, on_done: Callable[[str], None] | None = None
) -> dict[str, Path]:
    """All charts of one cluster; returns key -> PNG path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    colours = _workload_colours(data)
    paths: dict[str, Path] = {}
    for spec in CHARTS:
        paths[spec.key] = render_chart(data, spec, out_dir, colours)
        if on_done:
            on_done(spec.key)
    return paths
