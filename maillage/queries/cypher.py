"""The Neo4j store's Cypher, as named statements: values are always parameters.

Labels and relationship types cannot be parameters in Cypher, so the statements that need
them are built once, at import, from the fixed vocabulary (``ORGANIZATION_LABELS``,
``TIE_RELATIONSHIPS``), never from anything a user typed; each name is checked to be a
plain identifier first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Final, LiteralString

from maillage.ground.dates import ACTIVE_CONDITION
from maillage.ground.vocabulary import (
    ORGANIZATION_COLUMNS,
    ORGANIZATION_LABELS,
    TIE_COLUMNS,
    TIE_RELATIONSHIPS,
)

#: The label every organization carries (beside the label of its type).
ORGANIZATION: Final = "Organization"
#: The label of the one node holding the store's own facts (data version).
META: Final = "MaillageMeta"
#: Prefix of the organization properties written by ``write_metrics``.
METRIC_PREFIX: Final = "maillage_"


def _identifier(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise RuntimeError(f"vocabulary name {name!r} is not a plain Cypher identifier")
    return name


_TYPE_LABELS: Final = {t: _identifier(label) for t, label in ORGANIZATION_LABELS.items()}
_RELATIONSHIPS: Final = {t: _identifier(rel) for t, rel in TIE_RELATIONSHIPS.items()}
#: Every tie relationship type, as a Cypher alternation (``MEMBER_OF|PARTNER|...``).
_ANY_TIE: Final = "|".join(_RELATIONSHIPS.values())

# Schema (each in its own transaction: Neo4j does not mix schema and data writes).
CREATE_ORGANIZATION_ID_CONSTRAINT: Final = (
    "CREATE CONSTRAINT maillage_organization_id IF NOT EXISTS "
    "FOR (o:Organization) REQUIRE o.id IS UNIQUE"
)
CREATE_META_KEY_CONSTRAINT: Final = (
    "CREATE CONSTRAINT maillage_meta_key IF NOT EXISTS FOR (m:MaillageMeta) REQUIRE m.key IS UNIQUE"
)

SERVER_VERSION: Final = """
CALL dbms.components() YIELD name, versions, edition
WITH name, versions, edition WHERE name = 'Neo4j Kernel'
RETURN name + ' ' + versions[0] + ' ' + edition AS version
"""

#: Takes the store's lock (the meta node's write lock) until the transaction ends. Writes
#: take it first; reads of several statements take it too, because a Neo4j reader can
#: otherwise see a committing write half applied. Writes nothing that changes (the key is
#: set to itself).
LOCK_STORE: Final = "MERGE (m:MaillageMeta {key: 'store'}) SET m.key = m.key"
GET_META: Final = """
MATCH (m:MaillageMeta {key: 'store'})
RETURN m.rows AS rows, m.metrics AS metrics, m.last_at AS last_at, m.data_version AS legacy
"""
#: Parameters ``rows`` (text: it may exceed a signed 64-bit integer), ``metrics``, ``last_at``.
SET_META: Final = """
MERGE (m:MaillageMeta {key: 'store'})
SET m.rows = $rows, m.metrics = $metrics, m.last_at = $last_at
REMOVE m.data_version
"""

# The ledger's own nodes: crosswalk keys, sources, decisions, each with a unique ``id``.
CREATE_KEY_CONSTRAINT: Final = (
    "CREATE CONSTRAINT maillage_key_id IF NOT EXISTS FOR (k:MaillageKey) REQUIRE k.id IS UNIQUE"
)
CREATE_KEY_ORGANIZATION_INDEX: Final = (
    "CREATE INDEX maillage_key_organization IF NOT EXISTS FOR (k:MaillageKey) ON (k.organization)"
)
CREATE_SOURCE_CONSTRAINT: Final = (
    "CREATE CONSTRAINT maillage_source_name IF NOT EXISTS "
    "FOR (s:MaillageSource) REQUIRE s.name IS UNIQUE"
)
CREATE_DECISION_CONSTRAINT: Final = (
    "CREATE CONSTRAINT maillage_decision_id IF NOT EXISTS "
    "FOR (d:MaillageDecision) REQUIRE d.id IS UNIQUE"
)

#: A crosswalk key's ``id``: its space and key joined by this character.
KEY_JOIN: Final = "\u001f"
#: Parameter ``ids``: the keys asked for; returns those found.
SELECT_KEYS: Final = """
UNWIND $ids AS id
MATCH (k:MaillageKey {id: id})
RETURN k.space AS space, k.key AS key, k.organization AS organization
"""
#: Parameters ``ids`` (organizations) and ``spaces``.
SELECT_KEYS_TO: Final = """
MATCH (k:MaillageKey)
WHERE k.organization IN $ids OR k.space IN $spaces
RETURN k.space AS space, k.key AS key, k.organization AS organization
"""
#: Parameter ``rows``: maps ``{id, space, key, organization}``.
SET_KEYS: Final = """
UNWIND $rows AS row
MERGE (k:MaillageKey {id: row.id})
SET k.space = row.space, k.key = row.key, k.organization = row.organization
"""
DELETE_KEYS: Final = """
UNWIND $ids AS id
MATCH (k:MaillageKey {id: id})
DELETE k
"""
SELECT_SOURCES: Final = """
MATCH (s:MaillageSource)
RETURN s.name AS name, s.priority AS priority, s.first_loaded AS first_loaded,
       s.last_loaded AS last_loaded, s.files AS files
ORDER BY name
"""
#: Parameter ``rows``: maps ``{name, priority, first_loaded, last_loaded, files}``.
SET_SOURCES: Final = """
UNWIND $rows AS row
MERGE (s:MaillageSource {name: row.name})
SET s += row
"""
DELETE_SOURCES: Final = """
UNWIND $names AS name
MATCH (s:MaillageSource {name: name})
DELETE s
"""
SELECT_DECISIONS: Final = """
MATCH (d:MaillageDecision)
RETURN d.kind AS kind, d.left AS left, d.right AS right, d.at AS at
ORDER BY at, kind, left, right
"""
#: Parameter ``rows``: maps ``{id, kind, left, right, at}``.
ADD_DECISIONS: Final = """
UNWIND $rows AS row
MERGE (d:MaillageDecision {id: row.id})
SET d += row
"""

#: Parameter ``ids``: organizations to delete. They have no tie left (the change removed
#: them first): a plain DELETE refuses the write otherwise, rather than drop ties unseen.
DELETE_ORGANIZATIONS: Final = """
UNWIND $ids AS id
MATCH (o:Organization {id: id})
DELETE o
"""

#: The properties a write sets on an organization beside its ``id`` (``properties_json``
#: holds the extra columns as JSON text, null when there are none); ``ledger_records`` and
#: ``ledger_digest`` are the ledger's.
ORGANIZATION_PROPERTIES: Final = (
    *(c for c in ORGANIZATION_COLUMNS if c != "id"),
    "properties_json",
    "ledger_records",
    "ledger_digest",
)
#: The properties a write sets on a tie (``since`` is also part of its identity).
TIE_PROPERTIES: Final = (
    *(c for c in TIE_COLUMNS if c not in ("source", "target", "type")),
    "properties_json",
    "ledger_records",
    "ledger_digest",
)

#: True when ``{e}`` (a node or relationship) differs from the map ``p`` in a value.
_CHANGED: Final = """
any(k IN keys(p) WHERE coalesce({e}[k] <> p[k], ({e}[k] IS NULL) <> (p[k] IS NULL)))
""".strip()


# Lookups by id carry ``USING INDEX SEEK``: right after a database is emptied and loaded
# again, the planner's statistics still say the index is nearly empty, and it planned an
# index scan per row instead of a seek (28 million rows for one ego network: 5 s, not
# 0.3 s); a plain ``USING INDEX`` hint still allowed that scan.


def _create_organizations(label: str) -> LiteralString:
    # Organizations the transaction has just seen missing: a plain CREATE (the unique
    # constraint on Organization.id still guards against a duplicate).
    return f"""
UNWIND $rows AS row
CREATE (o:Organization:{label} {{id: row.id}})
SET o += row.values
"""


def _update_organizations(label: str) -> LiteralString:
    others = ":".join(other for other in _TYPE_LABELS.values() if other != label)
    # Changing an organization's type swaps its type label; ``+=`` with null values removes
    # the properties the resolved row no longer has, and keeps the metrics written since.
    return f"""
UNWIND $rows AS row
MATCH (o:Organization {{id: row.id}}) USING INDEX SEEK o:Organization(id)
REMOVE o:{others}
SET o:{label}, o += row.values
"""


_TIE_ENDS: Final = """
MATCH (s:Organization {id: row.source}) USING INDEX SEEK s:Organization(id)
MATCH (t:Organization {id: row.target}) USING INDEX SEEK t:Organization(id)
""".strip()


def _upsert_ties(relationship: str) -> LiteralString:
    # A tie is (source, target, type, since): ``row.since_key`` is since, or '' when it is
    # missing, so two ties without a date compare equal, as in the embedded store. The
    # existing tie is found by expanding between the two ends (Neo4j walks the end with
    # fewer relationships, so hubs cost nothing), then created when missing, or set.
    return f"""
UNWIND $rows AS row
{_TIE_ENDS}
OPTIONAL MATCH (s)-[r:{relationship}]->(t) WHERE coalesce(r.since, '') = row.since_key
WITH s, t, r, row
CALL (s, t, r, row) {{
    WITH * WHERE r IS NULL
    CREATE (s)-[n:{relationship}]->(t)
    SET n = row.values
}}
CALL (r, row) {{
    WITH * WHERE r IS NOT NULL
    SET r += row.values
}}
RETURN count(*) AS written
"""


def _create_ties(relationship: str) -> LiteralString:
    # Ties with an end this write creates cannot exist yet: no lookup.
    return f"""
UNWIND $rows AS row
{_TIE_ENDS}
CREATE (s)-[r:{relationship}]->(t)
SET r = row.values
RETURN count(*) AS written
"""


def _delete_ties(relationship: str) -> LiteralString:
    return f"""
UNWIND $rows AS row
{_TIE_ENDS}
MATCH (s)-[r:{relationship}]->(t) WHERE coalesce(r.since, '') = row.since_key
DELETE r
"""


#: Per organization type; parameter ``rows``: maps ``{id, values}`` of organizations not
#: in the store yet (``values``: :data:`ORGANIZATION_PROPERTIES`).
CREATE_ORGANIZATIONS: Final[Mapping[str, LiteralString]] = {
    org_type: _create_organizations(label) for org_type, label in _TYPE_LABELS.items()
}
#: Per organization type; parameter ``rows`` as above, of organizations in the store.
UPDATE_ORGANIZATIONS: Final[Mapping[str, LiteralString]] = {
    org_type: _update_organizations(label) for org_type, label in _TYPE_LABELS.items()
}
#: Per tie type; parameter ``rows``: maps ``{source, target, since_key, values}``
#: (``values``: :data:`TIE_PROPERTIES`). Returns ``written``: rows whose ends were found.
UPSERT_TIES: Final[Mapping[str, LiteralString]] = {
    tie_type: _upsert_ties(rel) for tie_type, rel in _RELATIONSHIPS.items()
}
#: Per tie type, for ties with an end created by the same write; rows as ``UPSERT_TIES``.
CREATE_TIES: Final[Mapping[str, LiteralString]] = {
    tie_type: _create_ties(rel) for tie_type, rel in _RELATIONSHIPS.items()
}
#: Per tie type; parameter ``rows``: maps ``{source, target, since_key}``.
DELETE_TIES: Final[Mapping[str, LiteralString]] = {
    tie_type: _delete_ties(rel) for tie_type, rel in _RELATIONSHIPS.items()
}

EXISTING_IDS: Final = """
UNWIND $ids AS id
MATCH (o:Organization {id: id}) USING INDEX SEEK o:Organization(id)
RETURN DISTINCT o.id AS id
"""

#: The ledger's view of organizations: records and digest, by id (parameter ``ids``).
LEDGER_ORGANIZATIONS: Final = """
UNWIND $ids AS id
MATCH (o:Organization {id: id}) USING INDEX SEEK o:Organization(id)
RETURN o.id AS id, o.ledger_records AS records, o.ledger_digest AS digest
"""
#: The ledger's view of ties: every property, by identity (parameter ``rows``: maps
#: ``{source, target, type, since_key}``; the type as a relationship type).
LEDGER_TIES: Final[LiteralString] = f"""
UNWIND $rows AS row
{_TIE_ENDS}
MATCH (s)-[r:{_ANY_TIE}]->(t)
WHERE type(r) = row.type AND coalesce(r.since, '') = row.since_key
RETURN s.id AS source, t.id AS target, type(r) AS relationship, r.since AS since,
       r.ledger_records AS records, r.ledger_digest AS digest
"""
#: Every tie touching the organizations ``ids``, or every tie when ``ids`` is null.
LEDGER_TIES_OF: Final[LiteralString] = f"""
MATCH (s:Organization)-[r:{_ANY_TIE}]->(t:Organization)
WHERE $ids IS NULL OR s.id IN $ids OR t.id IN $ids
RETURN s.id AS source, t.id AS target, type(r) AS relationship, r.since AS since,
       r.ledger_records AS records, r.ledger_digest AS digest
"""
#: Organizations and ties whose records hold ``needle`` (the start of a source's record).
HOLDING_ORGANIZATIONS: Final = """
MATCH (o:Organization) WHERE o.ledger_records CONTAINS $needle
RETURN o.id AS id
"""
HOLDING_TIES: Final[LiteralString] = f"""
MATCH (s:Organization)-[r:{_ANY_TIE}]->(t:Organization)
WHERE r.ledger_records CONTAINS $needle
RETURN s.id AS source, t.id AS target, type(r) AS relationship, coalesce(r.since, '') AS since
"""
#: Encoded records of the organizations ``ids`` (null: all).
SELECT_RECORDS: Final = """
MATCH (o:Organization) WHERE $ids IS NULL OR o.id IN $ids
RETURN o.id AS id, o.ledger_records AS records
ORDER BY id
"""
#: Organizations a store made before the ledger left without records.
UNMIGRATED: Final = "MATCH (o:Organization) WHERE o.ledger_digest IS NULL RETURN count(*) AS n"
#: Parameter ``rows``: maps ``{id, records, digest}``.
SET_ORGANIZATION_LEDGER: Final = """
UNWIND $rows AS row
MATCH (o:Organization {id: row.id}) USING INDEX SEEK o:Organization(id)
SET o.ledger_records = row.records, o.ledger_digest = row.digest
"""
#: Parameter ``rows``: maps ``{source, target, type, since_key, records, digest}``.
SET_TIE_LEDGER: Final[LiteralString] = f"""
UNWIND $rows AS row
{_TIE_ENDS}
MATCH (s)-[r:{_ANY_TIE}]->(t)
WHERE type(r) = row.type AND coalesce(r.since, '') = row.since_key
SET r.ledger_records = row.records, r.ledger_digest = row.digest
"""
ALL_DIGESTS: Final[LiteralString] = f"""
CALL () {{ MATCH (o:Organization) RETURN sum(o.ledger_digest % 4294967296) AS low,
                                          sum(o.ledger_digest / 4294967296) AS high }}
CALL () {{ MATCH (:Organization)-[r:{_ANY_TIE}]->(:Organization)
           RETURN sum(r.ledger_digest % 4294967296) AS tie_low,
                  sum(r.ledger_digest / 4294967296) AS tie_high }}
RETURN low + tie_low AS low, high + tie_high AS high
"""

COUNT_ORGANIZATIONS_BY_TYPE: Final = """
MATCH (o:Organization)
RETURN o.type AS type, count(*) AS n
ORDER BY type
"""

COUNT_TIES_BY_RELATIONSHIP: Final[LiteralString] = f"""
MATCH (:Organization)-[r:{_ANY_TIE}]->(:Organization)
RETURN type(r) AS relationship, count(*) AS n
ORDER BY relationship
"""

# The filters of a graph query. Parameters: levels (visibilities the audience sees),
# relationships (the tie types asked, as relationship types),
# as_of (ISO date or null: ISO dates compare as text). ``{p}`` holds the tie's properties:
# the relationship itself, or the map ``properties(r)`` when all of them are read anyway.
_ORGANIZATION_SEEN: Final = """
    {o}.visibility IN $levels
""".strip()
_TIE_SEEN: Final = """
    type(r) IN $relationships
    AND {p}.visibility IN $levels
    AND ($as_of IS NULL OR {active})
""".strip().replace(
    "{active}", ACTIVE_CONDITION.format(since="{p}.since", until="{p}.until", day="$as_of")
)

#: The values of one organization a read returns, in order (``properties`` is the JSON
#: text of the extra columns).
ORGANIZATION_READ: Final = (*ORGANIZATION_COLUMNS, "properties")
#: The values of one tie a read returns, in order: its ends as the store's own ids, its
#: relationship type, its values.
TIE_READ: Final = (
    "source",
    "target",
    "type",
    *(c for c in TIE_COLUMNS if c not in ("source", "target", "type")),
    "properties",
)

# A read names a tie's ends by the organizations' own ids (``s.id``), not by ``id()``,
# which Neo4j deprecates, nor ``elementId()``, 40-odd characters a piece.
_ORGANIZATION_EXPRESSIONS: Final[Mapping[str, str]] = {}
_TIE_EXPRESSIONS: Final = {"source": "s.id", "target": "t.id", "type": "kind"}


def _read_list(columns: tuple[str, ...], expressions: Mapping[str, str]) -> str:
    """A Cypher list of an element's values: ``expressions[column]``, else the property of
    ``p`` (the element's properties), e.g. ``[p.id, p.name, ...]``."""
    values = []
    for column in columns:
        name = "properties_json" if column == "properties" else _identifier(column)
        values.append(expressions.get(column, f"p.{name}"))
    return "[" + ", ".join(values) + "]"


def _as_columns(rows: str, width: int) -> str:
    """A list of rows (each a list of ``width`` values) turned into a list of columns."""
    return f"[i IN range(0, {width - 1}) | [row IN {rows} | row[i]]]"


# Reads return one record of lists, not one record per row: the driver's per-record work
# (a Bolt message, a Record, its conversion) costs more than the values themselves. The
# values come from ``p = properties(o)``: reading the properties one by one walks the
# node's property chain again for each of them (PROFILE: most of an ego read's time). The
# rows are built per element (``collect`` would drop nulls from a column), then sent as
# columns: the client unpacks a few long lists instead of thousands of short ones.
_ORGANIZATION_LIST: Final = _read_list(ORGANIZATION_READ, _ORGANIZATION_EXPRESSIONS)
_TIE_LIST: Final = _read_list(TIE_READ, _TIE_EXPRESSIONS)
_RETURN_COLUMNS: Final = f"""
RETURN {_as_columns("organizations", len(ORGANIZATION_READ))} AS organizations,
       {_as_columns("ties", len(TIE_READ))} AS ties
"""

#: The whole graph a query sees: ``organizations`` and ``ties`` as lists of columns, in the
#: order of ``ORGANIZATION_READ`` and ``TIE_READ`` (a tie is seen when it and both its
#: ends pass the filters).
SELECT_GRAPH: Final[LiteralString] = f"""
CALL () {{
    MATCH (o:Organization)
    WHERE {_ORGANIZATION_SEEN.format(o="o")}
    WITH o, properties(o) AS p
    RETURN collect({_ORGANIZATION_LIST}) AS organizations
}}
CALL () {{
    MATCH (s:Organization)-[r:{_ANY_TIE}]->(t:Organization)
    WHERE {_TIE_SEEN.format(p="r")}
      AND {_ORGANIZATION_SEEN.format(o="s")}
      AND {_ORGANIZATION_SEEN.format(o="t")}
    WITH s, t, r, properties(r) AS p, type(r) AS kind
    RETURN collect({_TIE_LIST}) AS ties
}}
{_RETURN_COLUMNS}"""

# An ego network in one statement: the focus (if the query sees it), then one
# breadth-first step per hop over the ties the query sees, in either direction, holding
# the nodes themselves (no id is read or sent back and forth), then the organizations
# reached and the ties among them, as in ``SELECT_GRAPH``. ``IN`` on a list of nodes is a
# hash lookup. Parameter ``focus``.
_EGO_FOCUS: Final = f"""
OPTIONAL MATCH (focus:Organization {{id: $focus}}) USING INDEX SEEK focus:Organization(id)
WHERE {_ORGANIZATION_SEEN.format(o="focus")}
WITH [o IN [focus] WHERE o IS NOT NULL] AS reached
WITH reached, reached AS frontier
"""
_EGO_HOP: Final = f"""
CALL (reached, frontier) {{
    UNWIND frontier AS s
    MATCH (s)-[r:{_ANY_TIE}]-(o:Organization)
    WHERE {_TIE_SEEN.format(p="r")}
      AND NOT o IN reached
      AND {_ORGANIZATION_SEEN.format(o="o")}
    RETURN collect(DISTINCT o) AS next
}}
WITH reached + next AS reached, next AS frontier
"""
_EGO_SELECT: Final = f"""
CALL (reached) {{
    UNWIND reached AS o
    WITH o, properties(o) AS p
    RETURN collect({_ORGANIZATION_LIST}) AS organizations
}}
CALL (reached) {{
    UNWIND reached AS s
    MATCH (s)-[r:{_ANY_TIE}]->(t)
    WHERE t IN reached
    WITH s, t, r, properties(r) AS p, type(r) AS kind
    WHERE {_TIE_SEEN.format(p="p")}
    RETURN collect({_TIE_LIST}) AS ties
}}
{_RETURN_COLUMNS}"""


@functools.cache
def ego_network(hops: int) -> LiteralString:
    """The organizations within ``hops`` ties of ``$focus`` and the ties among them.

    The statement repeats one fixed step ``hops`` times (Cypher has no loop); the number
    of hops shapes the statement, every value stays a parameter.
    """
    if not isinstance(hops, int) or hops < 0:
        raise ValueError(f"hops must be a whole number, zero or more, not {hops!r}")
    return _EGO_FOCUS + _EGO_HOP * hops + _EGO_SELECT


#: Parameter ``rows``: ``{id, metrics}`` with metric names already prefixed. The metrics
#: written before are removed first, so a node holds the last write only.
WRITE_METRICS: Final = """
UNWIND $rows AS row
MATCH (o:Organization {id: row.id})
FOREACH (key IN [k IN keys(o) WHERE k STARTS WITH 'maillage_'] | REMOVE o[key])
SET o += row.metrics
RETURN count(*) AS written
"""

READ_METRICS: Final = """
MATCH (o:Organization)
WITH o, [k IN keys(o) WHERE k STARTS WITH 'maillage_'] AS keys
WHERE size(keys) > 0
RETURN o.id AS id, [k IN keys | [k, o[k]]] AS metrics
ORDER BY id
"""

#: Relationship type back to tie type.
TIE_TYPE_OF: Final = {rel: tie_type for tie_type, rel in _RELATIONSHIPS.items()}
#: Tie type to relationship type.
RELATIONSHIP_OF: Final = dict(_RELATIONSHIPS)
