"""`python -m kube_finops.bench`."""

from kube_finops.bench.cli import main

raise SystemExit(main())
