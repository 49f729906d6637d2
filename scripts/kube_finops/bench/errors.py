"""The one error type of the benchmark harness: a one-line message, exit code 2 (bad input) or 1."""

from __future__ import annotations


class BenchError(RuntimeError):
    """A benchmark cannot run or a timed command failed; the message is the one-line reason."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
