"""The ``maillage`` command line: a thin shell over the services, one module per kind of work."""

from __future__ import annotations

from typing import Any

from maillage.cli import analytics, data, network, serve, sources
from maillage.cli.shell import cli

__all__ = ["analytics", "cli", "data", "main", "network", "serve", "sources"]


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``maillage`` script."""
    return cli(args=argv, prog_name="maillage")
