"""The weekly digest per cluster (Markdown): top namespaces by waste and by risk, with evidence
and, once right-sizing exists, the most severe recommendation of each namespace; the dormant
namespaces to reclaim; the owners with the most waste; the quotas to resize and the namespaces
and buckets to clean up, each with its command."""

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


def md_code(value: object) -> str:
    """A command as an inline code span (kept verbatim; pipes escaped for tables)."""
    text = str(value).replace("\n", " ").replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


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
    lines += _owner_lines(data)
    lines += _quota_lines(data)
    lines += _lifecycle_lines(data)
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


def _owner_lines(data: ClusterData) -> list[str]:
    """The tenants with the most waste, their worst namespace and its recommendation."""
    frame = data.table("rpt_tenants")
    lines = [
        "",
        f"## Top {TOP_N} owners by waste",
        "",
        "Waste cost of the owner's namespaces over the window; total = allocated + overage + "
        f"shared + idle on this cluster ({data.window.rules.chargeback_rules()}).",
        "",
    ]
    if not frame.empty:
        frame = frame[frame["waste_rank"].notna() & (frame["waste_cost"] > 0)]
        frame = frame.sort_values("waste_rank").head(TOP_N)
    if frame.empty:
        return [*lines, "No owner has waste in the window."]
    lines += [
        "| # | owner | tier | namespaces | waste cost | CPU waste core-h | total cost "
        "| shared % | idle % | currency | worst namespace (grade) | recommendation |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in frame.itertuples():
        worst = (
            f"{md_name(r.worst_namespace)} ({md_text(r.worst_grade)})"
            if isinstance(r.worst_namespace, str)
            else "n/a"
        )
        advice = (
            _recommendation(data, r.worst_namespace, "over_allocated")
            if isinstance(r.worst_namespace, str)
            else ""
        )
        lines.append(
            f"| {int(r.waste_rank)} | {md_name(r.owner)} | {md_text(r.tiers)} | {r.namespaces} "
            f"| {_fmt(r.waste_cost, 2)} | {_fmt(r.waste_core_hours)} | {_fmt(r.total_cost, 2)} "
            f"| {_fmt(r.shared_share_pct)} | {_fmt(r.idle_share_pct)} | {md_text(r.currency)} "
            f"| {worst} | {advice} |"
        )
    return lines


QUOTA_SECTIONS = (
    ("exceeded", "Exceeded (used above hard)"),
    ("almost_full", "Almost full"),
    ("oversized", "Oversized"),
)


def _quota_lines(data: ClusterData) -> list[str]:
    """The quotas to raise or shrink, with the patch command; the cluster's overcommit."""
    rules = data.window.rules
    frame = data.table("rpt_quota_fit")
    lines = [
        "",
        "## Quotas",
        "",
        f"As of {data.window.end.isoformat()}: {rules.quota_rules()}.",
        "",
    ]
    overcommit = data.table("rpt_quota_overcommit")
    if not overcommit.empty:
        last = overcommit.iloc[-1]
        for name, unit, prefix in (("CPU", "cores", "cpu"), ("Memory", "GiB", "mem")):
            ratio = last[f"{prefix}_quota_overcommit_ratio"]
            if pd.isna(ratio):
                continue
            hard_col = f"{prefix}_hard_requests_{'cores' if prefix == 'cpu' else 'gb'}"
            alloc_col = f"{prefix}_allocatable_{'cores' if prefix == 'cpu' else 'gb'}"
            verdict = (
                "**overcommitted**" if bool(last[f"{prefix}_quota_overcommitted"]) else "within"
            )
            lines.append(
                f"- {name} requests quotas on {pd.Timestamp(last['date']).date().isoformat()}: "
                f"{_fmt(last[hard_col])} {unit} of {_fmt(last[alloc_col])} allocatable = "
                f"{_fmt(ratio, 2)} x, {verdict} the limit of "
                f"{number(rules.quota_overcommit_ratio)} x."
            )
    if lines[-1]:
        lines.append("")
    if frame.empty or (frame["status"] == "fit").all():
        return [*lines, "No quota to resize."]
    for status, title in QUOTA_SECTIONS:
        rows = frame[frame["status"] == status]
        if rows.empty:
            continue
        lines += [f"### {title}: {len(rows)}", ""]
        for r in rows.head(TOP_N).itertuples():
            used = "n/a" if pd.isna(r.used_pct) else f"{_fmt(r.used_pct, 0)} %"
            lines.append(
                f"- {md_name(r.namespace)} ({md_text(r.owner)}) {md_name(r.resource)}: max used "
                f"{r.used_max_display:,.4g} of {r.hard_display:,.4g} {md_text(r.display_unit)} "
                f"({used}) -> {md_text(r.recommended_hard_quantity)}: {md_code(r.command)}"
            )
        if len(rows) > TOP_N:
            lines.append(f"- ... and {len(rows) - TOP_N} more on the workbook's Quotas sheet")
        lines.append("")
    return lines[:-1]


def _lifecycle_lines(data: ClusterData) -> list[str]:
    """Expired, expiring and invalid TTLs with the delete command; buckets to expire."""
    rules = data.window.rules
    frame = data.table("rpt_namespace_lifecycle")
    lines = [
        "",
        "## Lifecycle",
        "",
        f"As of {data.window.end.isoformat()}: {rules.lifecycle_rules()}; "
        f"{data.window.month()}. Dormant namespaces are listed above.",
        "",
    ]
    sections = (
        ("expired", "Expired TTL"),
        ("expiring", f"TTL within {rules.ttl_warning_days} days"),
        ("invalid_ttl", "Invalid TTL annotation (never treated as expired)"),
    )
    shown = False
    for status, title in sections:
        rows = frame[frame["lifecycle_status"] == status] if not frame.empty else frame
        if rows.empty:
            continue
        shown = True
        lines += [
            f"### {title}: {len(rows)}",
            "",
            "| namespace | owner | TTL | CPU requested | held per month | currency | action "
            "| command |",
            "|---|---|---|---:|---:|---|---|---|",
        ]
        for r in rows.itertuples():
            command = md_code(r.command) if isinstance(r.command, str) else ""
            lines.append(
                f"| {md_name(r.namespace)} | {md_name(r.owner)} | {md_text(r.ttl_raw)} "
                f"| {_fmt(r.cpu_request_cores, 2)} | {_fmt(r.held_cost_per_month, 2)} "
                f"| {md_text(r.currency)} | {md_text(r.action)} | {command} |"
            )
        lines.append("")
    if not shown:
        lines += ["No expired, expiring or invalid TTL.", ""]
    buckets = data.table("rpt_bucket_lifecycle")
    lines += ["### Buckets of inactive owners", ""]
    if buckets.empty:
        return [*lines, "None."]
    lines += [
        "| bucket | owner | GiB | per month | currency | reason | command |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for r in buckets.itertuples():
        lines.append(
            f"| {md_name(r.bucket)} | {md_name(r.owner)} | {_fmt(r.size_gb, 2)} "
            f"| {_fmt(r.cost_per_month, 2)} | {md_text(r.currency)} | {md_text(r.reason)} "
            f"| {md_code(r.suggestion)} |"
        )
    return lines


def write_digest(data: ClusterData, out_dir: Path) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in data.cluster.lower())
    path = out_dir / f"weekly_digest_{safe}_{data.window.end.strftime('%Y%m%d')}.md"
    path.write_text(render_digest(data), encoding="utf-8")
    return path
