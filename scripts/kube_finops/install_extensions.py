"""Install DuckDB's httpfs extension from its PyPI wheel into a local extension directory.

DuckDB cannot download extensions on this network; the wheel `duckdb-extension-httpfs` ships the
binary. The dbt profile points `extension_directory` at the same folder, so `LOAD httpfs` works
offline (needed for `raw_path: s3://...`).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.resources
import logging
from pathlib import Path

import duckdb

log = logging.getLogger("kube_finops.install_extensions")


def install(extension_dir: Path, names: list[str]) -> None:
    """Install each named extension from its `duckdb_extension_<name>` wheel into extension_dir."""
    con = duckdb.connect(config={"extension_directory": str(extension_dir)})
    try:
        version = con.execute("pragma version").fetchone()[0]
        for name in names:
            module = importlib.import_module(f"duckdb_extension_{name}")
            binary = (
                Path(str(importlib.resources.files(module)))
                / "extensions"
                / version
                / f"{name}.duckdb_extension"
            )
            if not binary.is_file():
                raise SystemExit(
                    f"error: {binary} not found: "
                    f"pin duckdb to the version of duckdb-extension-{name}"
                )
            con.execute(f"force install '{binary}'")
            con.execute(f"load {name}")
            log.info("installed DuckDB extension %s %s into %s", name, version, extension_dir)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="DuckDB extension directory")
    parser.add_argument("--name", action="append", default=None, help="extension (default httpfs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.dir.mkdir(parents=True, exist_ok=True)
    install(args.dir, args.name or ["httpfs"])


if __name__ == "__main__":
    main()
