"""Command line: `python -m kube_finops.extract --start 2026-07-01T00 --end 2026-07-01T02 ...`.

Exit codes: 0 all hours written/skipped (or, with --check, every required metric present);
1 at least one hour failed or could not be uploaded (or a required metric is absent);
2 bad arguments or environment.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from kube_finops.extract.config import config_from_args, redact_url
from kube_finops.extract.coverage import absent_required, render_table, warn_absent
from kube_finops.extract.errors import ConfigError, ExtractError
from kube_finops.extract.inventory import render_check
from kube_finops.extract.report import EXIT_FAILED, EXIT_OK, exit_code, render_summary
from kube_finops.extract.runner import Extractor

log = logging.getLogger("kube_finops.extract")
EXIT_USAGE = 2


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the current sys.stderr (which tests and wrappers may swap)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _setup_logging(quiet: bool, verbose: bool) -> None:
    """Configure the kube_finops logger only (the caller's root logging is left alone)."""
    level = logging.DEBUG if verbose else (logging.WARNING if quiet else logging.INFO)
    logger = logging.getLogger("kube_finops")
    logger.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> int:
    environ = os.environ if env is None else env
    try:
        config, verbose = config_from_args(argv, environ, now or datetime.now(UTC))
    except ConfigError as exc:
        _setup_logging(False, False)
        log.error("%s", exc)
        return EXIT_USAGE
    _setup_logging(config.quiet, verbose)
    extractor = Extractor(config)
    window = f"{config.start:%Y-%m-%dT%H}..{config.end:%Y-%m-%dT%H}"
    source = redact_url(config.prometheus_url)
    if config.check:
        try:
            table = extractor.check()
            inventory = extractor.check_inventory()
        except ExtractError as exc:
            log.error("coverage check of %s failed: %s", source, exc)
            return EXIT_FAILED
        sys.stdout.write(f"metric coverage {window} (UTC, end exclusive) at {source}\n")
        sys.stdout.write(render_table(table))
        sys.stdout.write(f"\ninventory coverage {window}\n{render_check(inventory)}")
        warn_absent(window, table)
        return EXIT_FAILED if absent_required(table) else EXIT_OK
    log.info("extracting %s from %s into %s", window, source, config.lake_dir / "raw")
    outcomes = extractor.run()
    sys.stdout.write(render_summary(outcomes))
    code = exit_code(outcomes)
    if code != EXIT_OK:
        log.error("some hours were not extracted or uploaded: exit %d", code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
