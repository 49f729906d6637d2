"""The hour loop: for each UTC hour extract, write atomically, upload; never stop at a failure."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from tqdm import tqdm

from kube_finops.extract import batches, coverage
from kube_finops.extract.client import PrometheusClient, Series
from kube_finops.extract.config import ExtractConfig, redact_url
from kube_finops.extract.errors import ExtractError, UploadError
from kube_finops.extract.inventory import InventoryExtractor, KindSnapshot
from kube_finops.extract.manifest import HourFacts, build_manifest
from kube_finops.extract.queries import COLUMN_QUERIES, ColumnQuery, NamespaceFilter
from kube_finops.extract.transform import TransformError, build_table
from kube_finops.extract.writers import LocalLake, S3Lake

log = logging.getLogger("kube_finops.extract.runner")
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


class Status(Enum):
    WRITTEN = "written"
    SKIPPED = "skipped (exists)"
    UPLOADED = "uploaded (local existed)"
    FAILED = "FAILED"
    UPLOAD_FAILED = "UPLOAD FAILED"

    @property
    def ok(self) -> bool:
        return self not in (Status.FAILED, Status.UPLOAD_FAILED)


@dataclass(frozen=True)
class HourOutcome:
    hour: datetime
    status: Status
    rows: int = 0
    samples: int = 0
    seconds: float = 0.0
    absent: tuple[str, ...] = ()
    message: str = ""


class Extractor:
    """Runs one configured extraction."""

    def __init__(self, config: ExtractConfig) -> None:
        self.config = config
        self.namespaces = NamespaceFilter(config.namespace_include, config.namespace_exclude)
        self.local = LocalLake(config.lake_dir)
        self.s3 = S3Lake(config.s3) if config.s3 else None
        self.inventory = InventoryExtractor(config, self.namespaces, self.client)
        self.inventory.attach_s3(self.s3)

    def client(self) -> PrometheusClient:
        c = self.config
        return PrometheusClient(c.prometheus_url, c.auth, c.timeout, c.retry)

    def check(self) -> list[coverage.MetricCoverage]:
        """Coverage for the whole window; writes nothing."""
        client = self.client()
        try:
            return coverage.measure(client, self.config.start, self.config.end, self.namespaces)
        finally:
            client.close()

    def check_inventory(self) -> list[KindSnapshot]:
        """Inventory kinds over the whole window; writes nothing."""
        return self.inventory.check()

    def run(self) -> list[HourOutcome]:
        hours = self.config.hours()
        outcomes = []
        with tqdm(
            total=len(hours) * len(COLUMN_QUERIES),
            desc="extract",
            unit="query",
            disable=self.config.quiet,
        ) as bar:
            for hour in hours:
                bar.set_postfix_str(f"{hour:%Y-%m-%dT%H}")
                outcome = self._one_hour(hour, bar.update)
                outcomes.append(outcome)
                bar.n = (hours.index(hour) + 1) * len(COLUMN_QUERIES)
                bar.refresh()
        return outcomes

    def _one_hour(self, hour: datetime, tick: Callable[[int], object]) -> HourOutcome:
        """The raw hour, then its inventory snapshots; a failed inventory kind fails the hour
        (a re-run skips what was written and retries the rest)."""
        outcome = self._raw_hour(hour, tick)
        inventory = self.inventory.run_hour(hour)
        if not inventory.errors:
            return outcome
        message = "; ".join(m for m in (outcome.message, *inventory.errors) if m)
        status = outcome.status if not outcome.status.ok else Status.FAILED
        return replace(outcome, status=status, message=message)

    def _raw_hour(self, hour: datetime, tick: Callable[[int], object]) -> HourOutcome:
        label = f"{hour:%Y-%m-%dT%H}"
        began = time.perf_counter()
        try:
            action = self._plan_hour(hour)
            if action is Status.SKIPPED:
                log.info("%s: already extracted, skipped (use --force to redo)", label)
                return HourOutcome(hour, Status.SKIPPED)
            if action is Status.UPLOADED:
                assert self.s3 is not None
                self.s3.upload(self.local, hour)
                log.info("%s: uploaded the existing local file to %s", label, self.s3.uri(hour))
                return HourOutcome(hour, Status.UPLOADED, seconds=time.perf_counter() - began)
        except UploadError as exc:
            log.error("%s: %s", label, exc)
            return HourOutcome(hour, Status.UPLOAD_FAILED, message=str(exc))
        try:
            facts, samples = self._extract(hour, tick)
        except (ExtractError, TransformError) as exc:
            log.error("%s: not written: %s", label, exc)
            return HourOutcome(
                hour, Status.FAILED, seconds=time.perf_counter() - began, message=str(exc)
            )
        absent = tuple(c.metric for c in coverage.absent_required(facts.coverage))
        outcome = HourOutcome(
            hour, Status.WRITTEN, facts.rows, samples, time.perf_counter() - began, absent
        )
        if self.s3 is not None:
            try:
                self.s3.upload(self.local, hour)
            except UploadError as exc:
                log.error("%s: %s", label, exc)
                return HourOutcome(
                    hour,
                    Status.UPLOAD_FAILED,
                    facts.rows,
                    samples,
                    outcome.seconds,
                    absent,
                    str(exc),
                )
        log.info("%s: %d rows written (%d samples)", label, facts.rows, samples)
        return outcome

    def _plan_hour(self, hour: datetime) -> Status | None:
        """SKIPPED, UPLOADED (local only needs the upload) or None (extract)."""
        if self.config.force:
            return None
        if self.s3 is None:
            return Status.SKIPPED if self.local.complete(hour) else None
        try:
            if self.s3.exists(hour):
                return Status.SKIPPED
        except UploadError as exc:  # S3 unreachable: still extract, the upload will report it
            log.warning("%s: cannot check S3: %s", f"{hour:%Y-%m-%dT%H}", exc)
        return Status.UPLOADED if self.local.complete(hour) else None

    def _extract(self, hour: datetime, tick: Callable[[int], object]) -> tuple[HourFacts, int]:
        began = time.perf_counter()
        label = f"{hour:%Y-%m-%dT%H}"
        client = self.client()
        try:
            cov = coverage.measure(client, hour, hour + HOUR, self.namespaces)
            coverage.warn_absent(label, cov)
            sizes = batches.namespace_sizes(client, hour, self.namespaces)
            plan = batches.plan(sizes, self.namespaces, self.config.max_series_per_query)
            results: dict[str, list[Series]] = {}
            samples = 0
            for query in COLUMN_QUERIES:
                series: list[Series] = []
                for batch in plan:
                    series.extend(
                        batches.fetch_split(self._runner(client, query, hour), batch, sizes)
                    )
                results[query.column] = series
                samples += sum(len(s.get("values") or ()) for s in series)
                tick(1)
            hour_result = build_table(hour, results, COLUMN_QUERIES, self.config.cluster_label)
        finally:
            client.close()
        table = hour_result.table
        containers = (
            len(
                set(
                    zip(
                        *(table.column(c).to_pylist() for c in ("namespace", "pod", "container")),
                        strict=True,
                    )
                )
            )
            if table.num_rows
            else 0
        )
        facts = HourFacts(
            hour=hour,
            rows=table.num_rows,
            containers=containers,
            series=hour_result.series,
            coverage=cov,
            queries=client.stats.queries,
            requests=client.stats.requests,
            retries=client.stats.retries,
            namespace_batches=len(plan),
            seconds=time.perf_counter() - began,
        )
        manifest = build_manifest(
            facts,
            redact_url(self.config.prometheus_url),
            self.config.cluster_label,
            self.config.namespace_include,
            self.config.namespace_exclude,
        )
        self.local.write(hour, table, manifest)
        return facts, samples

    def _runner(
        self, client: PrometheusClient, query: ColumnQuery, hour: datetime
    ) -> Callable[[NamespaceFilter], list[Series]]:
        start = hour - MINUTE if query.lookback_minute else hour
        end = hour + HOUR - MINUTE

        def run(batch: NamespaceFilter) -> list[Series]:
            return client.query_range(
                query.promql(self.config.cluster_label, batch), start, end, 60
            )

        return run
