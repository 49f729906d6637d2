"""The weekly digest per cluster (Markdown): top namespaces by waste and by risk, with evidence
and, once right-sizing exists, the most severe recommendation of each namespace; then the
dormant namespaces to reclaim."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kube_finops.report.data import ClusterData, number

TOP_N = 5


def md_text(value: object) -> str:
    """A value as inline Markdown text (escaped, inside a code span when it is a name)."""
    text = str(value).replace("\n", " ").replace("|", "\\|")
    return text


def md_name(value: object) -> str:
    text = str(value).replace("`", "'").replace("\n", " ").replace("|", "\\|")
    return f"`{text}`"


def _recommendation(data: ClusterData, namespace: str, prefer: str) -> str:
    """The namespace's first recommendation of type `prefer` (over_allocated for waste, shortage
    for risk), else its first of any type; rows come ordered most severe first."""
    frame = data.rightsizing
    rows = frame[frame["namespace"] == namespace]
    preferred = rows[rows["recommendation_type"] == prefer]
    rows = preferred if not preferred.empty else rows
    if rows.empty:
        return "no right-sizing recommendation"
    return md_text(rows.iloc[0]["message"])


def _fmt(value: object, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    return f"{float(value):,.{digits}f}"


def render_digest(data: ClusterData) -> str:
    pareto = data.table("rpt_ns_pareto").head(TOP_N)
    risk = data.table("rpt_ns_risk").head(TOP_N)
    k = data.kpis
    rules = data.window.rules
    lines = [
        f"# Weekly FinOps digest · {md_text(data.cluster)} · {data.window.label()}",
        "",
        f"{int(k.get('containers_observed') or 0):,} containers in "
        f"{int(k.get('namespaces') or 0):,} namespaces; CPU waste "
        f"{_fmt(k.get('cpu_waste_ch'))} core-hours, CPU efficiency "
        f"{_fmt(k.get('cpu_efficiency_pct'))} %, {int(k.get('oom_containers') or 0):,} "
        f"OOM-killed and {int(k.get('throttling_risk_containers') or 0):,} throttled containers "
        f"({rules.throttle_rule()} on a day).",
        "",
        f"## Top {TOP_N} namespaces by CPU waste (Pareto grade first)",
        "",
        "Grade on the cumulative waste share of the namespaces ranked above: "
        f"{rules.pareto_bands()}.",
        "",
    ]
    if pareto.empty or float(pareto["total_waste_core_hours"].sum()) <= 0:
        lines.append("No CPU waste in the window.")
    else:
        lines += [
            "| # | namespace | grade | waste core-h | share % | cumulative % "
            "| waste of allocated % | waste cost | recommendation |",
            "|---|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for r in pareto.itertuples():
            lines.append(
                f"| {r.waste_rank} | {md_name(r.namespace)} | {r.grade} "
                f"| {_fmt(r.total_waste_core_hours)} | {_fmt(r.waste_share_pct)} "
                f"| {_fmt(r.waste_cumsum_pct)} | {_fmt(r.waste_of_allocated_pct)} "
                f"| {_fmt(r.waste_cost, 2)} "
                f"| {_recommendation(data, str(r.namespace), 'over_allocated')} |"
            )
    lines += ["", f"## Top {TOP_N} namespaces by risk (OOM kills, then CPU throttling)", ""]
    if risk.empty:
        lines.append("No OOM kills, throttling or CPU shortage in the window.")
    else:
        lines += [
            "| # | namespace | OOM kills | OOM container-days | throttled container-days "
            "| max throttled % | max shortfall cores | recommendation |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for r in risk.itertuples():
            lines.append(
                f"| {r.risk_rank} | {md_name(r.namespace)} | {_fmt(r.oom_kills, 0)} "
                f"| {r.oom_container_days} | {r.throttled_container_days} "
                f"| {_fmt(100 * float(r.cpu_throttled_max))} | {_fmt(r.cpu_shortage_cores_max, 2)} "
                f"| {_recommendation(data, str(r.namespace), 'shortage')} |"
            )
    lines += _dormant_lines(data)
    lines.append("")
    return "\n".join(lines)


def _dormant_lines(data: ClusterData) -> list[str]:
    """Namespaces idle for dormant_days that still hold requests or volumes."""
    rules = data.window.rules
    lines = [
        "",
        "## Dormant namespaces (no CPU use, still holding resources)",
        "",
        f"P95 CPU at most {number(rules.dormant_cpu_epsilon_cores)} cores on each of the last "
        f"{rules.dormant_days} days; {data.window.month()}.",
        "",
    ]
    if data.dormant.empty:
        return [*lines, "None."]
    lines += [
        "| namespace | idle days | containers | CPU requested | memory requested GiB "
        "| PV GiB | held per month | currency |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in data.dormant.itertuples():
        lines.append(
            f"| {md_name(r.namespace)} | {r.days_observed} | {r.container_cnt} "
            f"| {_fmt(r.cpu_request_cores, 2)} | {_fmt(r.mem_request_gb, 2)} "
            f"| {_fmt(r.pv_capacity_gb, 1)} | {_fmt(r.held_cost_per_month, 2)} "
            f"| {md_text(r.currency)} |"
        )
    return lines


def write_digest(data: ClusterData, out_dir: Path) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in data.cluster.lower())
    path = out_dir / f"weekly_digest_{safe}_{data.window.end.strftime('%Y%m%d')}.md"
    path.write_text(render_digest(data), encoding="utf-8")
    return path
