"""The power-model calibration command: least squares on synthetic points."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kube_finops.calibrate_power import (
    CalibrationError,
    Fit,
    Measurement,
    fit_power_model,
    main,
    read_measurements,
    write_seed,
)

IDLE, DYNAMIC = 1.5, 3.25  # W per core: the known line


def write_csv(path: Path, rows: list[tuple[object, object, object]], header: str) -> Path:
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def on_the_line(util: float, cores: float) -> float:
    return IDLE * cores + DYNAMIC * util * cores


def test_fit_recovers_a_known_line_exactly() -> None:
    points = [
        Measurement(u, on_the_line(u, c), c)
        for u, c in [(0.0, 32), (0.25, 32), (0.5, 64), (0.75, 16), (1.0, 48)]
    ]
    fit = fit_power_model(points)
    assert fit.idle_watts_per_core == pytest.approx(IDLE, abs=1e-9)
    assert fit.dynamic_watts_per_core == pytest.approx(DYNAMIC, abs=1e-9)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.max_abs_residual_watts == pytest.approx(0.0, abs=1e-9)
    assert fit.points == 5


def test_fit_with_noise_reports_residuals() -> None:
    noise = [2.0, -2.0, 2.0, -2.0]
    points = [
        Measurement(u, on_the_line(u, 32) + e, 32)
        for (u, e) in zip([0.0, 0.0, 1.0, 1.0], noise, strict=True)
    ]
    fit = fit_power_model(points)
    # symmetric noise at each load level: the line itself is the least-squares answer
    assert fit.idle_watts_per_core == pytest.approx(IDLE)
    assert fit.dynamic_watts_per_core == pytest.approx(DYNAMIC)
    assert fit.rmse_watts == pytest.approx(2.0)
    assert fit.max_abs_residual_watts == pytest.approx(2.0)
    assert 0.9 < fit.r_squared < 1.0


@pytest.mark.parametrize(
    ("points", "needle"),
    [
        ([Measurement(0.1, 10, 4), Measurement(0.9, 20, 4)], "at least 3"),
        ([Measurement(0.5, w, 4) for w in (10, 11, 12)], "utilisation does not vary"),
        (
            [Measurement(0.0, 100, 4), Measurement(0.5, 50, 4), Measurement(1.0, 10, 4)],
            "negative coefficient",
        ),
    ],
)
def test_bad_fits_fail_clearly(points: list[Measurement], needle: str) -> None:
    with pytest.raises(CalibrationError, match=needle):
        fit_power_model(points)


@pytest.mark.parametrize(
    ("header", "rows", "needle"),
    [
        ("cpu_utilisation,node_watts", [(0.1, 10)], "missing column(s) cores"),
        ("cpu_utilisation,node_watts,cores", [(0.1, "abc", 4)], "line 2: node_watts='abc'"),
        ("cpu_utilisation,node_watts,cores", [(45, 100, 4)], "pass --percent"),
        ("cpu_utilisation,node_watts,cores", [(0.5, 100, 0)], "line 2: cores=0 must be positive"),
        ("cpu_utilisation,node_watts,cores", [(0.5, -1, 4)], "node_watts=-1 is negative"),
    ],
)
def test_bad_rows_fail_with_the_line(tmp_path: Path, header: str, rows: list, needle: str) -> None:
    path = write_csv(tmp_path / "m.csv", rows, header)
    with pytest.raises(CalibrationError) as info:
        read_measurements(path)
    assert needle in str(info.value)


def test_percent_input_and_us_spelling(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv", [(50, 100, 4), ("", "", "")], "cpu_utilization,node_watts,cores"
    )
    assert read_measurements(path, percent=True) == [Measurement(0.5, 100.0, 4.0)]


def test_write_seed_replaces_only_its_cluster_row(tmp_path: Path) -> None:
    seed = tmp_path / "power_model_coefficients.csv"
    seed.write_text(
        "cluster_type,idle_watts_per_core,dynamic_watts_per_core,r_squared,points,fitted_at\n"
        "*,1,2,0.9,10,2026-01-01T00:00:00Z\n"
        "COMPUTE,9,9,0.5,3,2026-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    fit = Fit(1.25, 2.5, 0.99, 0.1, 0.2, 12)
    write_seed(seed, "compute", fit, now=datetime(2026, 7, 8, tzinfo=UTC))
    rows = list(csv.DictReader(seed.open(encoding="utf-8")))
    assert rows == [
        {
            "cluster_type": "*",
            "idle_watts_per_core": "1",
            "dynamic_watts_per_core": "2",
            "r_squared": "0.9",
            "points": "10",
            "fitted_at": "2026-01-01T00:00:00Z",
        },
        {
            "cluster_type": "COMPUTE",
            "idle_watts_per_core": "1.25",
            "dynamic_watts_per_core": "2.5",
            "r_squared": "0.99",
            "points": "12",
            "fitted_at": "2026-07-08T00:00:00Z",
        },
    ]


def test_command_prints_the_fit_and_writes_the_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [(u, on_the_line(u, 16), 16) for u in (0.0, 0.2, 0.6, 1.0)]
    path = write_csv(tmp_path / "m.csv", rows, "cpu_utilisation,node_watts,cores")
    seed = tmp_path / "seed.csv"
    assert main(["--input", str(path), "--seed", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "idle_watts_per_core=1.500000 dynamic_watts_per_core=3.250000 R^2=1.0000" in out
    (row,) = list(csv.DictReader(seed.open(encoding="utf-8")))
    assert (row["cluster_type"], row["idle_watts_per_core"], row["points"]) == ("*", "1.5", "4")


def test_command_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "m.csv", [(0.5, 10, 4)], "cpu_utilisation,node_watts,cores")
    assert main(["--input", str(path), "--seed", str(tmp_path / "seed.csv")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: 1 measurement(s): at least 3 are needed to fit 2 coefficients"
    assert not (tmp_path / "seed.csv").exists()
