"""The store side: parameterized queries (SQL, Cypher) and the two store adapters."""
