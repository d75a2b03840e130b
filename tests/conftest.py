"""Test-run reporting for every suite: versions first, Neo4j and browser counts last."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

_outcomes: dict[str, Counter[str]] = {"neo4j": Counter(), "browser": Counter()}

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def real_data() -> Path:
    """``shared/data/real`` beside the repository or beside a folder holding it (a git
    worktree under ``wt/``); CI mounts a read-only copy there."""
    for above in REPO.parents:
        folder = above / "shared" / "data" / "real"
        if (folder / "susy_initiatives.csv").is_file():
            return folder
    pytest.fail(
        f"real data files not found above {REPO}: the tests need ../shared/data/real "
        "(susy_initiatives.csv, uk_worker_coops_2023-06-23.csv, cordis_h2020_societal/)"
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    import networkx
    import pandas

    lines = [f"maillage: networkx {networkx.__version__}, pandas {pandas.__version__}"]
    uri = os.environ.get("NEO4J_URI")
    lines.append(f"neo4j: {uri}" if uri else "neo4j: NEO4J_URI not set (Neo4j tests will fail)")
    return lines


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    for marker, counts in _outcomes.items():
        if marker in report.keywords:
            counts[report.outcome] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for marker, counts in _outcomes.items():
        if counts:
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            terminalreporter.write_line(f"{marker} tests: {summary}")
