"""The Neo4j store's Cypher, as named statements: values are always parameters.

Labels and relationship types cannot be parameters in Cypher, so the statements that need
them are built once, at import, from the fixed vocabulary (``ORGANIZATION_LABELS``,
``TIE_RELATIONSHIPS``), never from anything a user typed; each name is checked to be a
plain identifier first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, LiteralString

from maillage.vocabulary import ORGANIZATION_LABELS, TIE_RELATIONSHIPS

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

GET_DATA_VERSION: Final = "MATCH (m:MaillageMeta {key: 'store'}) RETURN m.data_version AS version"
SET_DATA_VERSION: Final = (
    "MERGE (m:MaillageMeta {key: 'store'}) SET m.data_version = $version RETURN m.data_version"
)

#: Parameter ``ids``: organizations to delete with all their relationships.
DELETE_ORGANIZATIONS: Final = """
UNWIND $ids AS id
MATCH (o:Organization {id: id})
DETACH DELETE o
"""


#: True when ``{e}`` (a node or relationship) differs from ``row.properties`` in a value.
_CHANGED: Final = """
any(k IN keys(row.properties)
    WHERE coalesce({e}[k] <> row.properties[k], ({e}[k] IS NULL) <> (row.properties[k] IS NULL)))
""".strip()


def _upsert_organizations(label: str) -> LiteralString:
    others = ":".join(other for other in _TYPE_LABELS.values() if other != label)
    # Only rows that change something are written: a transaction's memory grows with what
    # it writes, and loading the same file again must stay cheap at Québec scale.
    # Changing an organization's type swaps its type label; `+=` with null values removes
    # the properties a re-load leaves empty, and keeps the metrics written since.
    return f"""
UNWIND $rows AS row
MERGE (o:Organization {{id: row.id}})
WITH o, row WHERE NOT o:{label} OR {_CHANGED.format(e="o")}
REMOVE o:{others}
SET o:{label}, o += row.properties
RETURN count(*) AS written
"""


def _upsert_ties(relationship: str) -> LiteralString:
    # A tie is (source, target, type, since): since_key is '' when since is missing, so
    # two ties without a date compare equal, as in the embedded store.
    return f"""
UNWIND $rows AS row
MATCH (s:Organization {{id: row.source}})
MATCH (t:Organization {{id: row.target}})
MERGE (s)-[r:{relationship} {{since_key: row.since_key}}]->(t)
FOREACH (_ IN CASE WHEN {_CHANGED.format(e="r")} THEN [1] ELSE [] END |
    SET r += row.properties)
RETURN count(*) AS written
"""


#: Per organization type; parameter ``rows``: ``{id, properties}`` maps.
UPSERT_ORGANIZATIONS: Final[Mapping[str, LiteralString]] = {
    org_type: _upsert_organizations(label) for org_type, label in _TYPE_LABELS.items()
}
#: Per tie type; parameter ``rows``: ``{source, target, since_key, properties}`` maps.
UPSERT_TIES: Final[Mapping[str, LiteralString]] = {
    tie_type: _upsert_ties(rel) for tie_type, rel in _RELATIONSHIPS.items()
}

#: Parameter ``ids``: which of them are missing (to name the culprits of a refused load).
MISSING_IDS: Final = """
UNWIND $ids AS id
OPTIONAL MATCH (o:Organization {id: id})
WITH id, o WHERE o IS NULL
RETURN DISTINCT id
"""

EXISTING_IDS: Final = """
UNWIND $ids AS id
MATCH (o:Organization {id: id})
RETURN DISTINCT o.id AS id
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

# The filters of a graph query. Parameters: levels (visibilities the audience sees), types
# and regions (lists or null), relationships (the tie types asked, as relationship types),
# as_of (ISO date or null: ISO dates compare as text).
_ORGANIZATION_SEEN: Final = """
    {o}.visibility IN $levels
    AND ($types IS NULL OR {o}.type IN $types)
    AND ($regions IS NULL OR {o}.region IN $regions)
""".strip()
_TIE_SEEN: Final = """
    type(r) IN $relationships
    AND r.visibility IN $levels
    AND ($as_of IS NULL OR ((r.since IS NULL OR r.since <= $as_of)
                            AND (r.until IS NULL OR r.until >= $as_of)))
""".strip()

_ORGANIZATION_COLUMNS: Final = """
o.id AS id, o.name AS name, o.type AS type, o.legal_form AS legal_form, o.sector AS sector,
o.region AS region, o.city AS city, o.country AS country, o.lat AS lat, o.lon AS lon,
o.website AS website, o.founded AS founded, o.members AS members, o.employees AS employees,
o.tags AS tags, o.visibility AS visibility, o.properties_json AS properties
""".strip()
_TIE_COLUMNS: Final = """
s.id AS source, t.id AS target, type(r) AS relationship, r.weight AS weight, r.since AS since,
r.until AS until, r.visibility AS visibility, r.source_ref AS source_ref, r.note AS note,
r.properties_json AS properties
""".strip()

#: Organizations a query sees (the whole graph, no focus).
SELECT_ORGANIZATIONS: Final[LiteralString] = f"""
MATCH (o:Organization)
WHERE {_ORGANIZATION_SEEN.format(o="o")}
RETURN {_ORGANIZATION_COLUMNS}
ORDER BY id
"""

#: Ties a query sees: the tie itself and both its ends pass the filters.
SELECT_TIES: Final[LiteralString] = f"""
MATCH (s:Organization)-[r:{_ANY_TIE}]->(t:Organization)
WHERE {_TIE_SEEN}
  AND {_ORGANIZATION_SEEN.format(o="s")}
  AND {_ORGANIZATION_SEEN.format(o="t")}
RETURN {_TIE_COLUMNS}
"""

#: The focus, if the query sees it. Parameter ``focus``.
SEEN_FOCUS: Final[LiteralString] = f"""
MATCH (o:Organization {{id: $focus}})
WHERE {_ORGANIZATION_SEEN.format(o="o")}
RETURN o.id AS id
"""

#: One breadth-first step of an ego network over the ties the query sees, in either
#: direction. Parameter ``frontier``: ids reached at the last step.
NEXT_HOP: Final[LiteralString] = f"""
UNWIND $frontier AS id
MATCH (s:Organization {{id: id}})-[r:{_ANY_TIE}]-(o:Organization)
WHERE {_TIE_SEEN}
  AND {_ORGANIZATION_SEEN.format(o="o")}
RETURN DISTINCT o.id AS id
"""

#: Organizations by id (already known to be seen). Parameter ``ids``.
SELECT_ORGANIZATIONS_BY_ID: Final[LiteralString] = f"""
UNWIND $ids AS id
MATCH (o:Organization {{id: id}})
RETURN {_ORGANIZATION_COLUMNS}
"""

#: Ties the query sees leaving the given organizations (the caller keeps those whose
#: target is in the set too). Parameter ``ids``.
SELECT_TIES_FROM: Final[LiteralString] = f"""
UNWIND $ids AS id
MATCH (s:Organization {{id: id}})-[r:{_ANY_TIE}]->(t:Organization)
WHERE {_TIE_SEEN}
  AND {_ORGANIZATION_SEEN.format(o="t")}
RETURN {_TIE_COLUMNS}
"""

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
