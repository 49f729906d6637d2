"""Response and request models (pydantic); list pages carry `next_cursor` (null on the last page).

The SQL of each list selects exactly the fields of its item model, in order (queries.columns).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    published_at: datetime | None = None
    age_hours: float | None = None
    window_start_date: date | None = None
    window_end_date: date | None = None
    detail: str | None = None


class Window(BaseModel):
    start: date
    end: date


class NamespaceUsageDay(BaseModel):
    date: date
    cluster_type: str
    cpu_used_ch: float | None
    cpu_alloc_ch: float | None
    cpu_waste_ch: float | None
    mem_used_gh: float | None
    mem_alloc_gh: float | None
    mem_waste_gh: float | None
    pv_used_gh: float | None
    pv_alloc_gh: float | None
    pv_waste_gh: float | None
    container_cnt: int | None
    final_usage_score: float | None


class NamespaceCostDay(BaseModel):
    date: date
    cluster_type: str
    currency: str | None
    cpu_alloc_cost: float | None
    mem_alloc_cost: float | None
    pv_alloc_cost: float | None
    alloc_cost: float | None
    waste_cost: float | None
    it_kwh: float | None
    facility_kwh: float | None
    electricity_cost: float | None
    carbon_kg: float | None
    carbon_cost: float | None
    energy_source: str | None


class Recommendation(BaseModel):
    cluster_type: str
    namespace: str
    workload_kind: str
    workload: str
    container: str
    recommendation_type: str | None
    severity: str | None
    current_cpu_request: float | None
    current_mem_request_gb: float | None
    recommended_cpu_request: float | None
    recommended_cpu_limit: float | None
    recommended_mem_request_gb: float | None
    recommended_mem_limit_gb: float | None
    monthly_cost_delta: float | None
    currency: str | None
    message: str | None
    kubectl_command: str | None


class CostGroup(BaseModel):
    """group_by namespace / cluster_type: the namespaces' own cost (ns_usage_daily and
    energy_ns_daily). group_by owner / tier: the chargeback (tenant_cost_daily), with shared and
    idle shares."""

    group: str
    currency: str | None
    namespace_count: int = Field(
        description="namespaces in the group (owner / tier: most on one date)"
    )
    cpu_alloc_cost: float | None
    mem_alloc_cost: float | None
    pv_alloc_cost: float | None
    alloc_cost: float | None
    waste_cost: float | None
    facility_kwh: float | None = Field(description="namespace / cluster_type groups only")
    electricity_cost: float | None = Field(description="namespace / cluster_type groups only")
    carbon_kg: float | None = Field(description="namespace / cluster_type groups only")
    overage_cost: float | None = Field(description="owner / tier groups only")
    object_storage_cost: float | None = Field(description="owner / tier groups only")
    shared_cost: float | None = Field(description="owner / tier groups only")
    idle_cost: float | None = Field(description="owner / tier groups only")
    total_cost: float | None = Field(description="owner / tier groups only")
    energy_cost: float | None = Field(description="owner / tier groups only")


class ParetoRow(BaseModel):
    date: date
    cluster_type: str
    namespace: str
    waste_rank: int
    total_waste_core_hours: float | None
    total_allocated_core_hours: float | None
    waste_share_pct: float | None
    waste_cumsum_pct: float | None
    grade: str | None


class Calibration(BaseModel):
    cluster_type: str
    idle_watts_per_core: float
    dynamic_watts_per_core: float
    power_model_source: str
    pue: float
    electricity_rate: float
    carbon_intensity: float
    carbon_price: float


class TenantNamespace(BaseModel):
    cluster_type: str
    namespace: str
    tier: str | None
    days: int
    alloc_cost: float | None
    waste_cost: float | None
    facility_kwh: float | None
    carbon_kg: float | None
    pareto_grade: str | None = Field(description="grade on the namespace's latest date in range")
    oom_container_days: int
    shortage_container_days: int
    violation_container_days: int
    dormant: bool
    open_recommendations: int


class TenantTotals(BaseModel):
    namespace_count: int
    currency: str | None
    cpu_alloc_cost: float | None
    mem_alloc_cost: float | None
    pv_alloc_cost: float | None
    alloc_cost: float | None
    waste_cost: float | None
    it_kwh: float | None
    facility_kwh: float | None
    electricity_cost: float | None
    carbon_kg: float | None
    grade_critical: int
    grade_high: int
    grade_medium: int
    grade_low: int
    oom_container_days: int
    shortage_container_days: int
    violation_container_days: int
    dormant_namespaces: int
    dormant_held_cost_per_month: float | None
    open_recommendations: int
    recommendations_monthly_cost_delta: float | None


class TenantCost(BaseModel):
    """The owner's chargeback over the window (tenant_cost_daily): allocated cost by resource,
    overage, object storage, its share of the shared namespaces and of idle capacity."""

    currency: str | None
    cpu_alloc_cost: float | None
    mem_alloc_cost: float | None
    pv_alloc_cost: float | None
    overage_cost: float | None
    object_storage_cost: float | None
    shared_cost: float | None
    idle_cost: float | None
    total_cost: float | None
    waste_cost: float | None
    energy_cost: float | None


class QuotaFinding(BaseModel):
    cluster_type: str
    namespace: str
    resourcequota: str
    resource: str
    status: str
    hard: float | None
    used_max: float | None
    used_ratio_max: float | None
    recommended_hard: float | None
    recommended_hard_quantity: str | None
    command: str | None


class QuotaFit(BaseModel):
    exceeded: int
    almost_full: int
    oversized: int
    fit: int
    items: list[QuotaFinding] = Field(
        description="up to 20 quotas that are not `fit`: exceeded, almost_full, then oversized"
    )


class LifecycleFinding(BaseModel):
    cluster_type: str
    namespace: str
    lifecycle_status: str
    ttl_expire_date: date | None
    ttl_raw: str | None
    is_dormant: bool
    held_cost_per_month: float | None
    currency: str | None
    delete_after_date: date | None
    action: str | None
    command: str | None


class Lifecycle(BaseModel):
    expired: int
    expiring: int
    invalid_ttl: int
    dormant: int
    items: list[LifecycleFinding] = Field(description="up to 20, expired first")


class Bucket(BaseModel):
    bucket: str
    bytes: float | None = Field(description="on the window's last date with a snapshot")
    objects: float | None
    quota_bytes: float | None
    gib_hours: float | None
    cost: float | None
    currency: str | None
    inactive_reason: str | None = Field(description="gov_bucket_lifecycle: the owner is inactive")
    suggestion: str | None


class ObjectStorage(BaseModel):
    buckets: int
    bytes: float | None
    cost: float | None
    inactive_buckets: int
    items: list[Bucket] = Field(description="up to 20, largest first")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


class TenantSummary(BaseModel):
    owner: str
    window: Window
    totals: TenantTotals
    cost: TenantCost
    quota_fit: QuotaFit
    lifecycle: Lifecycle
    object_storage: ObjectStorage
    namespaces: Page[TenantNamespace]
    top_recommendations: list[Recommendation] = Field(
        description="up to 10 open recommendations, largest monthly saving first"
    )


class EstimateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    cluster_type: str = Field("*", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_*.-]+$")
    replicas: int = Field(1, ge=1, le=100_000)
    cpu_request_cores: float = Field(ge=0, le=10_000)
    mem_request_gb: float = Field(0, ge=0, le=1_000_000)
    pv_request_gb: float = Field(0, ge=0, le=10_000_000)
    cpu_utilisation: float | None = Field(
        None, ge=0, le=100, description="expected mean CPU usage as a fraction of the request"
    )
    cpu_history_cores: list[float] | None = Field(
        None, min_length=1, max_length=100_000, description="CPU usage samples in cores (mean used)"
    )
    hours: float | None = Field(
        None, gt=0, le=744, description="hours per month it runs (default var hours_per_month)"
    )

    @model_validator(mode="after")
    def _one_usage(self) -> EstimateRequest:
        if (self.cpu_utilisation is None) == (self.cpu_history_cores is None):
            raise ValueError("give exactly one of cpu_utilisation and cpu_history_cores")
        if self.cpu_history_cores is not None and any(
            not 0 <= v <= 100_000 for v in self.cpu_history_cores
        ):
            raise ValueError("cpu_history_cores: every sample must be between 0 and 100000 cores")
        return self


class EstimateInputs(BaseModel):
    cluster_type: str
    replicas: int
    cpu_request_cores: float
    mem_request_gb: float
    pv_request_gb: float
    cpu_usage_cores: float
    hours: float
    cpu_core_hour_price: float
    mem_gb_hour_price: float
    pv_gb_hour_price: float
    idle_watts_per_core: float
    dynamic_watts_per_core: float
    power_model_source: str
    pue: float
    electricity_rate: float
    carbon_intensity: float
    carbon_price: float


class Estimate(BaseModel):
    currency: str | None
    monthly_cost: float
    it_kwh: float
    facility_kwh: float
    electricity_cost: float
    carbon_kg: float
    carbon_cost: float
    inputs: EstimateInputs
