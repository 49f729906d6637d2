"""Run configuration from CLI flags with environment-variable fallbacks (flags win)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from kube_finops.extract.errors import ConfigError
from kube_finops.extract.inventory_queries import (
    DEFAULT_NAMESPACE_ANNOTATION_KEYS,
    DEFAULT_NAMESPACE_LABEL_KEYS,
)

HOUR = timedelta(hours=1)
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter."""

    max_retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0


@dataclass(frozen=True)
class PrometheusAuth:
    """How to authenticate and verify TLS; never logged (see `redact_url`)."""

    bearer_token: str | None = None
    username: str | None = None
    password: str | None = None
    ca_bundle: str | None = None
    insecure_skip_verify: bool = False

    def __repr__(self) -> str:  # keep secrets out of any accidental log line
        return (
            f"PrometheusAuth(bearer_token={'***' if self.bearer_token else None}, "
            f"username={'***' if self.username else None}, ca_bundle={self.ca_bundle!r}, "
            f"insecure_skip_verify={self.insecure_skip_verify})"
        )


@dataclass(frozen=True)
class S3Target:
    """Where hour files are uploaded: s3://bucket/prefix/raw/dt=.../hour=.../file.

    Credentials come from the standard AWS variables of the run's environment; when they are not
    set, boto3's default chain (profiles, instance roles) applies."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ExtractConfig:
    """Everything one run needs."""

    prometheus_url: str
    start: datetime
    end: datetime
    lake_dir: Path
    auth: PrometheusAuth
    timeout: float
    retry: RetryPolicy
    cluster_label: str = "cluster"
    namespace_include: str | None = None
    namespace_exclude: str | None = None
    max_series_per_query: int = 5000
    s3: S3Target | None = None
    force: bool = False
    check: bool = False
    quiet: bool = False
    # Kubernetes keys the coverage report expects on kube_namespace_labels / _annotations.
    namespace_label_keys: tuple[str, ...] = DEFAULT_NAMESPACE_LABEL_KEYS
    namespace_annotation_keys: tuple[str, ...] = DEFAULT_NAMESPACE_ANNOTATION_KEYS

    def hours(self) -> list[datetime]:
        count = int((self.end - self.start) / HOUR)
        return [self.start + i * HOUR for i in range(count)]


def redact_url(url: str) -> str:
    """The URL without user info, query string or fragment (safe for logs and manifests)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def parse_hour(value: str, name: str) -> datetime:
    """`2026-07-01T00` (UTC; also `...T00:00`, `...T00:00:00Z`, `+00:00`) on a whole hour."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}", text):
        text += ":00"
    try:
        if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{2}", text):
            raise ValueError(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{name}: {value!r} is not a UTC hour like 2026-07-01T00") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if parsed.minute or parsed.second or parsed.microsecond:
        raise ConfigError(f"{name}: {value!r} is not on a whole hour")
    return parsed


def last_complete_hour(now: datetime) -> datetime:
    """Start of the last UTC hour that has fully passed."""
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - HOUR


def resolve_window(start: str | None, end: str | None, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) in whole UTC hours; defaults: the last complete hour."""
    end_dt = parse_hour(end, "--end") if end else last_complete_hour(now) + HOUR
    start_dt = parse_hour(start, "--start") if start else end_dt - HOUR
    if start_dt >= end_dt:
        raise ConfigError(
            f"--start {start_dt:%Y-%m-%dT%H} must be before --end {end_dt:%Y-%m-%dT%H}"
        )
    if end_dt > last_complete_hour(now) + HOUR:
        raise ConfigError(f"--end {end_dt:%Y-%m-%dT%H} is in the future or the current hour")
    return start_dt, end_dt


def env_bool(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}: {value!r} is not a boolean (true/false)")


def env_number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a number") from None


def check_regex(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{name}: invalid regular expression {value!r} ({exc})") from None
    if '"' in value or "\n" in value:
        raise ConfigError(f"{name}: double quotes and newlines are not allowed in {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kube_finops.extract",
        description="Extract per-container metrics from Prometheus into hourly Parquet.",
    )
    add = parser.add_argument
    add("--prometheus-url", help="Prometheus/Thanos base URL (env PROMETHEUS_URL)")
    add("--start", help="first UTC hour, e.g. 2026-07-01T00 (default: the last complete hour)")
    add("--end", help="end UTC hour, exclusive (default: the end of the last complete hour)")
    add("--lake", type=Path, help="lake directory holding raw/ (env LAKE_DIR, default data/lake)")
    add(
        "--bearer-token-file", help="file holding a bearer token (env PROMETHEUS_BEARER_TOKEN_FILE)"
    )
    add("--ca-bundle", help="CA bundle for TLS verification (env PROMETHEUS_CA_BUNDLE)")
    add("--insecure-skip-verify", action="store_true", default=None, help="skip TLS verification")
    add("--timeout", type=float, help="seconds per HTTP request (env PROMETHEUS_TIMEOUT, 60)")
    add("--max-retries", type=int, help="retries per request (env EXTRACT_MAX_RETRIES, 4)")
    add("--retry-base-delay", type=float, help="first backoff in seconds (default 1)")
    add("--cluster-label", help="label naming the cluster (env PROMETHEUS_CLUSTER_LABEL, cluster)")
    add("--namespace-include", help="regex of namespaces to keep (env EXTRACT_NAMESPACE_INCLUDE)")
    add("--namespace-exclude", help="regex of namespaces to drop (env EXTRACT_NAMESPACE_EXCLUDE)")
    add("--max-series-per-query", type=int, help="split by namespace above this (default 5000)")
    add(
        "--namespace-label-keys",
        help="comma-separated namespace label keys the coverage report expects "
        "(env EXTRACT_NAMESPACE_LABEL_KEYS, default the governance.io owner/tier/sync-status)",
    )
    add(
        "--namespace-annotation-keys",
        help="comma-separated namespace annotation keys the coverage report expects "
        "(env EXTRACT_NAMESPACE_ANNOTATION_KEYS, default governance.io TTL and purpose)",
    )
    add("--force", action="store_true", help="re-extract hours that already exist")
    add("--check", action="store_true", help="only report metric coverage, write nothing")
    add("-q", "--quiet", action="store_true", help="no progress bar, warnings and errors only")
    add("-v", "--verbose", action="store_true", help="debug logging")
    return parser


def _pick(flag: object, env: Mapping[str, str], name: str) -> str | None:
    if flag is not None:
        return str(flag)
    value = env.get(name, "").strip()
    return value or None


def _read_token(env: Mapping[str, str], token_file: str | None) -> str | None:
    token = env.get("PROMETHEUS_BEARER_TOKEN", "").strip() or None
    if token_file:
        try:
            token = Path(token_file).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"--bearer-token-file: cannot read {token_file} ({exc})") from None
    return token


def _retry(args: argparse.Namespace, env: Mapping[str, str]) -> RetryPolicy:
    max_retries = (
        args.max_retries
        if args.max_retries is not None
        else int(env_number(env, "EXTRACT_MAX_RETRIES", 4))
    )
    base = (
        args.retry_base_delay
        if args.retry_base_delay is not None
        else env_number(env, "EXTRACT_RETRY_BASE_DELAY", 1.0)
    )
    if not 0 <= max_retries <= 20:
        raise ConfigError(f"--max-retries: {max_retries} is outside 0..20")
    if base < 0:
        raise ConfigError(f"--retry-base-delay: {base} must be >= 0")
    return RetryPolicy(max_retries=max_retries, base_delay=base)


def _s3(env: Mapping[str, str]) -> S3Target | None:
    bucket = env.get("S3_BUCKET", "").strip()
    if not bucket:
        return None
    endpoint = env.get("S3_ENDPOINT_URL", "").strip() or None
    return S3Target(
        bucket=bucket,
        prefix=env.get("S3_PREFIX", "").strip("/ "),
        endpoint_url=endpoint,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
        access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
        secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
        session_token=env.get("AWS_SESSION_TOKEN") or None,
    )


def _keys(value: str | None, default: tuple[str, ...], name: str) -> tuple[str, ...]:
    if value is None:
        return default
    keys = tuple(k.strip() for k in value.split(",") if k.strip())
    for key in keys:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", key):
            raise ConfigError(f"{name}: {key!r} is not a Kubernetes label or annotation key")
    return keys


def config_from_args(
    argv: Sequence[str] | None, env: Mapping[str, str], now: datetime
) -> tuple[ExtractConfig, bool]:
    """Parse flags (argparse exits 2 on syntax errors); returns the config and `verbose`."""
    args = build_parser().parse_args(argv)
    url = _pick(args.prometheus_url, env, "PROMETHEUS_URL")
    if not url:
        raise ConfigError("--prometheus-url (or env PROMETHEUS_URL) is required")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise ConfigError(f"--prometheus-url: {redact_url(url)!r} is not an http(s) URL")
    start, end = resolve_window(args.start, args.end, now)
    timeout = (
        args.timeout if args.timeout is not None else env_number(env, "PROMETHEUS_TIMEOUT", 60)
    )
    if timeout <= 0:
        raise ConfigError(f"--timeout: {timeout} must be > 0")
    insecure = (
        args.insecure_skip_verify
        if args.insecure_skip_verify is not None
        else env_bool(env, "PROMETHEUS_INSECURE_SKIP_VERIFY")
    )
    auth = PrometheusAuth(
        bearer_token=_read_token(
            env, _pick(args.bearer_token_file, env, "PROMETHEUS_BEARER_TOKEN_FILE")
        ),
        username=env.get("PROMETHEUS_USERNAME") or None,
        password=env.get("PROMETHEUS_PASSWORD") or None,
        ca_bundle=_pick(args.ca_bundle, env, "PROMETHEUS_CA_BUNDLE"),
        insecure_skip_verify=insecure,
    )
    if auth.ca_bundle and not Path(auth.ca_bundle).is_file():
        raise ConfigError(f"--ca-bundle: {auth.ca_bundle} is not a file")
    max_series = args.max_series_per_query or int(
        env_number(env, "EXTRACT_MAX_SERIES_PER_QUERY", 5000)
    )
    if max_series < 1:
        raise ConfigError(f"--max-series-per-query: {max_series} must be >= 1")
    cluster_label = _pick(args.cluster_label, env, "PROMETHEUS_CLUSTER_LABEL") or "cluster"
    if not re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", cluster_label):
        raise ConfigError(f"--cluster-label: {cluster_label!r} is not a Prometheus label name")
    config = ExtractConfig(
        prometheus_url=url.rstrip("/"),
        start=start,
        end=end,
        lake_dir=args.lake or Path(env.get("LAKE_DIR", "").strip() or "data/lake"),
        auth=auth,
        timeout=timeout,
        retry=_retry(args, env),
        cluster_label=cluster_label,
        namespace_include=check_regex(
            _pick(args.namespace_include, env, "EXTRACT_NAMESPACE_INCLUDE"), "--namespace-include"
        ),
        namespace_exclude=check_regex(
            _pick(args.namespace_exclude, env, "EXTRACT_NAMESPACE_EXCLUDE"), "--namespace-exclude"
        ),
        max_series_per_query=max_series,
        s3=_s3(env),
        force=args.force,
        check=args.check,
        quiet=args.quiet,
        namespace_label_keys=_keys(
            _pick(args.namespace_label_keys, env, "EXTRACT_NAMESPACE_LABEL_KEYS"),
            DEFAULT_NAMESPACE_LABEL_KEYS,
            "--namespace-label-keys",
        ),
        namespace_annotation_keys=_keys(
            _pick(args.namespace_annotation_keys, env, "EXTRACT_NAMESPACE_ANNOTATION_KEYS"),
            DEFAULT_NAMESPACE_ANNOTATION_KEYS,
            "--namespace-annotation-keys",
        ),
    )
    return config, args.verbose
