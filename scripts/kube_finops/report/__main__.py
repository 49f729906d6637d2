"""Entry point: python -m kube_finops.report."""

from kube_finops.report.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
