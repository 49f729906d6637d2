"""`python -m kube_finops.extract`."""

from kube_finops.extract.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
