"""Run one command and measure its wall time and peak RSS.

Peak RSS comes from `os.wait4` on the child: the kernel's `ru_maxrss` of the child and of every
descendant it waited for, i.e. the largest single process of the tree (for `make build` that is
the dbt process, which runs DuckDB in-process). It is per command, unlike
`getrusage(RUSAGE_CHILDREN)`, which only ever grows over a harness run."""

from __future__ import annotations

import logging
import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kube_finops.bench.errors import BenchError

log = logging.getLogger("kube_finops.bench.measure")

KIB_PER_MIB = 1024


@dataclass(frozen=True)
class Measurement:
    """One timed run of one contender."""

    contender: str
    round: int
    wall_s: float
    max_rss_mib: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def kib_to_mib(kib: int) -> float:
    """ru_maxrss is in KiB on Linux."""
    return kib / KIB_PER_MIB


def tail(path: Path, lines: int = 15) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def run_measured(
    contender: str,
    round_no: int,
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log_path: Path,
) -> Measurement:
    """Run `command` with its output in `log_path`; raise BenchError when it fails."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log.info("round %d: %s: %s", round_no, contender, " ".join(command))
    with log_path.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        try:
            child = subprocess.Popen(
                list(command), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT
            )
        except OSError as exc:
            raise BenchError(f"{contender}: cannot start {command[0]}: {exc}") from exc
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        log.error("%s failed; last lines of %s:\n%s", contender, log_path, tail(log_path))
        raise BenchError(f"{contender} exited with {child.returncode} (log: {log_path})")
    result = Measurement(contender, round_no, wall, kib_to_mib(usage.ru_maxrss))
    log.info(
        "round %d: %s: %.2f s, peak RSS %.0f MiB",
        round_no,
        contender,
        result.wall_s,
        result.max_rss_mib,
    )
    return result
