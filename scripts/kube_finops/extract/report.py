"""The end-of-run summary table (one line per hour) and the exit code."""

from __future__ import annotations

from collections.abc import Sequence

from kube_finops.extract.coverage import text_table
from kube_finops.extract.runner import HourOutcome

EXIT_OK = 0
EXIT_FAILED = 1


def render_summary(outcomes: Sequence[HourOutcome]) -> str:
    header = ("hour (UTC)", "outcome", "rows", "samples", "seconds", "absent metrics / error")
    rows = [
        (
            f"{o.hour:%Y-%m-%dT%H}",
            o.status.value,
            str(o.rows),
            str(o.samples),
            f"{o.seconds:.2f}",
            o.message or ", ".join(o.absent),
        )
        for o in outcomes
    ]
    failed = sum(not o.status.ok for o in outcomes)
    footer = f"{len(outcomes)} hour(s), {failed} failed\n"
    return text_table(header, rows) + footer


def exit_code(outcomes: Sequence[HourOutcome]) -> int:
    return EXIT_OK if all(o.status.ok for o in outcomes) else EXIT_FAILED
