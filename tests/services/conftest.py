"""The services' tests use the real Neo4j server as the store tests do."""

from tests.queries.conftest import (  # noqa: F401  (fixtures, found by pytest by name)
    neo4j_database,
    neo4j_driver,
    neo4j_store,
)
