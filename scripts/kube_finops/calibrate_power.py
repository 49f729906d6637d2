"""Fit the linear power model of the energy marts from node measurements and write it to a dbt seed.

The model behind `energy_ns_daily` (for containers without Kepler joules) is

    watts = idle_watts_per_core * requested cores + dynamic_watts_per_core * used cores

Measured on whole nodes, with utilisation u (0..1) of `cores` cores, that is

    node_watts = idle_watts_per_core * cores + dynamic_watts_per_core * (u * cores)

a linear least-squares problem in the two coefficients (no intercept: a node with no cores draws
nothing in this model). Input: a CSV with the columns `cpu_utilisation` (0..1, or percent with
--percent), `node_watts` and `cores`, one row per measurement (e.g. IPMI/Redfish or a smart PDU
sampled together with node_cpu_seconds_total). The fit quality (R^2, residuals) is printed; the
coefficients are written to seeds/power_model_coefficients.csv for a cluster type (`*` = every
cluster without its own row). Run `dbt seed` / `dbt build` afterwards.

    python -m kube_finops.calibrate_power --input measurements.csv --cluster-type COMPUTE
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

LOG = logging.getLogger("kube_finops.calibrate_power")

DEFAULT_SEED = Path(__file__).resolve().parents[2] / "seeds" / "power_model_coefficients.csv"
SEED_COLUMNS = (
    "cluster_type",
    "idle_watts_per_core",
    "dynamic_watts_per_core",
    "r_squared",
    "points",
    "fitted_at",
)
UTILISATION_COLUMNS = ("cpu_utilisation", "cpu_utilization")
MIN_POINTS = 3


class CalibrationError(Exception):
    """A problem with the input or the fit, explained in one line."""


@dataclass(frozen=True)
class Measurement:
    utilisation: float  # 0..1
    watts: float
    cores: float


@dataclass(frozen=True)
class Fit:
    idle_watts_per_core: float
    dynamic_watts_per_core: float
    r_squared: float
    rmse_watts: float
    max_abs_residual_watts: float
    points: int


def _number(text: str | None, column: str, line: int) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise CalibrationError(f"line {line}: {column}={text!r} is not a number") from None
    if not math.isfinite(value):
        raise CalibrationError(f"line {line}: {column}={text!r} is not a finite number")
    return value


def read_measurements(path: Path, *, percent: bool = False) -> list[Measurement]:
    """Read and validate the measurement CSV (header line required)."""
    if not path.is_file():
        raise CalibrationError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in (reader.fieldnames or [])]
        reader.fieldnames = header
        util_column = next((c for c in UTILISATION_COLUMNS if c in header), None)
        missing = [c for c in ("node_watts", "cores") if c not in header]
        if util_column is None:
            missing.insert(0, "cpu_utilisation")
        if missing:
            raise CalibrationError(
                f"{path}: missing column(s) {', '.join(missing)} "
                "(expected cpu_utilisation,node_watts,cores)"
            )
        scale = 100.0 if percent else 1.0
        rows: list[Measurement] = []
        for line, record in enumerate(reader, start=2):
            if not any((value or "").strip() for value in record.values()):
                continue  # blank line
            utilisation = _number(record[util_column], util_column, line) / scale
            watts = _number(record["node_watts"], "node_watts", line)
            cores = _number(record["cores"], "cores", line)
            if not 0.0 <= utilisation <= 1.0:
                hint = "" if percent else " (percent values? pass --percent)"
                raise CalibrationError(
                    f"line {line}: {util_column}={record[util_column]} is outside 0..1{hint}"
                )
            if watts < 0:
                raise CalibrationError(f"line {line}: node_watts={watts:g} is negative")
            if cores <= 0:
                raise CalibrationError(f"line {line}: cores={cores:g} must be positive")
            rows.append(Measurement(utilisation, watts, cores))
    return rows


def fit_power_model(points: list[Measurement]) -> Fit:
    """Least squares of node_watts on (cores, utilisation x cores), without intercept."""
    if len(points) < MIN_POINTS:
        raise CalibrationError(
            f"{len(points)} measurement(s): at least {MIN_POINTS} are needed to fit 2 coefficients"
        )
    cores = np.array([p.cores for p in points])
    used = np.array([p.utilisation * p.cores for p in points])
    watts = np.array([p.watts for p in points])
    design = np.column_stack([cores, used])
    if np.linalg.matrix_rank(design) < 2:
        raise CalibrationError(
            "utilisation does not vary across the measurements: idle and dynamic power "
            "cannot be told apart (measure the nodes at different loads)"
        )
    (idle, dynamic), *_ = np.linalg.lstsq(design, watts, rcond=None)
    residuals = watts - design @ np.array([idle, dynamic])
    total = float(np.sum((watts - watts.mean()) ** 2))
    residual_sum = float(np.sum(residuals**2))
    r_squared = 1.0 - residual_sum / total if total > 0 else float(residual_sum == 0)
    if idle < 0 or dynamic < 0:
        raise CalibrationError(
            f"the fit gives a negative coefficient (idle {idle:.4f}, dynamic {dynamic:.4f} "
            "W/core): check the measurements (units, utilisation scale, cores)"
        )
    return Fit(
        idle_watts_per_core=float(idle),
        dynamic_watts_per_core=float(dynamic),
        r_squared=r_squared,
        rmse_watts=math.sqrt(residual_sum / len(points)),
        max_abs_residual_watts=float(np.max(np.abs(residuals))),
        points=len(points),
    )


def write_seed(seed: Path, cluster_type: str, fit: Fit, *, now: datetime | None = None) -> None:
    """Replace (or add) the cluster type's row of the seed CSV, atomically."""
    key = cluster_type.strip().upper()
    rows: list[dict[str, str]] = []
    if seed.is_file():
        with seed.open(newline="", encoding="utf-8") as handle:
            rows = [
                r
                for r in csv.DictReader(handle)
                if (r.get("cluster_type") or "").strip().upper() != key
            ]
    rows.append(
        {
            "cluster_type": key,
            "idle_watts_per_core": repr(round(fit.idle_watts_per_core, 6)),
            "dynamic_watts_per_core": repr(round(fit.dynamic_watts_per_core, 6)),
            "r_squared": repr(round(fit.r_squared, 6)),
            "points": str(fit.points),
            "fitted_at": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    rows.sort(key=lambda r: (r["cluster_type"] != "*", r["cluster_type"]))
    seed.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".power_model_", suffix=".csv", dir=seed.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=SEED_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, seed)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m kube_finops.calibrate_power",
        description="Fit idle/dynamic watts per core from node measurements.",
    )
    parser.add_argument(
        "--input", required=True, type=Path, help="CSV: cpu_utilisation,node_watts,cores"
    )
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED, help="seed CSV to update")
    parser.add_argument(
        "--cluster-type", default="*", help="cluster type of the row (default `*`: all clusters)"
    )
    parser.add_argument("--percent", action="store_true", help="utilisation is given in percent")
    parser.add_argument("--dry-run", action="store_true", help="print the fit, write nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(message)s"
    )
    try:
        points = read_measurements(args.input, percent=args.percent)
        LOG.debug("read %d measurement(s) from %s", len(points), args.input)
        fit = fit_power_model(points)
    except CalibrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"idle_watts_per_core={fit.idle_watts_per_core:.6f} "
        f"dynamic_watts_per_core={fit.dynamic_watts_per_core:.6f} "
        f"R^2={fit.r_squared:.4f} RMSE={fit.rmse_watts:.3f} W "
        f"max|residual|={fit.max_abs_residual_watts:.3f} W points={fit.points}"
    )
    if fit.r_squared < 0.8:
        LOG.warning("R^2 %.3f is low: the linear model explains these nodes poorly", fit.r_squared)
    if args.dry_run:
        return 0
    write_seed(args.seed, args.cluster_type, fit)
    LOG.info("wrote cluster_type %s to %s; run dbt seed/build", args.cluster_type, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
