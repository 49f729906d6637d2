"""The machine a benchmark ran on: cores, RAM, CPU model, load, date (for the results table)."""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

KIB_PER_GIB = 1024 * 1024


@dataclass(frozen=True)
class MachineInfo:
    """Where and when the figures were taken."""

    date_utc: str
    cores: int
    ram_gib: float
    cpu_model: str
    load_average: tuple[float, float, float]
    python: str

    def label(self) -> str:
        load = ", ".join(f"{x:.2f}" for x in self.load_average)
        return (
            f"{self.date_utc}, {self.cores} cores, {self.ram_gib:.1f} GiB RAM, {self.cpu_model}, "
            f"load average at start {load}"
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_cpu_model(cpuinfo: str) -> str:
    """The first `model name` of /proc/cpuinfo (x86) or `Model`/`Hardware` (arm), else unknown."""
    for key in ("model name", "Model", "Hardware"):
        for line in cpuinfo.splitlines():
            name, sep, value = line.partition(":")
            if sep and name.strip() == key and value.strip():
                return value.strip()
    return platform.processor() or "unknown CPU"


def parse_mem_total_gib(meminfo: str) -> float:
    """MemTotal of /proc/meminfo (kB) in GiB; 0.0 when absent."""
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / KIB_PER_GIB
    return 0.0


def _read(path: str) -> str:
    file = Path(path)
    return file.read_text(encoding="utf-8", errors="replace") if file.exists() else ""


def machine_info() -> MachineInfo:
    load = os.getloadavg()
    return MachineInfo(
        date_utc=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        cores=os.cpu_count() or 0,
        ram_gib=parse_mem_total_gib(_read("/proc/meminfo")),
        cpu_model=parse_cpu_model(_read("/proc/cpuinfo")),
        load_average=(load[0], load[1], load[2]),
        python=platform.python_version(),
    )
