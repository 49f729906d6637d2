"""Prometheus HTTP API client with bounded retries (exponential backoff, full jitter).

Retried: connection errors, timeouts, broken responses, HTTP 429 and 5xx. Not retried: other
4xx (a bad query or bad credentials will not heal). "Too many samples" and resolution errors
raise `QueryTooLargeError` so the caller can split the query by namespace.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from kube_finops.extract.config import PrometheusAuth, RetryPolicy, redact_url
from kube_finops.extract.errors import PrometheusError, QueryTooLargeError

log = logging.getLogger("kube_finops.extract.client")

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
TOO_LARGE_MARKERS = (
    "too many samples",
    "exceeded maximum resolution",
    "maximum number of series",
    "query processing would load too many",
    "resource exhausted",
)
TRANSIENT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

Series = dict[str, Any]  # {"metric": {...labels}, "values": [[ts, "v"], ...]} or "value"


@dataclass
class ClientStats:
    """What the client did (for the manifest)."""

    requests: int = 0
    retries: int = 0
    queries: int = 0


class PrometheusClient:
    """query / query_range against one Prometheus (or Thanos Query) base URL."""

    def __init__(
        self,
        base_url: str,
        auth: PrometheusAuth,
        timeout: float,
        retry: RetryPolicy,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.safe_url = redact_url(base_url)
        self.timeout = timeout
        self.retry = retry
        self.rng = rng or random.Random()
        self.stats = ClientStats()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "kube-finops-extract/0.1"
        if auth.bearer_token:
            self.session.headers["Authorization"] = f"Bearer {auth.bearer_token}"
        elif auth.username is not None:
            self.session.auth = (auth.username, auth.password or "")
        self.session.verify = False if auth.insecure_skip_verify else (auth.ca_bundle or True)

    def close(self) -> None:
        self.session.close()

    def query_range(
        self, promql: str, start: datetime, end: datetime, step_seconds: int = 60
    ) -> list[Series]:
        """Matrix result of a range query (start and end inclusive)."""
        data = self._call(
            "query_range",
            {
                "query": promql,
                "start": f"{start.timestamp():.3f}",
                "end": f"{end.timestamp():.3f}",
                "step": str(step_seconds),
            },
        )
        return self._result(data, "matrix")

    def query(self, promql: str, at: datetime) -> list[Series]:
        """Vector result of an instant query."""
        data = self._call("query", {"query": promql, "time": f"{at.timestamp():.3f}"})
        return self._result(data, "vector")

    def _result(self, data: dict[str, Any], expected: str) -> list[Series]:
        if data.get("resultType") != expected:
            raise PrometheusError(
                f"{self.safe_url}: expected a {expected} result, got {data.get('resultType')!r}"
            )
        result = data.get("result")
        if not isinstance(result, list):
            raise PrometheusError(f"{self.safe_url}: malformed response (no result list)")
        return result

    def _call(self, endpoint: str, form: dict[str, str]) -> dict[str, Any]:
        url = f"{self.base_url}/api/v1/{endpoint}"
        self.stats.queries += 1
        attempts = self.retry.max_retries + 1
        for attempt in range(attempts):
            self.stats.requests += 1
            try:
                response = self.session.post(url, data=form, timeout=self.timeout)
            except TRANSIENT_ERRORS as exc:
                reason = f"{type(exc).__name__}"
            else:
                if response.status_code == 200:
                    return self._payload(response)
                self._raise_if_final(response)
                reason = f"HTTP {response.status_code}"
            if attempt + 1 == attempts:
                raise PrometheusError(
                    f"{self.safe_url}/api/v1/{endpoint}: {reason} after {attempts} attempt(s)"
                )
            delay = self.rng.uniform(
                0, min(self.retry.max_delay, self.retry.base_delay * 2**attempt)
            )
            self.stats.retries += 1
            log.warning(
                "%s/api/v1/%s: %s, retry %d/%d in %.2f s",
                self.safe_url,
                endpoint,
                reason,
                attempt + 1,
                self.retry.max_retries,
                delay,
            )
            time.sleep(delay)
        raise AssertionError("unreachable: the retry loop always returns or raises")

    def _payload(self, response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise PrometheusError(f"{self.safe_url}: response is not JSON") from None
        if body.get("status") != "success" or not isinstance(body.get("data"), dict):
            raise PrometheusError(f"{self.safe_url}: {body.get('error', 'query failed')}")
        return body["data"]

    def _raise_if_final(self, response: requests.Response) -> None:
        """Raise for answers that retrying cannot fix; return for retryable ones."""
        message = _error_text(response)
        if any(marker in message.lower() for marker in TOO_LARGE_MARKERS):
            raise QueryTooLargeError(f"{self.safe_url}: {message}")
        if response.status_code in RETRY_STATUS:
            return
        raise PrometheusError(f"{self.safe_url}: HTTP {response.status_code}: {message}")


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason or ""
    if isinstance(body, dict):
        return str(body.get("error") or body.get("errorType") or "")[:500]
    return ""
