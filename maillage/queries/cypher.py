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
    VISIBILITIES,
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

GET_DATA_VERSION: Final = "MATCH (m:MaillageMeta {key: 'store'}) RETURN m.data_version AS version"
#: Takes the store's lock (the meta node's write lock) until the transaction ends. Loads take it
#: first; reads of several statements take it too, because a Neo4j reader can otherwise see a
#: committing load half applied. Writes nothing that changes (the key is set to itself).
LOCK_STORE: Final = (
    "MERGE (m:MaillageMeta {key: 'store'}) SET m.key = m.key RETURN m.data_version AS version"
)
SET_DATA_VERSION: Final = (
    "MERGE (m:MaillageMeta {key: 'store'}) SET m.data_version = $version RETURN m.data_version"
)

#: Parameter ``ids``: organizations to delete with all their relationships.
DELETE_ORGANIZATIONS: Final = """
UNWIND $ids AS id
MATCH (o:Organization {id: id})
DETACH DELETE o
"""


#: The properties a load writes on an organization, in the order of a row's values after
#: its ``id``: rows travel as lists, not maps (the driver packs half as many values).
#: ``properties_json`` is null (not written) when there are no extra columns.
ORGANIZATION_PROPERTIES: Final = (
    *(c for c in ORGANIZATION_COLUMNS if c != "id"),
    "properties_json",
)
#: The properties a load writes on a tie, in the order of a row's values after
#: ``source``, ``target`` and ``since_key`` (``since``, or '' when it has none: part of the
#: tie's identity, matched but not stored, ``since`` says the same).
TIE_PROPERTIES: Final = (
    *(c for c in TIE_COLUMNS if c not in ("source", "target", "type")),
    "properties_json",
)


def _row_map(columns: tuple[str, ...], first: int) -> str:
    """A Cypher map literal of ``row[first]``, ``row[first + 1]``... named by ``columns``."""
    return (
        "{" + ", ".join(f"{_identifier(c)}: row[{first + i}]" for i, c in enumerate(columns)) + "}"
    )


_ORGANIZATION_MAP: Final = _row_map(ORGANIZATION_PROPERTIES, 1)
_TIE_MAP: Final = _row_map(TIE_PROPERTIES, 3)

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
    # constraint on Organization.id still guards against a duplicate), returning the
    # internal ids of the new nodes, so that the ties reach them without an index seek.
    # The two collects see the rows in the same order.
    return f"""
UNWIND $rows AS row
CREATE (o:Organization:{label} {{id: row[0], {_ORGANIZATION_MAP[1:]})
RETURN collect(row[0]) AS ids, collect(id(o)) AS nodes
"""


def _update_organizations(label: str) -> LiteralString:
    others = ":".join(other for other in _TYPE_LABELS.values() if other != label)
    # Only rows that change something are written: a transaction's memory grows with what
    # it writes, and loading the same file again must stay cheap at Québec scale.
    # Changing an organization's type swaps its type label; `+=` with null values removes
    # the properties a re-load leaves empty, and keeps the metrics written since.
    return f"""
UNWIND $rows AS row
MATCH (o:Organization {{id: row[0]}}) USING INDEX SEEK o:Organization(id)
WITH o, {_ORGANIZATION_MAP} AS p
WHERE NOT o:{label} OR {_CHANGED.format(e="o")}
REMOVE o:{others}
SET o:{label}, o += p
RETURN count(*) AS written
"""


# Ties name their ends by the nodes' internal ``id()`` (from ``NODES_BY_ID`` or the
# creating statement, in the same transaction, which holds the store's lock): a
# NodeByIdSeek costs less than a seek in the id index, which must also consult the
# transaction's own index changes. ``elementId()`` strings (some 45 characters, twice per
# tie) cost 0.15 s more per Québec-scale load to pack, send and parse. Neo4j deprecates
# ``id()`` with no replacement for such uses, and keeps it in Cypher 25.
_TIE_ENDS: Final = """
MATCH (s:Organization) WHERE id(s) = row[0]
MATCH (t:Organization) WHERE id(t) = row[1]
""".strip()


def _upsert_ties(relationship: str) -> LiteralString:
    # A tie is (source, target, type, since): row[2] is since, or '' when it is missing, so
    # two ties without a date compare equal, as in the embedded store. (Ties loaded before
    # November 2026 also hold it as a ``since_key`` property.) No MERGE: it locks
    # and re-reads both ends for every row. The existing tie is found by expanding between
    # the two ends (Neo4j walks the end with fewer relationships, so hubs cost nothing),
    # then created when missing, or written only when a value changed. The caller sends
    # each identity once per load, so two rows never create the same tie.
    return f"""
UNWIND $rows AS row
{_TIE_ENDS}
OPTIONAL MATCH (s)-[r:{relationship}]->(t) WHERE coalesce(r.since, '') = row[2]
WITH s, t, r, {_TIE_MAP} AS p
CALL (s, t, r, p) {{
    WITH * WHERE r IS NULL
    CREATE (s)-[n:{relationship}]->(t)
    SET n = p
}}
CALL (r, p) {{
    WITH * WHERE r IS NOT NULL AND {_CHANGED.format(e="r")}
    SET r += p
}}
RETURN count(*) AS written
"""


def _create_ties(relationship: str) -> LiteralString:
    # Ties with an end this load creates cannot exist yet: no lookup, no Eager.
    return f"""
UNWIND $rows AS row
{_TIE_ENDS}
CREATE (s)-[r:{relationship} {_TIE_MAP}]->(t)
RETURN count(*) AS written
"""


#: Per organization type; parameter ``rows``: ``[id, *ORGANIZATION_PROPERTIES]`` lists of
#: organizations not in the store yet; returns ``ids`` and their ``nodes`` (internal ids).
CREATE_ORGANIZATIONS: Final[Mapping[str, LiteralString]] = {
    org_type: _create_organizations(label) for org_type, label in _TYPE_LABELS.items()
}
#: Per organization type; parameter ``rows``: ``[id, *ORGANIZATION_PROPERTIES]`` lists of
#: organizations already in the store.
UPDATE_ORGANIZATIONS: Final[Mapping[str, LiteralString]] = {
    org_type: _update_organizations(label) for org_type, label in _TYPE_LABELS.items()
}
#: Per tie type; parameter ``rows``: ``[source, target, since_key, *TIE_PROPERTIES]`` lists,
#: the ends as internal ids. Returns ``written``: rows whose two ends were found.
UPSERT_TIES: Final[Mapping[str, LiteralString]] = {
    tie_type: _upsert_ties(rel) for tie_type, rel in _RELATIONSHIPS.items()
}
#: Per tie type, for ties with an end created by the same load; rows as ``UPSERT_TIES``.
CREATE_TIES: Final[Mapping[str, LiteralString]] = {
    tie_type: _create_ties(rel) for tie_type, rel in _RELATIONSHIPS.items()
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
MATCH (o:Organization {id: id}) USING INDEX SEEK o:Organization(id)
RETURN DISTINCT o.id AS id
"""

#: Parameter ``ids``: those in the store as ``ids`` and their ``nodes`` (internal ids,
#: valid in this transaction), in one record.
NODES_BY_ID: Final = """
UNWIND $ids AS id
MATCH (o:Organization {id: id}) USING INDEX SEEK o:Organization(id)
RETURN collect(id) AS ids, collect(id(o)) AS nodes
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
# as_of (ISO date or null: ISO dates compare as text). ``{p}`` holds the tie's properties:
# the relationship itself, or the map ``properties(r)`` when all of them are read anyway.
_ORGANIZATION_SEEN: Final = """
    {o}.visibility IN $levels
    AND ($types IS NULL OR {o}.type IN $types)
    AND ($regions IS NULL OR {o}.region IN $regions)
""".strip()
_TIE_SEEN: Final = """
    type(r) IN $relationships
    AND {p}.visibility IN $levels
    AND ($as_of IS NULL OR {active})
""".strip().replace(
    "{active}", ACTIVE_CONDITION.format(since="{p}.since", until="{p}.until", day="$as_of")
)

#: The values of one organization a read returns, in order (``properties`` is the JSON
#: text of the extra columns, ``node`` the node's internal id, ``visibility`` a code: its
#: place in ``VISIBILITIES``).
ORGANIZATION_READ: Final = (*ORGANIZATION_COLUMNS, "properties", "node")
#: The values of one tie a read returns, in order (``type`` is a code: the place of the
#: relationship's tie type in ``READ_TIE_TYPES``; ``visibility`` as for organizations).
#: ``source`` and ``target`` are the internal ids of its ends, as in the organizations'
#: ``node``: reading each end's ``id`` property cost a tenth of an ego read.
TIE_READ: Final = (
    "source",
    "target",
    "type",
    *(c for c in TIE_COLUMNS if c not in ("source", "target", "type")),
    "properties",
)
#: Tie types in the order of their codes in a read (and of ``ties_frame``).
READ_TIE_TYPES: Final = tuple(sorted(_RELATIONSHIPS))


#: Parameters of every read: the codes a read sends for the words of a vocabulary, one
#: small integer each instead of a string to pack, send and unpack (two per tie, one per
#: organization). A map looked up by the word (a ``CASE`` evaluated ``type(r)`` once per
#: branch, a store access each time).
READ_CODES: Final = {
    "visibility_codes": {word: code for code, word in enumerate(VISIBILITIES)},
    "tie_codes": {_RELATIONSHIPS[t]: code for code, t in enumerate(READ_TIE_TYPES)},
}

# A read joins its ties to its organizations by the nodes' internal ``id()``, as loads do,
# within the one statement that returns both: ``elementId()`` strings, sent for every
# organization and twice for every tie, cost an ego read around a hub a fifth of its time.
# Every visibility a read returns is a word of ``VISIBILITIES`` (the query keeps only
# those its audience sees), every ``kind`` a relationship type of the vocabulary.
_ORGANIZATION_EXPRESSIONS: Final = {
    "node": "id(o)",
    "visibility": "$visibility_codes[p.visibility]",
}
_TIE_EXPRESSIONS: Final = {
    "source": "id(s)",
    "target": "id(t)",
    "type": "$tie_codes[kind]",
    "visibility": "$visibility_codes[p.visibility]",
}


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
