"""The real Neo4j server for the store tests: connection from the environment, clean per test.

``make test`` (tools/run-tests) starts a local server with tools/neo4j/neo4j.sh and exports
NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD; any other Neo4j works the same way. Without them,
every Neo4j test fails (never skips): a green run must mean the Neo4j store was tested.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import neo4j
import pytest

from maillage.queries.neo4j_store import Neo4jStore

_SERVER_VERSION = pytest.StashKey[str]()
_NOTES = pytest.StashKey[list[str]]()

_NOT_CONFIGURED = (
    "NEO4J_URI is not set, so the Neo4j tests cannot run. Run them with `make test`, "
    'or start the local server and export its settings: tools/neo4j/neo4j.sh start && eval "$('
    'tools/neo4j/neo4j.sh env)" (any Neo4j works: set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, '
    "NEO4J_DATABASE). Tests that need no server: pytest -m 'not neo4j'."
)

# Test-only statements: they empty the whole database, which the store never does.
_DELETE_EVERYTHING = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
_OTHER_TRANSACTIONS = (
    "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
    "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN count(*) AS n"
)


@pytest.fixture(scope="session")
def neo4j_driver(request: pytest.FixtureRequest) -> Iterator[neo4j.Driver]:
    """A driver to the test server, for cleaning and for checks behind the store's back."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.fail(_NOT_CONFIGURED, pytrace=False)
    driver = neo4j.GraphDatabase.driver(
        uri,
        auth=(os.environ.get("NEO4J_USER") or "neo4j", os.environ.get("NEO4J_PASSWORD", "")),
        notifications_min_severity="OFF",
    )
    try:
        driver.verify_connectivity()
    except Exception as error:
        driver.close()
        pytest.fail(
            f"cannot reach Neo4j at {uri} ({error}); is it running? {_NOT_CONFIGURED}",
            pytrace=False,
        )
    with Neo4jStore.from_env() as store:
        request.config.stash[_SERVER_VERSION] = f"{store.server_version()} at {uri}"
    yield driver
    driver.close()


@pytest.fixture
def neo4j_database(neo4j_driver: neo4j.Driver) -> str | None:
    return os.environ.get("NEO4J_DATABASE") or None


@pytest.fixture
def neo4j_store(neo4j_driver: neo4j.Driver, neo4j_database: str | None) -> Iterator[Neo4jStore]:
    """A Neo4jStore on an empty database (constraints kept), closed after the test."""
    wait_for_other_transactions(neo4j_driver, neo4j_database)
    with neo4j_driver.session(database=neo4j_database) as session:
        session.run(_DELETE_EVERYTHING).consume()
    store = Neo4jStore.from_env()
    yield store
    store.close()


@pytest.fixture
def neo4j_quiet(neo4j_driver: neo4j.Driver, neo4j_database: str | None) -> Callable[[], None]:
    """Call it to wait until no other transaction runs on the server."""
    return lambda: wait_for_other_transactions(neo4j_driver, neo4j_database)


def wait_for_other_transactions(
    driver: neo4j.Driver, database: str | None, *, timeout: float = 120.0
) -> None:
    """Wait until no other transaction runs (a killed client's one is rolled back late)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        records, _, _ = driver.execute_query(_OTHER_TRANSACTIONS, database_=database)
        if records[0]["n"] == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("another transaction is still running on the test server")
        time.sleep(0.2)


@pytest.fixture
def neo4j_report(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Call it with a line (a timing, a rate) to show at the end of the test run."""
    return lambda line: request.config.stash.setdefault(_NOTES, []).append(line)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    version = terminalreporter.config.stash.get(_SERVER_VERSION, None)
    if version:
        terminalreporter.write_line(f"neo4j server: {version}")
    for line in terminalreporter.config.stash.get(_NOTES, []):
        terminalreporter.write_line(f"neo4j: {line}")
