"""Summaries, ratios, target checks and the printed tables (Markdown, also written to a file)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from kube_finops.bench.measure import Measurement


@dataclass(frozen=True)
class Summary:
    """All runs of one contender: the median wall time is what ratios compare."""

    contender: str
    label: str
    walls: tuple[float, ...]
    max_rss_mib: float

    @property
    def median_s(self) -> float:
        return statistics.median(self.walls)


@dataclass(frozen=True)
class Check:
    """One target of the issue and whether this run met it."""

    text: str
    met: bool

    def line(self) -> str:
        return f"- {self.text}: {'met' if self.met else 'NOT met'}"


def summarize(contender: str, label: str, runs: Sequence[Measurement]) -> Summary:
    mine = [m for m in runs if m.contender == contender]
    if not mine:
        raise ValueError(f"no measurement for {contender}")
    return Summary(
        contender, label, tuple(m.wall_s for m in mine), max(m.max_rss_mib for m in mine)
    )


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator; infinity for a zero denominator (never a ZeroDivisionError)."""
    return numerator / denominator if denominator > 0 else float("inf")


def fmt_seconds(value: float) -> str:
    return f"{value:.2f}"


def fmt_ratio(value: float) -> str:
    return f"{value:.1f}x"


def fmt_mib(value: float) -> str:
    return f"{value:,.0f}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table; the first column left-aligned, the others right-aligned."""
    align = [":---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def contender_table(ours: Summary, others: Sequence[Summary]) -> str:
    """Wall (median, and every run), peak RSS and ours' ratio to each row."""
    rows = []
    for s in (ours, *others):
        relation = "1.0x" if s is ours else _relation(ours, s)
        rows.append(
            [
                s.label,
                fmt_seconds(s.median_s),
                " / ".join(fmt_seconds(w) for w in s.walls),
                fmt_mib(s.max_rss_mib),
                relation,
            ]
        )
    return markdown_table(
        ["contender", "wall s (median)", "wall s (runs)", "peak RSS MiB", "ours vs it"], rows
    )


def _relation(ours: Summary, other: Summary) -> str:
    """ "8.9x faster" when ours is quicker, "14.6x the floor" for a contender that is quicker."""
    if other.median_s >= ours.median_s:
        return f"{fmt_ratio(ratio(other.median_s, ours.median_s))} faster"
    return f"{fmt_ratio(ratio(ours.median_s, other.median_s))} its time"
