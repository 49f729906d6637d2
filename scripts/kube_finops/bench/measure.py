"""Run one command and measure its wall time and peak RSS.

Peak RSS is the kernel's `ru_maxrss` of the command: the largest single process of its tree (for
`make build` the dbt process, which runs DuckDB in-process). It is read through GNU time
(`/usr/bin/time -v -o FILE`) when installed: the command is then forked from the small `time`
process. Linux counts a child's RSS from before its exec, so a command forked straight from this
(larger) Python process could report this process's RSS instead of its own; without GNU time the
fallback is `os.wait4` on the child, and small figures then read "at most the harness's RSS"."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kube_finops.bench.errors import BenchError

log = logging.getLogger("kube_finops.bench.measure")

KIB_PER_MIB = 1024
GNU_TIME = Path("/usr/bin/time")
MAX_RSS_LINE = re.compile(r"^\s*Maximum resident set size \(kbytes\):\s*(\d+)\s*$", re.MULTILINE)


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
    """ru_maxrss (and GNU time's figure) is in KiB on Linux."""
    return kib / KIB_PER_MIB


def parse_time_v(text: str) -> int:
    """`Maximum resident set size (kbytes)` of a `/usr/bin/time -v` report, in KiB."""
    found = MAX_RSS_LINE.search(text)
    if found is None:
        raise BenchError("no 'Maximum resident set size' line in the /usr/bin/time -v report")
    return int(found.group(1))


def has_gnu_time() -> bool:
    return GNU_TIME.is_file() and os.access(GNU_TIME, os.X_OK)


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
    rusage_path = log_path.with_suffix(".time-v.txt")
    rusage_path.unlink(missing_ok=True)
    argv = list(command)
    if has_gnu_time():
        argv = [str(GNU_TIME), "-v", "-o", str(rusage_path), *argv]
    log.info("round %d: %s: %s", round_no, contender, " ".join(command))
    with log_path.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        try:
            child = subprocess.Popen(argv, cwd=cwd, env=dict(env), stdout=out, stderr=out)
        except OSError as exc:
            raise BenchError(f"{contender}: cannot start {argv[0]}: {exc}") from exc
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        log.error("%s failed; last lines of %s:\n%s", contender, log_path, tail(log_path))
        raise BenchError(f"{contender} exited with {child.returncode} (log: {log_path})")
    if rusage_path.exists():
        max_rss_kib = parse_time_v(rusage_path.read_text(encoding="utf-8", errors="replace"))
    else:
        max_rss_kib = usage.ru_maxrss
    result = Measurement(contender, round_no, wall, kib_to_mib(max_rss_kib))
    log.info(
        "round %d: %s: %.2f s, peak RSS %.0f MiB",
        round_no,
        contender,
        result.wall_s,
        result.max_rss_mib,
    )
    return result
