"""Benchmark: extraction throughput from a real Prometheus (`make bench-extract`).

Backfills N containers (default 500, in 50 namespaces, 2 per pod) x 2 hours at 30 s resolution,
starts Debian's prometheus on 127.0.0.1, extracts the 2 hours and reports samples per second
(points returned by Prometheus and turned into rows) and rows per second.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import prometheus_fixture as pf
from kube_finops.extract.config import ExtractConfig, PrometheusAuth, RetryPolicy
from kube_finops.extract.runner import Extractor

log = logging.getLogger("bench_extract")


def population(containers: int) -> tuple[list[pf.ContainerSpec], list[pf.PodVolumes]]:
    specs, volumes = [], []
    for i in range(containers):
        ns, pod = f"tenant-{i % 50:02d}", f"app-{i // 2:04d}"
        specs.append(
            pf.ContainerSpec(
                ns,
                pod,
                ("main", "sidecar")[i % 2],
                f"node-{i % 20}",
                0.5,
                1.0,
                256e6,
                512e6,
                0.1 + (i % 7) / 10,
                throttle_ratio=(i % 5) / 10,
            )
        )
        if i % 2 == 0 and i % 10 == 0:
            volumes.append(pf.PodVolumes(ns, pod, {f"data-{pod}": 10 * pf.GIB}))
    return specs, volumes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--containers", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        work = Path(tmp)
        began = time.perf_counter()
        history = pf.build_history(*population(args.containers))
        blocks = pf.create_blocks(history, work)
        log.info("backfilled %d samples in %.1f s", history.samples, time.perf_counter() - began)
        with pf.run_prometheus(blocks, work / "prom") as server:
            start, end = pf.window()
            config = ExtractConfig(
                prometheus_url=server.url,
                start=start,
                end=end,
                lake_dir=work / "lake",
                auth=PrometheusAuth(),
                timeout=120,
                retry=RetryPolicy(),
                quiet=True,
                force=True,
            )
            began = time.perf_counter()
            outcomes = Extractor(config).run()
            seconds = time.perf_counter() - began
    samples = sum(o.samples for o in outcomes)
    rows = sum(o.rows for o in outcomes)
    if not all(o.status.ok for o in outcomes):
        log.error("extraction failed: %s", [o.message for o in outcomes])
        return 1
    sys.stdout.write(
        f"extracted {len(outcomes)} hours, {args.containers} containers: {rows} rows, "
        f"{samples} samples in {seconds:.2f} s = {samples / seconds:,.0f} samples/s, "
        f"{rows / seconds:,.0f} rows/s\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
