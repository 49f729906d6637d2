"""Serve the API: `python -m kube_finops.api [--host H] [--port P] [--workers N]`.

uvicorn's access log prints the client, method, path and status only (never headers, so never a
bearer token); tokens are only accepted in the Authorization header.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import uvicorn

from kube_finops.api.config import Settings

LOG = logging.getLogger("kube_finops.api")


def main(argv: list[str] | None = None) -> int:
    env = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m kube_finops.api", description=__doc__)
    parser.add_argument("--host", default=env.host, help="env FINOPS_API_HOST (127.0.0.1)")
    parser.add_argument("--port", type=int, default=env.port, help="env FINOPS_API_PORT (8080)")
    parser.add_argument(
        "--publish-path", type=Path, default=env.publish_path, help="env FINOPS_PUBLISH_PATH"
    )
    parser.add_argument(
        "--tokens", type=Path, default=env.tokens_path, help="env FINOPS_API_TOKENS"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("FINOPS_API_WORKERS") or os.cpu_count() or 1),
        help="uvicorn worker processes (env FINOPS_API_WORKERS; default: the CPU count)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # the factory reads the environment in every worker process
    os.environ["FINOPS_PUBLISH_PATH"] = str(args.publish_path)
    os.environ["FINOPS_API_TOKENS"] = str(args.tokens)
    if not args.publish_path.is_file():
        LOG.warning(
            "%s does not exist yet: data endpoints answer 503 until make publish", args.publish_path
        )
    if not args.tokens.is_file():
        LOG.warning(
            "%s does not exist: every request answers 401 (make token ROLE=admin)", args.tokens
        )
    uvicorn.run(
        "kube_finops.api.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
