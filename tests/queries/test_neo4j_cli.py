"""The same commands on Neo4j and on the embedded store print the same answers."""

from __future__ import annotations

import io
import os

import pandas as pd
import pytest
from typer.testing import CliRunner

from maillage.cli import cli
from maillage.demo.synthetic import generate, write_workbook

pytestmark = pytest.mark.neo4j


@pytest.fixture
def both_stores(neo4j_store, tmp_path, monkeypatch):
    """A demo workbook loaded through the CLI into a fresh embedded store and into Neo4j."""
    monkeypatch.setenv("MAILLAGE_CACHE", str(tmp_path / "cache"))
    folder = write_workbook(*generate(seed=2026, scale=0.05), tmp_path / "demo")
    embedded = ["--db", str(tmp_path / "demo.db")]
    neo4j = ["--neo4j", os.environ["NEO4J_URI"]]
    for store in (embedded, neo4j):
        result = CliRunner().invoke(cli, [*store, "load", str(folder)])
        assert result.exit_code == 0, result.output
    return embedded, neo4j


def csv_of(store: list[str], *command: str) -> pd.DataFrame:
    result = CliRunner().invoke(cli, [*store, "--format", "csv", *command])
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)


@pytest.mark.parametrize("audience", ["public", "private"])
def test_metrics_are_the_same_on_both_stores(both_stores, audience):
    embedded, neo4j = both_stores
    command = ("metrics", "--exact", "--audience", audience)
    ours, theirs = csv_of(embedded, *command), csv_of(neo4j, *command)
    assert len(ours) > 500
    pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=0, atol=1e-9)


def output_of(store: list[str], *command: str) -> str:
    result = CliRunner().invoke(cli, [*store, "--format", "json", *command])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_paths_opportunities_gaps_and_changes_are_the_same_on_both_stores(both_stores):
    embedded, neo4j = both_stores
    for command in (
        ("path", "chantier-es", "ripess"),
        ("opportunities", "--for", "chantier-es"),
        ("ego", "tiess", "--hops", "2"),
        ("gaps",),
        ("diff", "--from", "2010", "--to", "2020"),
        ("info",),
    ):
        ours, theirs = output_of(embedded, *command), output_of(neo4j, *command)
        if command[0] == "info":  # the same counts; the backend and its version differ
            ours, theirs = (text.split('"organizations":')[1] for text in (ours, theirs))
        assert ours == theirs, command


def test_network_commands_are_the_same_on_both_stores(both_stores):
    embedded, neo4j = both_stores
    for command in (
        ("health", "--as-of", "2024-12-31", "--since", "2020-12-31"),
        ("memberships",),
        ("overlap", "--top", "50"),
        ("comembership", "--for", "chantier-es"),
        ("recruitment", "chantier-es"),
    ):
        assert output_of(embedded, *command) == output_of(neo4j, *command), command
