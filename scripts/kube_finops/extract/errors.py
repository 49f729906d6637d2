"""Exceptions of the extractor; each carries a one-line, credential-free message."""

from __future__ import annotations


class ExtractError(RuntimeError):
    """Base class: an hour (or the whole run) cannot be completed."""


class ConfigError(ExtractError):
    """A flag or environment variable is invalid (names the argument)."""


class PrometheusError(ExtractError):
    """Prometheus could not answer a query after the bounded retries."""


class QueryTooLargeError(PrometheusError):
    """Prometheus refused a query as too large ("too many samples", resolution limits)."""


class UploadError(ExtractError):
    """An S3 upload failed; the local file is kept."""
