"""Issue an API token: `python -m kube_finops.api.tokens --role tenant --owner alice`.

The token is printed once, as the last line of output; the file keeps only its salted hash.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kube_finops.api.auth import ROLES, TokenFileError, issue_token
from kube_finops.api.config import DEFAULT_TOKENS_PATH

LOG = logging.getLogger("kube_finops.api.tokens")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kube_finops.api.tokens", description=__doc__)
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--owner", default=None, help="the owner a tenant token is bound to")
    parser.add_argument(
        "--tokens",
        type=Path,
        default=Path(os.environ.get("FINOPS_API_TOKENS") or DEFAULT_TOKENS_PATH),
        help=f"hashed token file (env FINOPS_API_TOKENS, default {DEFAULT_TOKENS_PATH})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        token = issue_token(args.tokens, args.role, args.owner or None)
    except TokenFileError as exc:
        LOG.error("%s", exc)
        return 2
    bound = f" for owner {args.owner}" if args.owner else ""
    LOG.info("new %s token%s stored hashed in %s; shown once below", args.role, bound, args.tokens)
    sys.stderr.flush()
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
