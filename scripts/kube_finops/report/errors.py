"""The one error type the report commands print as a single line (exit code 2)."""

from __future__ import annotations


class ReportError(Exception):
    """A user-facing problem: missing tables, a window mismatch, a failed upload."""
